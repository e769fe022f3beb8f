"""Settings for Santé Locale, all read from environment variables.

SQLite (var/santelocale.sqlite3) is the embedded default, so that a fresh clone runs with no service;
``DATABASE_URL`` (e.g. ``postgres://user@localhost:5432/santelocale``) selects PostgreSQL, the production
database.

``SANTELOCALE_ENV`` chooses the profile: ``development`` (the default: `make run`, tests) or ``production``
(docs/deployment.md), under which DEBUG is refused, SECRET_KEY and ALLOWED_HOSTS are required, HTTPS is
enforced (HSTS, redirect, Secure cookies) and the demo accounts are refused.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

from santelocale.utils.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_required,
    env_str,
    read_or_create_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("SANTELOCALE_VAR_DIR", BASE_DIR / "var")
DATA_DIR = env_path("SANTELOCALE_DATA_DIR", BASE_DIR / "data")
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = env_choice("SANTELOCALE_ENV", ["development", "production"], "development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", False)
if IS_PRODUCTION:
    if DEBUG:
        raise ConfigurationError(
            "SANTELOCALE_ENV=production : DEBUG doit être faux (il affiche le code et les réglages)."
        )
    # A key generated on one server would differ on the next one (and sessions signed by one would be refused
    # by the other): production gives it, the same on every server.
    SECRET_KEY = env_required(
        "SECRET_KEY", "en production, la même clé secrète longue et aléatoire sur chaque serveur."
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ConfigurationError(
            "ALLOWED_HOSTS doit être défini : en production, le ou les noms de domaine du site "
            "(séparés par des virgules)."
        )
else:
    SECRET_KEY = env_str("SECRET_KEY") or read_or_create_secret(VAR_DIR / "secret_key")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "dsfr",
    "widget_tweaks",  # django-dsfr's form templates load it
    "django_htmx",
    "csp",
    "axes",  # after auth: it listens to its login signals
    "ninja",
    "simple_history",
    "santelocale.accounts",
    "santelocale.territories",
    "santelocale.contracts",
    "santelocale.plans",
    "santelocale.indicators",
    "santelocale.observatory",
    "santelocale.api",
    "santelocale.operations",  # last: orchestration across the apps (init, demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "santelocale.urls"
WSGI_APPLICATION = "santelocale.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "santelocale" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'santelocale.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while `santelocale init` or a test writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login (site or /admin/) of an account+IP locked out by too many wrong passwords.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's accounts, minus the demo accounts in production.
    "santelocale.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files hold no data: servers (or test sessions) may share one folder (SANTELOCALE_STATIC_ROOT).
STATIC_ROOT = env_path("SANTELOCALE_STATIC_ROOT", VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "santelocale" / "static"]
# Compressed (gzip, brotli) copies made by `collectstatic` (run by `santelocale serve`), remade only for the
# files that changed since the last collect (santelocale/utils/staticfiles.py). Not the *manifest*
# storage: it rewrites url() inside DSFR's CSS, which breaks the Subresource Integrity hashes that
# django-dsfr puts on its <link> and <script> tags, and the browser would then refuse the design system.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "santelocale.utils.staticfiles.IncrementalCompressedStaticFilesStorage"},
}
# Off only where nobody downloads over a network (the end-to-end tests): files are then served uncompressed.
STATIC_COMPRESS = env_bool("SANTELOCALE_STATIC_COMPRESS", True)
# Source maps are fetched by developer tools only: not compressed (they were a third of the compression time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Without collectstatic (tests, `runserver`), serve straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# A cache per server (files in VAR_DIR) is right with several servers: every key carries the version of
# what it holds (data bundle, perimeter UUID and update time), so a server never serves a stale entry, it
# only computes once what another server already has. Nothing else (sessions, login attempts, pending
# imports) lives in the cache: they are in the database, shared by all servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": None,
    }
}

# --- Sessions, cookies, HTTPS --------------------------------------------------------------------------
# Sessions are rows of the database (Django's default engine), shared by every server: no sticky sessions.
# They last a working day from login (8 h), not two weeks; not sliding, which would write the session row
# at every request (a write per page on SQLite, and for nothing on most reads).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: htmx gets the token from <body hx-headers> (templates/base.html).
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "santelocale.errors.csrf_failure"
# Cookies only over HTTPS: always in production; in development only when asked (local HTTPS).
SESSION_COOKIE_SECURE = IS_PRODUCTION or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# How many reverse proxies stand in front of the servers (0: none, the server is reached directly). Only
# when there is one are X-Forwarded-Proto (HTTPS) and X-Forwarded-For (client IP for login throttling)
# believed: otherwise any client could forge them.
PROXY_COUNT = env_int("SANTELOCALE_PROXY_COUNT", 0)
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
# HSTS: one year by default in production (the value browsers' HSTS preload lists ask for); subdomains
# included. Preloading is the domain owner's irreversible decision: off unless SECURE_HSTS_PRELOAD=true.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------------
# Only our own files run: no inline <script>, no on…= attribute, no eval (htmx told so in base.html), so
# markup injected through user text cannot run. Inline style *attributes* stay allowed (the Gantt bars'
# widths, set by the server): they cannot run script; <style> elements can not (htmx's is turned off).
# Images: DSFR's CSS draws some icons as data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Login throttling (django-axes) ----------------------------------------------------------------------
# After 5 wrong passwords for one account from one IP within 15 minutes, that account is refused from that
# IP — even with the right password — until the 15 minutes have passed; a successful login resets the count.
# Attempts are rows of the database, shared by every server.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "santelocale.accounts.views.locked_out"
AXES_VERBOSE = False
# No row per successful login (IP, browser): only the failures needed to count, cleared after the cool-off.
AXES_DISABLE_ACCESS_LOG = True
# The client's IP: REMOTE_ADDR, or, behind SANTELOCALE_PROXY_COUNT proxies, the address the first proxy saw.
AXES_CLIENT_IP_CALLABLE = "santelocale.utils.client_ip.client_ip"

# --- Logging -------------------------------------------------------------------------------------------
# A refused request (403) is one line, not a traceback: it is the permission rules working. 500s keep theirs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "santelocale.errors.OneLine403Filter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_403"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# --- Data (issue 9): a busy database answers a French 503 with Retry-After, never a 500 -----------------
# First, so that it also sees what the other middleware raise (a session saved after a login).
# SQLite keeps WAL (readers never wait) and its 20 s busy timeout above; imports write in bulk, so the
# write lock is held for seconds (see docs/performance.md).
MIDDLEWARE = ["santelocale.utils.busy.DatabaseBusyMiddleware", *MIDDLEWARE]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # How long a write waits for SQLite's write lock before the 503 (seconds).
    from santelocale.utils.env import env_int

    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("SQLITE_BUSY_TIMEOUT", 20)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # How long a statement waits for a row lock (a contract, a région) before the 503: without it, a
    # request queued behind a long transaction would wait forever and hold a server thread (milliseconds).
    from santelocale.utils.env import env_int

    _lock_ms = env_int("DATABASE_LOCK_TIMEOUT", 20) * 1000
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={_lock_ms}"

# --- API (issue 9, api) ------------------------------------------------------------------------------
# Outermost, so that every error under /api/ — an unknown address, a malformed id, a method not allowed,
# a CSRF refusal, a server error — is answered as JSON in French (santelocale/api/middleware.py).
MIDDLEWARE.insert(0, "santelocale.api.middleware.ApiJsonErrorsMiddleware")
# A NUL byte in an address, a query or a form field is a 400 before any view reads it (santelocale/errors.py):
# PostgreSQL cannot compare text holding one. Inside the JSON-errors middleware, so the API answers JSON.
MIDDLEWARE.insert(1, "santelocale.errors.RefuseNulBytesMiddleware")
# An API write sent again with its Idempotency-Key is answered once (after authentication: the key is the
# user's; santelocale/api/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "santelocale.api.middleware.IdempotencyMiddleware"
)

# Who publishes this installation (« Mentions légales »): the organisation that runs it (an ARS, a
# collectivité, a resource centre), a contact address for users and for accessibility problems, and the
# host. Empty in development: the page then says that no publisher is declared.
PUBLISHER = {
    "name": env_str("SANTELOCALE_PUBLISHER", ""),
    "contact": env_str("SANTELOCALE_PUBLISHER_CONTACT", ""),
    "director": env_str("SANTELOCALE_PUBLICATION_DIRECTOR", ""),
    "host": env_str("SANTELOCALE_HOST", ""),
}
