// Django's admin, made to pass axe. modeltranslation's jQuery UI language tabs put a
// focusable link inside each tab (role="tab"), which axe reports as nested controls.
// The tab itself takes the focus and the arrow keys, so each link loses its href and
// tabindex; tabs are told their panels are on the page (no link to load them from).
// Rows added with "Add another" get the same. The switch that turns every field's tab
// to one language gets a name.
(function () {
  "use strict";

  var switchName = document.documentElement.lang === "en"
    ? "Language of all fields" : "Språk i alle felt";

  function fix(root) {
    root.querySelectorAll("#modeltranslation-main-switch:not([aria-label])")
      .forEach(function (select) { select.setAttribute("aria-label", switchName); });
    root.querySelectorAll(".ui-tabs-anchor[href]").forEach(function (link) {
      link.removeAttribute("href");
      link.removeAttribute("tabindex");
    });
  }

  window.addEventListener("load", function () {
    var $ = window.jQuery || (window.django && window.django.jQuery);
    if ($ && $.ui && $.ui.tabs) {
      $.ui.tabs.prototype._isLocal = function () { return true; };
    }
    fix(document);
    new MutationObserver(function () { fix(document); })
      .observe(document.body, { childList: true, subtree: true });
  });
})();
