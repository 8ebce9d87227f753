// Move focus to the error summary so screen readers announce it and keyboard users
// start from the list of what to fix.
(function () {
  "use strict";
  var summary = document.querySelector(".nm-error-summary");
  if (summary) { summary.focus(); }
})();
