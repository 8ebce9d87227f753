// The day view without page loads: a change of filter, a day in the strip, a week
// back or forward and the grouping fetch the same page's URL and swap in its times,
// so focus stays where it was and the new day is announced. Without JavaScript (or
// when a fetch fails) the same links and the form's button load the page as usual.
(function () {
  "use strict";
  var region = document.querySelector("[data-slot-day]");
  var form = document.querySelector("[data-slot-filter]");
  var status = document.querySelector("[data-slot-day-status]");
  if (!region || !window.fetch || !window.DOMParser || !window.history.replaceState) { return; }

  // A time pressed while the times are being fetched: the page is leaving, and
  // the swap must not undo that navigation with its own history entry.
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });

  function load(url, push, focusSelector) {
    region.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok && response.status !== 400) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (leaving) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-slot-day]");
        if (!fresh) { throw new Error("no times"); }
        region.innerHTML = fresh.innerHTML;
        region.setAttribute("data-announce", fresh.getAttribute("data-announce") || "");
        region.removeAttribute("aria-busy");
        var hidden = page.querySelector("[data-slot-filter]");
        if (form && hidden) {
          form.querySelectorAll('input[type="hidden"]').forEach(function (input) { input.remove(); });
          hidden.querySelectorAll('input[type="hidden"]').forEach(function (input) {
            form.insertBefore(input, form.querySelector("[data-slot-filter-submit]"));
          });
        }
        var clean = url.split("#")[0];
        if (push) { window.history.pushState({ slotDay: true }, "", clean); }
        else { window.history.replaceState({ slotDay: true }, "", clean); }
        if (status) { status.textContent = region.getAttribute("data-announce"); }
        var target = focusSelector && region.querySelector(focusSelector);
        if (target) { target.focus(); }
      })
      .catch(function () { window.location.href = url; });
  }

  if (form) {
    var submit = form.querySelector("[data-slot-filter-submit]");
    if (submit) { submit.hidden = true; }
    form.addEventListener("change", function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (value !== "") { params.append(name, value); }
      });
      var query = params.toString();
      load(window.location.pathname + (query ? "?" + query : ""), false, null);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.dispatchEvent(new Event("change"));
    });
  }

  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-swap]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    var focus = "#day-heading";
    if (link.classList.contains("nm-strip__day")) { focus = '.nm-strip__day[aria-current="date"]'; }
    else if (link.classList.contains("nm-strip__move")) { focus = "#strip-heading"; }
    else if (link.closest(".nm-grouping")) { focus = '.nm-grouping a[aria-current="true"]'; }
    load(link.href, true, focus);
  });

  window.addEventListener("popstate", function () { load(window.location.href, false, null); });
})();
