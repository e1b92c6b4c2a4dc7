/* UHS Patient Portal Help: floating chat widget. Paste on any page:
     <script src="https://YOUR-BOT-HOST/widget.js" defer></script>
   It adds a launcher button; the chat opens in an iframe served by the bot's own origin, so the
   host page needs no CORS, no token handling and none of its CSS can leak into the chat.
   Optional: data-label="..." on the script tag changes the button text. */
(function () {
  'use strict';
  if (window.__uhsPortalHelpWidget) return;
  window.__uhsPortalHelpWidget = true;

  var script = document.currentScript;
  var origin = new URL(script && script.src ? script.src : window.location.href);
  var chatUrl = new URL('./?embed=1', origin).href;
  var label = (script && script.getAttribute('data-label')) || 'Portal help chat';
  var MAROON = '#881c1c';

  var style = document.createElement('style');
  style.textContent = [
    '.uhs-chat-launcher{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;display:flex;align-items:center;gap:.5rem;',
    'padding:.75rem 1.1rem;border:2px solid #fff;border-radius:999px;background:' + MAROON + ';color:#fff;',
    'font:600 1rem/1.2 "Segoe UI",Roboto,Helvetica,Arial,sans-serif;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3)}',
    '.uhs-chat-launcher:hover{background:#5e1313}',
    '.uhs-chat-launcher:focus-visible,.uhs-chat-close:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}',
    '.uhs-chat-panel{position:fixed;right:1rem;bottom:5rem;z-index:2147483001;display:flex;flex-direction:column;',
    'width:min(24rem,calc(100vw - 2rem));height:min(36rem,calc(100vh - 7rem));background:#fff;border-radius:10px;',
    'overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.35)}',
    '.uhs-chat-panel[hidden]{display:none}',
    '.uhs-chat-bar{display:flex;align-items:center;justify-content:space-between;padding:.5rem .75rem;background:' + MAROON + ';color:#fff;',
    'font:600 1rem/1.2 "Segoe UI",Roboto,Helvetica,Arial,sans-serif}',
    '.uhs-chat-bar h2{margin:0;font-size:1rem}',
    '.uhs-chat-close{min-width:2.75rem;min-height:2.75rem;border:0;border-radius:6px;background:transparent;color:#fff;font-size:1.5rem;cursor:pointer}',
    '.uhs-chat-frame{flex:1;width:100%;border:0}',
    '@media (max-width:480px){.uhs-chat-panel{right:0;bottom:0;width:100vw;height:100%;border-radius:0}}'
  ].join('');
  document.head.appendChild(style);

  var launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'uhs-chat-launcher';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'uhs-chat-panel');
  launcher.textContent = label;

  var panel = document.createElement('div');
  panel.id = 'uhs-chat-panel';
  panel.className = 'uhs-chat-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'UHS Patient Portal Help chat');
  panel.hidden = true;

  var bar = document.createElement('div');
  bar.className = 'uhs-chat-bar';
  var title = document.createElement('h2');
  title.textContent = 'UHS Patient Portal Help';
  var close = document.createElement('button');
  close.type = 'button';
  close.className = 'uhs-chat-close';
  close.setAttribute('aria-label', 'Close the chat');
  close.textContent = '\u00d7';
  bar.appendChild(title);
  bar.appendChild(close);
  panel.appendChild(bar);

  var frame = null;

  function open() {
    if (!frame) {
      // Created on first open: nothing is loaded from the bot until the visitor asks for it.
      frame = document.createElement('iframe');
      frame.className = 'uhs-chat-frame';
      frame.title = 'UHS Patient Portal Help chat';
      frame.src = chatUrl;
      frame.setAttribute('allow', 'clipboard-write');
      panel.appendChild(frame);
    }
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    frame.focus();
  }

  function hide() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', function () {
    if (panel.hidden) open();
    else hide();
  });
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') hide();
  });
  // Escape pressed inside the chat iframe arrives as a message from the chat's origin.
  window.addEventListener('message', function (event) {
    if (event.origin === origin.origin && event.data === 'uhs-portal-help:close' && !panel.hidden) hide();
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
