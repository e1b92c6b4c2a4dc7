/* UHS Patient Portal Help: gets a Direct Line token from our server (the Direct Line secret
   never reaches the browser) and renders the official Web Chat with UHS styling. All URLs are
   relative, so the page also works behind a reverse proxy under a sub-path. */
(function () {
  'use strict';

  var HELPDESK = 'uhsportalhelp@umass.edu';
  var params = new URLSearchParams(window.location.search);
  if (params.get('embed') === '1') {
    document.body.classList.add('embed');
    // In the floating widget, Escape (when Web Chat did not use it) asks the host page to close.
    window.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !event.defaultPrevented && window.parent !== window) {
        window.parent.postMessage('uhs-portal-help:close', '*');
      }
    });
  }

  var status = document.getElementById('chat-status');
  var root = document.getElementById('webchat-root');

  function showError() {
    status.hidden = false;
    status.className = 'chat-status error';
    status.textContent = '';
    status.appendChild(document.createTextNode('The chat is unavailable right now. Please email '));
    var link = document.createElement('a');
    link.href = 'mailto:' + HELPDESK;
    link.textContent = HELPDESK;
    status.appendChild(link);
    status.appendChild(document.createTextNode(' for help with the portal.'));
  }

  var styleOptions = {
    accent: '#881c1c',
    primaryFont: '"Segoe UI", Roboto, Helvetica, Arial, sans-serif',
    subtle: '#595959',
    timestampColor: '#595959',
    // Light bubbles with dark text: links and file names (drawn in the accent colour) stay
    // readable inside them (maroon on #f6e8e8 is 8:1).
    bubbleBackground: '#f2f2f2',
    bubbleTextColor: '#212121',
    bubbleBorderRadius: 8,
    bubbleFromUserBackground: '#f6e8e8',
    bubbleFromUserTextColor: '#212121',
    bubbleFromUserBorderColor: '#881c1c',
    bubbleFromUserBorderWidth: 1,
    bubbleFromUserBorderRadius: 8,
    botAvatarInitials: 'UHS',
    botAvatarBackgroundColor: '#881c1c',
    userAvatarInitials: 'You',
    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#881c1c',
    suggestedActionTextColor: '#881c1c',
    suggestedActionBorderRadius: 16,
    sendBoxButtonColor: '#881c1c',
    sendBoxPlaceholderColor: '#595959',
    hideUploadButton: false,
    uploadMultiple: false
  };

  function start() {
    if (!window.WebChat) {
      showError();
      return;
    }
    fetch('api/directline/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      credentials: 'same-origin'
    })
      .then(function (response) {
        if (!response.ok) throw new Error('token request failed: ' + response.status);
        return response.json();
      })
      .then(function (session) {
        // No userID is passed: Web Chat reads it from the token's `user` claim (local and Azure).
        var directLine = window.WebChat.createDirectLine({
          token: session.token,
          domain: new URL(session.domain, window.location.href).href.replace(/\/$/, ''),
          webSocket: session.webSocket === true,
          pollingInterval: session.pollingIntervalMs
        });
        window.WebChat.renderWebChat(
          { directLine: directLine, locale: 'en-US', styleOptions: styleOptions },
          root
        );
        status.hidden = true;
      })
      .catch(function () {
        showError();
      });
  }

  start();
})();
