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
