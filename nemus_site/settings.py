"""Django settings for the NEMUS patient website.

One file, one code path. What differs between machines comes from the environment
through `nemus_site.env`; `.env.example` documents every variable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nemus_site.env import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR / ".env.local")

# --- Core ---------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError(
            "DJANGO_SECRET_KEY is not set. `make run` writes one to .env.local; "
            "in production set it in the environment."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"
# Old keys, still accepted when checking signatures while a new SECRET_KEY takes over
# (cancel links in e-mails already sent, staff sessions); docs/operations.md.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its translation tabs register.
    "modeltranslation",
    "nemus_site.apps.NemusAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "reversion",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "nemus_site",
    "conditions",
    "clinics",
    "booking",
]

MIDDLEWARE = [
    "nemus_site.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "nemus_site.middleware.SecurityHeadersMiddleware",
    # Compresses every page Django makes (make run gets it too); WhiteNoise's static
    # files come compressed already and are passed through. Brotli for public pages,
    # gzip with Django's BREACH padding for pages with a form token or personal data
    # (nemus_site/compression.py says why).
    "nemus_site.compression.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Public pages for visitors without a session, before sessions and views run.
    "nemus_site.page_cache.PublicPageCacheMiddleware",
    # The same for pages keyed by their query (a day, a postcode, a filter): in
    # each worker's memory, bounded apart from everything else.
    "nemus_site.query_pages.QueryPageCacheMiddleware",
    # Cache-Control for shared caches (nginx, a CDN): public pages briefly, the rest
    # private and never stored.
    "nemus_site.page_cache.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for a NUL or other control character in the path or query, before any
    # lookup (the redirects, the admin's filters) hands it to the database.
    "nemus_site.middleware.UnstorableInputMiddleware",
    # 400 for a body in a charset other than UTF-8, before the CSRF check reads it.
    "nemus_site.middleware.UndecodableBodyMiddleware",
    # A database that refuses writes: a 503 page, not a 500.
    "nemus_site.middleware.ReadOnlyDatabaseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a user verified by a one-time code (used when ADMIN_OTP is on).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nemus_site.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nemus_site.urls"
WSGI_APPLICATION = "nemus_site.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The plain widgets without the template engine, to the byte (issue 39).
FORM_RENDERER = "nemus_site.form_renderer.FastWidgetRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nemus_site.context_processors.alternate_languages",
                "nemus_site.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------
# SQLite by default, set up so several gunicorn workers can write: WAL journal, a busy
# timeout, and IMMEDIATE transactions (a writer takes the lock at BEGIN, so two writers
# queue instead of failing with "database is locked" when upgrading a read lock).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept as with PostgreSQL (DJANGO_CONN_MAX_AGE): opening one
    # (the pragmas below, Django's SQL functions) took about 1 ms, as long as serving
    # a cached page. Each thread has its own; in autocommit no read transaction stays
    # open, so WAL checkpoints are not held back.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Django's backend with the writers queued by a file lock beside the database,
    # not by SQLite's sleeps (nemus_site/sqlite_backend/base.py says why).
    DATABASES["default"]["ENGINE"] = "nemus_site.sqlite_backend"

# --- Cache -----------------------------------------------------------------------
# Redis when configured; otherwise the database cache, which every worker shares
# (local memory would give each worker its own cache and its own rate limits).
REDIS_URL = env_str("REDIS_URL")
CACHE_TIMEOUT_SECONDS = env_int("NEMUS_CACHE_TIMEOUT_MS", 50) / 1000
# After a cache failure, the cache is left alone this long before it is tried again.
CACHE_RETRY_SECONDS = env_int("NEMUS_CACHE_RETRY_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its client objects (nemus_site/cache.py).
            "BACKEND": "nemus_site.cache.NemusRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("DJANGO_CACHE_PREFIX", "nemus"),
            # The cache is a help, never a need: a Redis that is down or hung costs
            # a page at most these timeouts, and then nothing while the cache is
            # skipped (nemus_site/cache.py).
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "nemus_cache",
        }
    }

# Seconds a public page (article, finder, clinic, open times) is served from the
# cache to visitors without a session; every content save empties it. 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("NEMUS_PAGE_CACHE_SECONDS", 60)
# Pages keyed by a query (a day tapped, a postcode searched, a filter) are kept in
# each worker's memory only, at most this many and this many bytes: a flood of
# distinct queries evicts nothing else (nemus_site/query_pages.py).
QUERY_PAGE_CACHE_ENTRIES = env_int("NEMUS_QUERY_PAGE_ENTRIES", 1000)
QUERY_PAGE_CACHE_BYTES = env_int("NEMUS_QUERY_PAGE_BYTES", 32 * 1024 * 1024)
# Parts of pages that change only when staff edit (the article's text, clinic facts)
# are kept in each worker's memory until the next edit (nemus_site/fragments.py).
NEMUS_FRAGMENT_CACHE = env_bool("NEMUS_FRAGMENT_CACHE", default=True)
# While one request renders a page anew (after a save, or when it expired), others
# get the page as it was, for at most this long past its time.
PUBLIC_PAGE_STALE_SECONDS = env_int("NEMUS_PAGE_STALE_SECONDS", 10)
# How long a shared cache in front (nginx, a CDN) may keep a public page, and serve it
# stale while one request fetches a fresh copy. A stale list of times costs at most a
# kind "just taken" page: the booking form checks again.
SHARED_CACHE_SECONDS = env_int("NEMUS_SHARED_CACHE_SECONDS", 10)
SHARED_CACHE_STALE_SECONDS = env_int("NEMUS_SHARED_CACHE_STALE_SECONDS", 20)

# --- Logging in ---------------------------------------------------------------------
# django-axes throttles the admin login: after AXES_FAILURE_LIMIT wrong passwords for a
# username from one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Axes logs the username and address of failures, never the password.
AXES_VERBOSE = False
# Proxies in front of the app (load balancer, TLS terminator) that append to
# X-Forwarded-For; 0 when gunicorn faces the internet. See nemus_site/client_ip.py.
NEMUS_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "nemus_site.client_ip.client_ip"

# A second factor for the admin: a one-time code from an authenticator app (TOTP) or a
# printed backup code. Off by default; docs/operations.md says how to switch it on.
ADMIN_OTP = env_bool("DJANGO_ADMIN_OTP", default=False)
OTP_TOTP_ISSUER = "NEMUS"

# --- Passwords ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time -------------------------------------------------------------
# Norwegian Bokmål first with clean URLs; English under /en/ with translated paths.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True
# Dates and times per language (nemus_site/formats/<lang>/formats.py): never
# `if language == ...` in code.
FORMAT_MODULE_PATH = ["nemus_site.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "nb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("nb",)

# --- Static and media files --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded photos: a local folder by default (served by the app itself); any Django
# storage backend by dotted path, e.g. django-storages' S3 backend (docs/operations.md).
STORAGES = {
    "default": {
        "BACKEND": env_str(
            "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ----------------------------------------------------------------------
# Files in var/mail by default: the console backend would print patients' e-mails
# into the server's log output, and patient data never goes in a log.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = False
# EMAIL_URL (smtp+tls://user:password@host:587) sets all of the above at once.
EMAIL_URL = env_str("EMAIL_URL")
globals().update(email_settings(EMAIL_URL))
# Seconds an SMTP server may keep us waiting (connect, each answer). Messages are
# sent after the commit, outside any transaction; one that times out stays in the
# outbox for send_booking_emails to try again.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NEMUS <ikke-svar@nemus.no>")
# The ORGANIZER of the calendar invitations booking e-mails carry (RFC 5546): the
# clinic by name at this address. Calendar programs send replies there; nothing
# reads them.
BOOKING_CALENDAR_ORGANIZER = env_str("BOOKING_CALENDAR_ORGANIZER", "ikke-svar@nemus.no")

# --- SMS ---------------------------------------------------------------------------
# booking.outside.sms: files in var/sms by default (and always in demo mode), or
# Twilio's Messages API ("booking.outside.sms.TwilioBackend") with an account, a
# token and a sender. A path that does not import fails `manage.py check` (booking).
SMS_BACKEND = env_str("SMS_BACKEND", "booking.outside.sms.FileBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
SMS_API_URL = env_str("SMS_API_URL", "https://api.twilio.com")
SMS_ACCOUNT = env_str("SMS_ACCOUNT")
SMS_TOKEN = env_str("SMS_TOKEN")
SMS_FROM = env_str("SMS_FROM", "NEMUS")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10)
# The reminder goes this many hours before the appointment.
SMS_REMINDER_HOURS = env_int("SMS_REMINDER_HOURS", 24)

# --- Demo mode ----------------------------------------------------------------------
# `make run` turns it on with the invented demo data: every page says so, nothing
# booked reaches a clinic, and e-mails only ever go to files in var/mail. A site
# with demo mode on and a real mail server configured refuses to start.
DEMO_MODE = env_bool("NEMUS_DEMO_MODE", default=False)
if DEMO_MODE:
    if EMAIL_URL or EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        raise ImproperlyConfigured(
            "NEMUS_DEMO_MODE is on, but a real e-mail backend is configured "
            "(EMAIL_URL or DJANGO_EMAIL_BACKEND). Demo bookings must never e-mail "
            "anyone: turn demo mode off, or unset EMAIL_URL and DJANGO_EMAIL_BACKEND."
        )
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# --- Security ----------------------------------------------------------------------
# One switch for TLS. Without it the site runs over plain HTTP on 127.0.0.1; with it
# cookies are Secure with the __Host- prefix, HSTS is sent, and HTTP redirects to HTTPS.
HTTPS = env_bool("DJANGO_HTTPS", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "nemus_site.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token), so hide it too.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"

# --- Maps ----------------------------------------------------------------------------
# Kartverket's open tile cache by default: open data under CC BY 4.0 ("© Kartverket"),
# free for commercial use. No tile is fetched until a visitor presses "Vis kart"
# (the provider then sees their IP address; the privacy notice names it).
MAP_TILE_URL = env_str(
    "MAP_TILE_URL",
    "https://cache.kartverket.no/v1/wmts/1.0.0/topo/default/webmercator/{z}/{y}/{x}.png",
)
MAP_ATTRIBUTION = env_str(
    "MAP_ATTRIBUTION", '&copy; <a href="https://www.kartverket.no/">Kartverket</a>'
)
# Who serves the tiles, as the privacy notice names them.
MAP_PROVIDER_NAME = env_str("MAP_PROVIDER_NAME", "Kartverket (Statens kartverk)")
MAP_MAX_ZOOM = env_int("MAP_MAX_ZOOM", 18)
_tiles = urlsplit(MAP_TILE_URL)
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else SELF

# A strict policy: nothing inline, nothing from another host. JSON-LD and json_script
# blocks are data, which CSP does not execute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Nothing unless named below.
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", MAP_TILE_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Logging -----------------------------------------------------------------------
# JSON lines to stdout, each with the request id (also sent as X-Request-ID). Django's
# own messages carry the path, never the query string or form data; nothing here mails
# or dumps a request, and booking code logs ids only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "nemus_site.request_id.RequestIdLogFilter"},
        # Tokens in paths (cancel links) never reach a log line.
        "redact_tokens": {"()": "nemus_site.redact.RedactTokensFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id", "redact_tokens"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}

# --- Booking -----------------------------------------------------------------------
# Days after the appointment a booking (and its personal data) is deleted.
BOOKING_RETENTION_DAYS = env_int("BOOKING_RETENTION_DAYS", 30)
# Minutes the confirmation page shows the patient's details after booking.
BOOKING_CONFIRMATION_MINUTES = env_int("BOOKING_CONFIRMATION_MINUTES", 15)
# The signed cookie that shows the confirmation page (booking/views/confirmation.py).
BOOKING_CONFIRMATION_COOKIE_NAME = "__Host-booked" if HTTPS else "booked"
# Days a record of staff opening a booking is kept (it holds no patient data).
BOOKING_ACCESS_RETENTION_DAYS = env_int("BOOKING_ACCESS_RETENTION_DAYS", 730)
# Each fetch of a private calendar feed is counted (when, which feed; nothing about
# who) for staff to see it is used or leaked; kept this long.
CALENDAR_FEED_FETCH_RETENTION_DAYS = env_int("CALENDAR_FEED_FETCH_RETENTION_DAYS", 90)
# Online bookings a mobile number may hold in the future; posts an address may make.
BOOKING_MAX_FUTURE_PER_PHONE = env_int("BOOKING_MAX_FUTURE_PER_PHONE", 3)
BOOKING_RATE_LIMIT = env_int("BOOKING_RATE_LIMIT", 10)  # booking posts per IP per hour
# How long reception can undo a mark, a block or an opening in the book (seconds).
BOOK_UNDO_SECONDS = env_int("BOOK_UNDO_SECONDS", 300)
# The most times reception books as one course (a week or two apart).
BOOK_SERIES_MAX = env_int("BOOK_SERIES_MAX", 10)
# Lookups of a returning patient by phone number, per staff user per hour.
BOOK_LOOKUPS_PER_HOUR = env_int("BOOK_LOOKUPS_PER_HOUR", 30)
# The waiting list: entries offered each time that opens, the hours (Oslo) no offer
# is sent in (they wait until the end), how long an SMS code works and an entry may
# wait unconfirmed, and sign-ups a number or address / a connection may make a day.
WAITLIST_OFFERS_PER_TIME = env_int("WAITLIST_OFFERS_PER_TIME", 3)
WAITLIST_QUIET_FROM = env_int("WAITLIST_QUIET_FROM", 21)
WAITLIST_QUIET_UNTIL = env_int("WAITLIST_QUIET_UNTIL", 8)
WAITLIST_CODE_MINUTES = env_int("WAITLIST_CODE_MINUTES", 15)
WAITLIST_UNCONFIRMED_HOURS = env_int("WAITLIST_UNCONFIRMED_HOURS", 48)
WAITLIST_SIGNUPS_PER_CONTACT = env_int("WAITLIST_SIGNUPS_PER_CONTACT", 3)
WAITLIST_SIGNUPS_PER_IP = env_int("WAITLIST_SIGNUPS_PER_IP", 10)
# Practitioners' calendars (booking/outside/calendars/): the whole fetch's deadline, the
# body's size before and after gzip, how many events a window may hold and how long
# reading them may take, and the
# addresses tests may fetch from (production: none; loopback and private addresses
# are refused).
CALENDAR_DEADLINE_SECONDS = env_int("CALENDAR_DEADLINE_SECONDS", 15)
CALENDAR_MAX_BYTES = env_int("CALENDAR_MAX_BYTES", 5_000_000)
CALENDAR_MAX_UNPACKED_BYTES = env_int("CALENDAR_MAX_UNPACKED_BYTES", 20_000_000)
CALENDAR_MAX_OCCURRENCES = env_int("CALENDAR_MAX_OCCURRENCES", 5_000)
CALENDAR_PARSE_SECONDS = env_int("CALENDAR_PARSE_SECONDS", 10)
CALENDAR_FETCH_ALLOWED_ADDRESSES: list[str] = []
# The site's public address, for links in e-mails (cancel links, the admin).
NEMUS_SITE_URL = env_str("NEMUS_SITE_URL", "http://127.0.0.1:8000")

# --- Site --------------------------------------------------------------------------
DEMO_ADMIN_USERNAME = "admin"
# Where patients and the public write to NEMUS (footer, privacy, accessibility).
NEMUS_CONTACT_EMAIL = env_str("NEMUS_CONTACT_EMAIL", "post@nemus.no")
# modeltranslation's language tabs need jQuery UI; ours, from npm, never a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
# A secret header value that lets a monitor read /healthz?full=1 from elsewhere than
# 127.0.0.1 (X-Health-Token). Empty: local requests only.
NEMUS_HEALTH_TOKEN = env_str("NEMUS_HEALTH_TOKEN")
# The admin's path; moving it away from /admin/ is a small shield against scanners.
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/")
# The condition whose warning signs the home and booking pages show (its nb slug).
NEMUS_WARNING_CONDITION = env_str("NEMUS_WARNING_CONDITION", "korsryggsmerter")

# --- Privacy notice (GDPR Article 13) -------------------------------------------------
# Shown under the staff-written prose on /personvern/ (nemus_site/privacy.py). Empty
# values are named to staff on that page; patients see a dash.
NEMUS_CONTROLLER_NAME = env_str("NEMUS_CONTROLLER_NAME")
NEMUS_CONTROLLER_ORG_NUMBER = env_str("NEMUS_CONTROLLER_ORG_NUMBER")
NEMUS_CONTROLLER_ADDRESS = env_str("NEMUS_CONTROLLER_ADDRESS")
NEMUS_DPO_CONTACT = env_str("NEMUS_DPO_CONTACT")
NEMUS_HOSTING_PROVIDER = env_str("NEMUS_HOSTING_PROVIDER")
NEMUS_EMAIL_PROVIDER = env_str("NEMUS_EMAIL_PROVIDER")
# The SMS provider (e.g. "Twilio Ireland Ltd."), named when SMS really go out.
NEMUS_SMS_PROVIDER = env_str("NEMUS_SMS_PROVIDER")
# Where each processor processes the data (e.g. "Norway", "the EU (Ireland)") and, for
# one outside the EEA, what a transfer rests on (e.g. "EU standard contractual clauses"
# or "Not needed: within the EEA"). Empty values are named to staff on the notice.
NEMUS_HOSTING_LOCATION = env_str("NEMUS_HOSTING_LOCATION")
NEMUS_HOSTING_TRANSFER_BASIS = env_str("NEMUS_HOSTING_TRANSFER_BASIS")
NEMUS_EMAIL_LOCATION = env_str("NEMUS_EMAIL_LOCATION")
NEMUS_EMAIL_TRANSFER_BASIS = env_str("NEMUS_EMAIL_TRANSFER_BASIS")
NEMUS_SMS_LOCATION = env_str("NEMUS_SMS_LOCATION")
NEMUS_SMS_TRANSFER_BASIS = env_str("NEMUS_SMS_TRANSFER_BASIS")
# Where patients write to use their rights (an e-mail or postal address).
NEMUS_PRIVACY_CONTACT = env_str("NEMUS_PRIVACY_CONTACT")
# Days the host keeps server logs and backups: set to what the host really does.
NEMUS_LOG_RETENTION_DAYS = env_int("NEMUS_LOG_RETENTION_DAYS", 14)
NEMUS_BACKUP_RETENTION_DAYS = env_int("NEMUS_BACKUP_RETENTION_DAYS", 30)
