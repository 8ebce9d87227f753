# syntax=docker/dockerfile:1
# The NEMUS site as one image: front-end packages from npm, Python runtime, gunicorn.
# docker build -t nemus . && docker compose up   (compose.yaml adds PostgreSQL and Redis)

# --- Front-end packages (Leaflet, jQuery UI) from the npm registry --------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY scripts/vendor.sh scripts/vendor.sh
RUN sh scripts/vendor.sh

# --- Build: Python packages, translations, static files -------------------------------
FROM python:3.11-slim-bookworm AS build
# gettext for compilemessages. Debian package versions are not pinned: a slim base
# gets security updates, and a pinned version disappears from the archive with them.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt
WORKDIR /app
COPY . .
COPY --from=frontend /app/static/vendor static/vendor
# A throwaway key: these commands only read settings, and the image holds no secret.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret /venv/bin/python manage.py compilemessages \
        --ignore=.venv --ignore=node_modules --verbosity 0 \
    && DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_STATIC_ROOT=/app/staticfiles \
        /venv/bin/python manage.py collectstatic --noinput --verbosity 0

# --- Runtime ----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH \
    DJANGO_STATIC_ROOT=/app/staticfiles DJANGO_MEDIA_ROOT=/data/media \
    GUNICORN_BIND=0.0.0.0:8000 PORT=8000
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin nemus \
    && mkdir -p /data/media \
    && chown nemus /data/media
COPY --from=build /venv /venv
COPY --from=build --chown=nemus /app /app
WORKDIR /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "nemus_site.wsgi"]
