#!/bin/sh
# `make audit`: Lighthouse 12 (audit/package.json) with Debian's Chromium, mobile
# settings (its defaults: a mid-range phone, slow 4G, simulated), map tiles blocked,
# against a production-like gunicorn with demo data. Reports in var/audit/; the
# summary fails when a page misses the goals (performance 95, the rest 100).
set -eu

PORT=${AUDIT_PORT:-8767}
OUT=var/audit
LIGHTHOUSE=audit/node_modules/.bin/lighthouse
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
. scripts/demo_server.sh

demo_setup
trap stop EXIT
serve audit

ask() { $PY manage.py shell --verbosity 0 -c "$1"; }
clinic=$(ask "from clinics.models import Clinic; print(Clinic.objects.order_by('name').first().slug)")
tiles=$(ask "from django.conf import settings; from urllib.parse import urlsplit; print(urlsplit(settings.MAP_TILE_URL).netloc)")
for page in "home /" "article /plager/korsryggsmerter/" "finder /klinikker/" \
    "clinic /klinikker/$clinic/" "booking /timebestilling/$clinic/"; do
  name=${page%% *}
  path=${page#* }
  $LIGHTHOUSE "$BASE$path" --quiet --output json --output html \
    --output-path "$OUT/$name" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --blocked-url-patterns="*$tiles*"
done
stop
trap - EXIT

status=0
$PY scripts/audit_summary.py "$OUT" >"$OUT/summary.txt" || status=$?
cat "$OUT/summary.txt"
exit $status
