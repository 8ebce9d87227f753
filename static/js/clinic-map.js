// Clinic map: nothing is fetched (not Leaflet, not a single tile) until the patient
// presses "Vis kart"; the tile provider sees their address only then. The map puts a
// keyboard-reachable, named marker on every clinic in the list and links list and
// map both ways. Without JavaScript (or tiles) the box says the map cannot be shown;
// the list beside it is the page.
(function () {
  "use strict";

  // Leaflet's stylesheet and script, both fetched only now; the map is built once
  // both have arrived (a map drawn before its stylesheet jumps about).
  function loadLeaflet(box, done) {
    if (window.L) { done(); return; }
    var waiting = 2;
    var ready = function () { waiting -= 1; if (waiting === 0) { done(); } };
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = box.getAttribute("data-leaflet-css");
    sheet.onload = ready;
    sheet.onerror = ready;
    document.head.appendChild(sheet);
    var script = document.createElement("script");
    script.src = box.getAttribute("data-leaflet-js");
    script.onload = ready;
    script.onerror = function () { showUnavailable(box); };
    document.head.appendChild(script);
  }

  function showUnavailable(box) {
    if (box.querySelector(".nm-map__notice")) { return; }
    var notice = document.createElement("p");
    notice.className = "nm-map__notice";
    notice.textContent = box.getAttribute("data-unavailable");
    box.appendChild(notice);
  }

  function highlight(slug, markers) {
    document.querySelectorAll(".nm-clinic[data-clinic]").forEach(function (item) {
      var active = item.getAttribute("data-clinic") === slug;
      item.classList.toggle("nm-clinic--active", active);
    });
    Object.keys(markers).forEach(function (key) {
      var icon = markers[key].getElement();
      if (icon) { icon.classList.toggle("nm-marker--active", key === slug); }
    });
  }

  function build(box) {
    var data = JSON.parse(document.getElementById(box.getAttribute("data-markers")).textContent);
    box.querySelectorAll(".nm-map__fallback").forEach(function (p) { p.remove(); });
    var L = window.L;
    var icon = L.icon({
      iconUrl: box.getAttribute("data-icon-url"),
      iconRetinaUrl: box.getAttribute("data-icon-retina-url"),
      shadowUrl: box.getAttribute("data-shadow-url"),
      iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41]
    });
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.getAttribute("data-tile-url"), {
      maxZoom: parseInt(box.getAttribute("data-max-zoom"), 10) || 18,
      attribution: box.getAttribute("data-attribution")
    }).on("tileerror", function () { showUnavailable(box); }).addTo(map);

    var markers = {};
    var bounds = [];
    data.forEach(function (clinic) {
      var marker = L.marker([clinic.lat, clinic.lng], {
        icon: icon, title: clinic.name, alt: clinic.name, keyboard: true
      }).addTo(map);
      var link = document.createElement("a");
      link.href = clinic.url;
      link.textContent = clinic.name;
      marker.bindPopup(link);
      // Click and Enter both open the popup: highlight the clinic in the list then.
      marker.on("popupopen", function () { highlight(clinic.id, markers); });
      markers[clinic.id] = marker;
      bounds.push([clinic.lat, clinic.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 13); }
    else if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 }); }
    else { map.setView([64.5, 12], 4); }

    // "Show on map" for each clinic in the list.
    document.querySelectorAll(".nm-clinic[data-clinic]").forEach(function (item) {
      var slug = item.getAttribute("data-clinic");
      if (!markers[slug]) { return; }
      var actions = item.querySelector(".nm-clinic__actions");
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nm-link-button";
      button.textContent = box.getAttribute("data-show-label") || "Vis på kartet";
      button.addEventListener("click", function () {
        highlight(slug, markers);
        map.setView(markers[slug].getLatLng(), Math.max(map.getZoom(), 11));
        markers[slug].openPopup();
      });
      li.appendChild(button);
      if (actions) { actions.appendChild(li); }
    });
  }

  document.querySelectorAll(".nm-map[data-markers]").forEach(function (box) {
    box.querySelectorAll(".nm-map__fallback").forEach(function (p) { p.remove(); });
    box.classList.add("nm-map--idle");
    var intro = document.createElement("div");
    intro.className = "nm-map__start";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nm-button nm-button--secondary";
    button.textContent = box.getAttribute("data-start-label");
    var note = document.createElement("p");
    note.className = "nm-map__privacy";
    note.textContent = box.getAttribute("data-privacy-note");
    intro.appendChild(button);
    intro.appendChild(note);
    box.appendChild(intro);
    button.addEventListener("click", function () {
      intro.remove();
      box.classList.remove("nm-map--idle");
      box.setAttribute("tabindex", "-1");
      box.focus();
      loadLeaflet(box, function () { build(box); });
    });
  });
})();
