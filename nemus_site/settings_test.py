"""Settings for the test suite: the real settings, less what tests cannot provide."""

import os

# Tests never run with a production secret; a fixed one keeps runs reproducible.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-server")

from nemus_site.settings import *  # noqa: F403
from nemus_site.settings import BASE_DIR, DATABASES, STORAGES

# Plain storage: `{% static %}` works without collectstatic having run first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: tests create many users; the real hasher is tested by Django itself.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: tests run with the same WAL and locking as production, and
    # the live server's threads share the database.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}

# WhiteNoise serves straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
