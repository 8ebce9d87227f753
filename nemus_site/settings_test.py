"""Settings for the test suite: the real settings, less what tests cannot provide."""

import os
import tempfile
from pathlib import Path

# Tests never run with a production secret; a fixed one keeps runs reproducible.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-server")

from nemus_site.settings import *  # noqa: F403
from nemus_site.settings import BASE_DIR, CACHES, DATABASES, STORAGES

# Plain storage: `{% static %}` works without collectstatic having run first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: tests create many users; the real hasher is tested by Django itself.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "nemus_site.sqlite_backend":
    # A file, not memory: tests run with the same WAL and locking as production, and
    # the live server's threads share the database.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}

# WhiteNoise serves straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # pytest-xdist: each worker its own Redis database (the tests empty the cache
    # with FLUSHDB), 10 above the one given: gw0 of redis://.../1 uses /11.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if _worker.startswith("gw"):
        _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")
        _db = int(_db) if _db.isdigit() else 0
        CACHES["default"]["LOCATION"] = f"{_base}/{_db + 10 + int(_worker[2:])}"
    # Production gives up on Redis after 50 ms; two workers, browsers and gunicorn
    # on two cores can keep a healthy Redis's answer longer than that, and the
    # suite's own FLUSHDB then failed a test's set-up. The fault tests
    # (test_cache_faults.py) set their own 50 ms against a hung or refused server.
    CACHES["default"]["OPTIONS"] = {
        **CACHES["default"].get("OPTIONS", {}),
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
    }

# SMS in memory (booking.outside.sms.MemoryBackend.outbox), like e-mail's locmem;
# where a test turns demo mode on (which forces files), they go to the temporary
# directory.
SMS_BACKEND = "booking.outside.sms.MemoryBackend"
SMS_FILE_PATH = str(Path(tempfile.gettempdir()) / "nemus-test-sms")

# The calendar tests' local servers.
CALENDAR_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]
# Half a second: the local servers answer at once, and the slow ones are waited
# for only this long (4 tests).
CALENDAR_DEADLINE_SECONDS = 0.5
