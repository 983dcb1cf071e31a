// Copy buttons for the badge snippets on a project page. Without this script (or without the
// Clipboard API) the snippets are still plain selectable text, so nothing here is required.
// Every user-visible text comes from data attributes the server rendered from the locale files.
'use strict';

(function addCopyButtons() {
  const section = document.querySelector('.badge-snippets');
  const clipboard = navigator.clipboard;
  if (!section || !clipboard || typeof clipboard.writeText !== 'function') return;
  const status = section.querySelector('.badge-snippets-status');

  const announce = (text) => {
    if (!status) return;
    // Clearing first makes screen readers announce a repeated message again.
    status.textContent = '';
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  };

  for (const item of section.querySelectorAll('.badge-snippets-item')) {
    const code = item.querySelector('code');
    const label = item.getAttribute('data-copy-label');
    if (!code || !label) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'badge-snippets-copy';
    button.textContent = label;
    button.addEventListener('click', () => {
      clipboard.writeText(code.textContent || '').then(
        () => announce(item.getAttribute('data-copied') || ''),
        () => announce(item.getAttribute('data-copy-failed') || ''),
      );
    });
    item.appendChild(button);
  }
})();
