// Clinic map: nothing is fetched (not Leaflet, not a single tile) until the patient
// presses "Vis kart"; the tile provider sees their address only then. The map puts a
// keyboard-reachable, named marker on every clinic in the list and links list and
// map both ways. Without JavaScript (or tiles) the box says the map cannot be shown;
// the list beside it is the page.
(function () {
  "use strict";

  // Leaflet's and the cluster plugin's stylesheets and scripts, all fetched only
  // now; the map is built once all have arrived (a map drawn before its stylesheet
  // jumps about). The plugin needs Leaflet, so its script comes second.
  function loadLeaflet(box, done) {
    if (window.L && window.L.markerClusterGroup) { done(); return; }
    var waiting = 3;
    var ready = function () { waiting -= 1; if (waiting === 0) { done(); } };
    ["data-leaflet-css", "data-cluster-css"].forEach(function (name) {
      var sheet = document.createElement("link");
      sheet.rel = "stylesheet";
      sheet.href = box.getAttribute(name);
      sheet.onload = ready;
      sheet.onerror = ready;
      document.head.appendChild(sheet);
    });
    var failed = function () { showUnavailable(box); };
    var script = document.createElement("script");
    script.src = box.getAttribute("data-leaflet-js");
    script.onerror = failed;
    script.onload = function () {
      var plugin = document.createElement("script");
      plugin.src = box.getAttribute("data-cluster-js");
      plugin.onload = ready;
      plugin.onerror = failed;
      document.head.appendChild(plugin);
    };
    document.head.appendChild(script);
  }

  // Markers nearer each other than a marker is tall become one button that names
  // the clinics it holds and zooms in to them (WCAG 2.2: targets that do not
  // overlap).
  function clusterIcon(L, box, cluster) {
    var names = cluster.getAllChildMarkers().map(function (m) { return m.options.title; });
    var icon = document.createElement("span");
    var count = document.createElement("span");
    count.setAttribute("aria-hidden", "true");
    count.textContent = String(names.length);
    var label = document.createElement("span");
    label.className = "nm-visually-hidden";
    label.textContent = names.length + " " + box.getAttribute("data-cluster-label") +
      " " + names.join(", ");
    icon.appendChild(count);
    icon.appendChild(label);
    icon.nmCluster = cluster;
    return L.divIcon({ html: icon, className: "nm-cluster", iconSize: L.point(44, 44) });
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
    var group = L.markerClusterGroup({
      maxClusterRadius: 48,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (cluster) { return clusterIcon(L, box, cluster); }
    });
    // A cluster pressed by keyboard zooms in; focus goes on to its first clinic
    // (or the cluster that now holds it), not back to the top of the map.
    var focusNext = null;
    box.addEventListener("keydown", function (event) {
      var element = event.target.closest && event.target.closest(".nm-cluster");
      var cluster = element && element.firstChild && element.firstChild.nmCluster;
      if (cluster && event.key === "Enter") {
        focusNext = cluster.getAllChildMarkers()[0];
      }
    }, true);
    group.on("animationend", function () {
      if (!focusNext) { return; }
      var next = focusNext;
      focusNext = null;
      // After Leaflet's own handling of the press, which focuses the map.
      window.setTimeout(function () {
        var parent = group.getVisibleParent(next);
        var element = parent && parent.getElement();
        if (element) { element.focus(); }
      }, 0);
    });
    data.forEach(function (clinic) {
      var marker = L.marker([clinic.lat, clinic.lng], {
        icon: icon, title: clinic.name, alt: clinic.name, keyboard: true
      });
      group.addLayer(marker);
      var link = document.createElement("a");
      link.href = clinic.url;
      link.textContent = clinic.name;
      marker.bindPopup(link);
      // Click and Enter both open the popup: highlight the clinic in the list then.
      marker.on("popupopen", function () { highlight(clinic.id, markers); });
      markers[clinic.id] = marker;
      bounds.push([clinic.lat, clinic.lng]);
    });
    map.addLayer(group);
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
        group.zoomToShowLayer(markers[slug], function () {
          markers[slug].openPopup();
          highlight(slug, markers);
        });
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
