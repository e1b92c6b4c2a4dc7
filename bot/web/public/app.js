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
    // Markdown is rendered without its HTML: a tag in any message shows as text, never as an
    // element (staff text is relayed as plain text, and this holds if something slips through).
    markdownRenderHTML: false,
    uploadMultiple: false
  };

  /* The pending file: Web Chat keeps a picked file in its store until Send is pressed, and shows
     only a dot on the paperclip. This bar names the file beside the send box, with its size and
     a Remove button, and the send box's placeholder says to press Send. */
  var pending = document.getElementById('pending-file');
  var pendingText = document.getElementById('pending-file-text');
  var pendingRemove = document.getElementById('pending-file-remove');
  var pendingAnnounce = document.getElementById('pending-file-announce');
  var PLACEHOLDER = 'Type your message';
  var PLACEHOLDER_WITH_FILE = 'Press Send to send your file';

  function humanSize(bytes) {
    var mb = bytes / (1024 * 1024);
    if (mb >= 1) return Math.round(mb * 10) / 10 + ' MB';
    return Math.max(1, Math.round(bytes / 1024)) + ' KB';
  }

  function fileLabel(files) {
    return files
      .map(function (file) {
        return (file.name || 'file') + ' (' + humanSize(file.size || 0) + ')';
      })
      .join(', ');
  }

  function showPending(files, limitBytes) {
    if (!files.length) {
      pending.hidden = true;
      pendingText.textContent = '';
      return;
    }
    var label = fileLabel(files);
    var tooBig = files.some(function (file) {
      return limitBytes && file.size > limitBytes;
    });
    pendingText.textContent = '';
    var name = document.createElement('strong');
    name.textContent = label;
    pendingText.appendChild(name);
    pendingText.appendChild(
      document.createTextNode(
        tooBig
          ? ' is larger than the ' + humanSize(limitBytes) + ' this chat takes. Press Send and I will tell you what to do, or remove it.'
          : ' is ready. Press Send to send it.'
      )
    );
    pendingRemove.setAttribute('aria-label', 'Remove ' + label);
    pending.hidden = false;
    pendingAnnounce.textContent = 'File ' + label + ' attached. Press Send to send it.';
  }

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
        var store = window.WebChat.createStore();
        var withFile = false;

        function render() {
          window.WebChat.renderWebChat(
            {
              directLine: directLine,
              store: store,
              locale: 'en-US',
              styleOptions: styleOptions,
              overrideLocalizedStrings: { TEXT_INPUT_PLACEHOLDER: withFile ? PLACEHOLDER_WITH_FILE : PLACEHOLDER }
            },
            root
          );
        }

        var shown = null;
        store.subscribe(function () {
          var attachments = store.getState().sendBoxAttachments || [];
          if (attachments === shown) return;
          shown = attachments;
          var files = attachments.map(function (attachment) {
            return attachment.blob;
          });
          showPending(files, session.attachmentMaxBytes);
          if (withFile !== files.length > 0) {
            withFile = files.length > 0;
            render();
          }
        });
        pendingRemove.addEventListener('click', function () {
          store.dispatch({ type: 'WEB_CHAT/SET_SEND_BOX_ATTACHMENTS', payload: { attachments: [] } });
          pendingAnnounce.textContent = 'File removed.';
          var input = root.querySelector('[data-id="webchat-sendbox-input"]');
          if (input) input.focus();
        });

        render();
        status.hidden = true;
      })
      .catch(function () {
        showError();
      });
  }

  start();
})();
