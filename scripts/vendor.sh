#!/bin/sh
# Copy the browser-side packages that pages use from node_modules into static/vendor
# (git-ignored), where collectstatic and WhiteNoise find them. Used by make and the
# Dockerfile. Leaflet's whole dist/ is copied: its CSS refers to images/, and
# leaflet.js to its .map, which the manifest storage resolves.
set -eu
cd "$(dirname "$0")/.."
mkdir -p static/vendor/jquery-ui
cp node_modules/jquery-ui/dist/jquery-ui.min.js static/vendor/jquery-ui/
rm -rf static/vendor/leaflet
cp -r node_modules/leaflet/dist static/vendor/leaflet
# Leaflet.markercluster: markers closer than a touch target are gathered into one
# (WCAG 2.2's target size); its script with the .map it names, and its base CSS.
rm -rf static/vendor/leaflet.markercluster
mkdir -p static/vendor/leaflet.markercluster
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
  node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map \
  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
  node_modules/leaflet.markercluster/MIT-LICENCE.txt \
  static/vendor/leaflet.markercluster/
