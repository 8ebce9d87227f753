// "Use my position": added only with JavaScript and used only when asked. The
// position is rounded to about a kilometre before it leaves the browser, and the
// form is sent as a normal GET, so the list works the same with or without it.
(function () {
  "use strict";
  var hook = document.querySelector(".nm-finder__position");
  if (!hook || !("geolocation" in navigator)) { return; }
  var form = hook.closest("form");
  var status = form.querySelector(".nm-finder__status");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "nm-button nm-button--secondary";
  button.textContent = hook.getAttribute("data-label");
  hook.appendChild(button);

  function field(name) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  button.addEventListener("click", function () {
    status.textContent = hook.getAttribute("data-busy");
    navigator.geolocation.getCurrentPosition(function (position) {
      field("lat").value = position.coords.latitude.toFixed(2);
      field("lng").value = position.coords.longitude.toFixed(2);
      var query = form.querySelector('input[name="q"]');
      if (query) { query.value = ""; }
      form.submit();
    }, function () {
      status.textContent = hook.getAttribute("data-denied");
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });
})();
