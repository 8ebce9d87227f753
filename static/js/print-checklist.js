// Adds a "print the checklist" button to the self-care part of an article (and "print
// the price list" to a clinic page: data-print-class names what the print keeps).
// Printing with it gives a one-page handout of that part alone; without JavaScript
// the browser's own print prints the whole page (the print stylesheet still applies).
(function () {
  "use strict";
  document.querySelectorAll(".nm-print-action[data-print-label]").forEach(function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nm-button nm-button--secondary";
    button.textContent = box.getAttribute("data-print-label");
    var printClass = box.getAttribute("data-print-class") || "nm-print-checklist";
    button.addEventListener("click", function () {
      document.documentElement.classList.add(printClass);
      window.print();
    });
    box.insertBefore(button, box.firstChild);
  });
  window.addEventListener("afterprint", function () {
    document.documentElement.classList.remove("nm-print-checklist", "nm-print-prices");
  });
})();
