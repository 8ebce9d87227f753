// After a search the page opens at its results (#results-heading in the form's
// action): move focus there too, so a screen reader starts reading the results
// rather than the top of the page. Without JavaScript the anchor still scrolls.
(function () {
  "use strict";
  var id = decodeURIComponent(window.location.hash.slice(1));
  if (!id) return;
  var target = document.getElementById(id);
  if (target && target.getAttribute("tabindex") === "-1") {
    target.focus({ preventScroll: true });
  }
})();
