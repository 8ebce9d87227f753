// Move focus to what the page must say first: the error summary (keyboard users start
// from the list of what to fix), or a refusal's message marked data-focus-on-load
// ("someone booked that time just before you"). Screen readers announce it.
(function () {
  "use strict";
  var target = document.querySelector(".nm-error-summary, [data-focus-on-load]");
  if (target) { target.focus(); }
})();
