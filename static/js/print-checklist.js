// Adds a "print the checklist" button to the self-care part of an article. Printing
// with it gives a one-page handout of the checklist alone; without JavaScript the
// browser's own print prints the whole article (the print stylesheet still applies).
(function () {
  "use strict";
  document.querySelectorAll(".nm-print-action[data-print-label]").forEach(function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nm-button nm-button--secondary";
    button.textContent = box.getAttribute("data-print-label");
    button.addEventListener("click", function () {
      document.documentElement.classList.add("nm-print-checklist");
      window.print();
    });
    box.insertBefore(button, box.firstChild);
  });
  window.addEventListener("afterprint", function () {
    document.documentElement.classList.remove("nm-print-checklist");
  });
})();
