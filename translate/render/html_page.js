/* tarjama reading page: one view at a time, chosen by the URL fragment.
 * Views: one per language (#ar, #en, #ru) and the editor's side-by-side view (#aligned).
 * Without this script every language is shown one after the other (and #aligned by :target),
 * so the page stays readable with JavaScript off. No data is embedded here: the languages come
 * from <html data-langs>, so article text never reaches a script context. */
(function () {
  'use strict';
  var root = document.documentElement;
  var langs = (root.getAttribute('data-langs') || '').split(' ').filter(Boolean);
  var main = document.querySelector('main');
  var aligned = document.getElementById('aligned');
  var viewLink = document.querySelector('a.view');
  var current = langs[0];

  function apply(view) {
    var isAligned = view === 'aligned' && !!aligned;
    if (!isAligned && langs.indexOf(view) >= 0) { current = view; }
    langs.forEach(function (l) {
      var art = document.getElementById(l);
      if (art) { art.hidden = l !== current; }
      var link = document.querySelector('nav.switcher a[data-lang="' + l + '"]');
      if (link) { link.setAttribute('aria-current', !isAligned && l === current ? 'true' : 'false'); }
    });
    if (aligned) { aligned.hidden = !isAligned; }
    if (viewLink) { viewLink.setAttribute('aria-current', isAligned ? 'true' : 'false'); }
    root.classList.toggle('aligned-on', isAligned);
    if (main) { main.classList.toggle('wide', isAligned); }
    root.lang = current;
    var title = document.querySelector('#' + current + ' h1');
    if (title && title.textContent) { document.title = title.textContent; }
  }

  function fromHash() { apply(decodeURIComponent((location.hash || '').slice(1))); }

  // Switch without the browser's jump to the anchor, and keep focus on the link the user used.
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('header.bar a[href^="#"]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
    var view = a.getAttribute('href').slice(1);
    e.preventDefault();
    try { history.pushState(null, '', '#' + view); } catch (err) { location.hash = view; return; }
    apply(view);
    window.scrollTo(0, 0);
  });
  window.addEventListener('popstate', fromHash);
  window.addEventListener('hashchange', fromHash);

  // Side by side: hovering or focusing a unit highlights its counterparts in every column.
  function mark(e, on) {
    var u = e.target.closest && e.target.closest('[data-unit]');
    if (!u || !aligned || !aligned.contains(u)) { return; }
    var id = u.getAttribute('data-unit');
    var sel = '[data-unit="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]';
    aligned.querySelectorAll(sel).forEach(function (el) { el.classList.toggle('hi', on); });
  }
  if (aligned) {
    aligned.addEventListener('mouseover', function (e) { mark(e, true); });
    aligned.addEventListener('mouseout', function (e) { mark(e, false); });
    aligned.addEventListener('focusin', function (e) { mark(e, true); });
    aligned.addEventListener('focusout', function (e) { mark(e, false); });
  }

  fromHash();
})();
