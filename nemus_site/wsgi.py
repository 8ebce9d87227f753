"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py nemus_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nemus_site.settings")

application = get_wsgi_application()
