#!/bin/sh
# `make scan`: the wapiti scanner against a local server with demo data. Not part of CI.
# A scratch database (var/scan/) so the scan's bookings and e-mails never touch
# var/db.sqlite3; the booking rate limit is lifted so the forms are attacked, not
# just refused. Two passes: the whole site over plain HTTP, then the headers and
# cookies as production sends them (DJANGO_HTTPS=1, told by X-Forwarded-Proto).
set -eu

PORT=${SCAN_PORT:-8765}
OUT=var/scan
WAPITI=${WAPITI:-var/scan-venv/bin/wapiti}
. scripts/demo_server.sh

# The forms are attacked, not just refused by the rate limits.
BOOKING_RATE_LIMIT=1000000
BOOKING_MAX_FUTURE_PER_PHONE=1000000
export BOOKING_RATE_LIMIT BOOKING_MAX_FUTURE_PER_PHONE
demo_setup

trap stop EXIT

# Pass 1: crawl the site and attack every form and parameter. Not ssl (no TLS here)
# and not ssrf (it needs wapiti's endpoint on the internet). Limits per folder: the
# demo has thousands of open times, each its own booking form of one shape.
serve http
$WAPITI -u "$BASE/" --scope folder --flush-session --store-session "$OUT/session" \
  -m "xss,permanentxss,sql,exec,file,redirect,upload,crlf,csrf,methods,backup,http_headers,cookieflags,csp" \
  --max-files-per-dir 30 --max-links-per-page 60 --depth 6 \
  --max-scan-time "${SCAN_SECONDS:-900}" --max-attack-time 90 \
  --no-bugreport -v 0 -f json -o "$OUT/report-http.json" || true
stop

# Pass 2: production's headers and cookies (HTTPS on, as behind the TLS proxy).
DJANGO_HTTPS=1 serve https
$WAPITI -u "$BASE/" --scope url --flush-session --store-session "$OUT/session" \
  -H "X-Forwarded-Proto: https" -m "http_headers,cookieflags,csp" \
  --no-bugreport -v 0 -f json -o "$OUT/report-https.json" || true
stop
trap - EXIT

status=0
$PY scripts/scan_summary.py "$OUT/report-http.json" "$OUT/report-https.json" \
  >"$OUT/summary.txt" || status=$?
cat "$OUT/summary.txt"
exit $status
