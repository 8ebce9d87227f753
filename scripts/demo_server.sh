# Sourced by scan.sh and audit.sh: a scratch database with demo data in $OUT and a
# production-like gunicorn on $PORT. Set OUT and PORT before sourcing.
PY=${PY:-.venv/bin/python}
BASE="http://127.0.0.1:$PORT"

demo_setup() {
  rm -rf "$OUT"
  mkdir -p "$OUT/mail"
  DATABASE_URL="sqlite:///$(pwd)/$OUT/db.sqlite3"
  DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
  DJANGO_EMAIL_FILE_PATH="$OUT/mail"
  REDIS_URL=
  NEMUS_DEMO_MODE=1
  export DATABASE_URL DJANGO_SECRET_KEY DJANGO_EMAIL_FILE_PATH REDIS_URL NEMUS_DEMO_MODE
  $PY manage.py collectstatic --noinput --verbosity 0
  $PY manage.py migrate --noinput --verbosity 0
  $PY manage.py createcachetable
  $PY manage.py load_profession_facts
  if [ -f ../shared/data/geonames-NO-postcodes.txt ]; then
    $PY manage.py import_postcodes ../shared/data/geonames-NO-postcodes.txt
  fi
  $PY manage.py seed_demo
}

serve() {
  PORT=$PORT .venv/bin/gunicorn -c gunicorn.conf.py nemus_site.wsgi \
    >"$OUT/server-$1.log" 2>&1 &
  echo $! >"$OUT/server.pid"
  for _ in $(seq 1 50); do
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "The server did not start; see $OUT/server-$1.log" >&2
  exit 1
}

stop() { kill "$(cat "$OUT/server.pid")" 2>/dev/null || true; sleep 1; }
