// Admin: a small map under the latitude and longitude fields; a click on the map sets
// both, and typing in the fields moves the marker.
window.addEventListener("load", function () {
  "use strict";
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  if (!lat || !lng || !window.L) { return; }
  var box = document.createElement("div");
  box.className = "nm-admin-map";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Kart: klikk for å sette posisjonen");
  lng.closest(".form-row").after(box);
  var start = [parseFloat(lat.value) || 64.5, parseFloat(lng.value) || 12];
  var map = L.map(box).setView(start, lat.value ? 13 : 4);
  L.tileLayer(lat.getAttribute("data-tile-url"), {
    maxZoom: 18,
    attribution: lat.getAttribute("data-attribution")
  }).addTo(map);
  var marker = L.circleMarker(start, { radius: 8 }).addTo(map);
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    marker.setLatLng(event.latlng);
  });
  [lat, lng].forEach(function (input) {
    input.addEventListener("change", function () {
      var point = [parseFloat(lat.value), parseFloat(lng.value)];
      if (!isNaN(point[0]) && !isNaN(point[1])) { marker.setLatLng(point); map.setView(point); }
    });
  });
});
