// Click-to-enlarge for the figures the chapter crates draw ({{#figure}}): a click (or Enter /
// Space on the focused figure) shows the figure over the page, as wide as the window allows;
// a click anywhere, Escape or Enter closes it. Without JavaScript the figures stay as they are.
(function () {
  'use strict';

  var overlay = null;
  var opener = null;

  function close() {
    if (!overlay) { return; }
    overlay.remove();
    overlay = null;
    document.removeEventListener('keydown', onKey, true);
    if (opener) { opener.focus(); }
  }

  function onKey(event) {
    if (event.key === 'Escape' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  }

  function open(img) {
    close();
    opener = img;
    overlay = document.createElement('div');
    overlay.className = 'figure-zoom';
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-label', 'Enlarged figure (click or press Escape to close)');
    overlay.tabIndex = -1;
    var large = document.createElement('img');
    large.src = img.src;
    large.alt = img.alt;
    // As large as fits in the window, keeping the figure's proportions (an SVG scales cleanly);
    // a tall figure is still enlarged to 1.5 times (when the window is wide enough) and scrolls.
    var width = img.naturalWidth || img.width;
    var height = img.naturalHeight || img.height;
    var scale = Math.min(0.96 * window.innerWidth / width,
      Math.max(0.96 * window.innerHeight / height, 1.5));
    large.style.width = Math.round(width * scale) + 'px';
    large.style.height = Math.round(height * scale) + 'px';
    overlay.appendChild(large);
    overlay.addEventListener('click', close);
    document.body.appendChild(overlay);
    document.addEventListener('keydown', onKey, true);
    overlay.focus();
  }

  function setUp(img) {
    img.tabIndex = 0;
    img.setAttribute('role', 'button');
    img.title = 'Click to enlarge';
    img.addEventListener('click', function () { open(img); });
    img.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open(img);
      }
    });
  }

  function start() {
    document.querySelectorAll('.book-figure img').forEach(setUp);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
