"""Insaf settings: one module, every value read from the environment.

The variables (docs/CONFIGURATION.md lists them with examples):

- ``INSAF_DEMO``: ``1`` for the local demonstration (generated secret and keys under var/, plain
  HTTP, two-factor login optional with a warning banner). Anything else is production.
- ``DATABASE_URL``: default a SQLite file under var/ (WAL, busy timeout, foreign keys);
  ``postgres://...`` for PostgreSQL.
- ``REDIS_URL``: optional; when set, background jobs and the cache use Redis.
- ``INSAF_FILES_URL``: optional; ``s3://BUCKET...`` keeps case files in an S3-compatible store.
- ``SECRET_KEY``, ``INSAF_ENCRYPTION_KEYS``, ``ALLOWED_HOSTS``: required in production.
- ``INSAF_MODE``: ``national`` (default) or ``secretariat``; ``INSAF_COUNTRY``: the ISO alpha-2 code
  of the member state a national node serves.

Mistakes stop the process at start-up with a message naming the variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from insaf.core.member_states import member_state_codes
from insaf.core.storage import files_storage
from insaf.env import ConfigurationError, env_bool, env_int, env_list, env_str
from insaf.keys import generate_key, parse_encryption_keys
from insaf.language import gettext_noop

# Lets admin.ModelAdmin[Model] and similar generics be written at run time, as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INSAF_VAR_DIR") or BASE_DIR / "var").resolve()

DEMO = env_bool("INSAF_DEMO", default=False)
DEBUG = env_bool("INSAF_DEBUG", default=False)


def _demo_secret(name: str, make: Any) -> str:
    """Read a generated secret from var/, creating it on first use (demo only)."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _required(name: str, message: str) -> str:
    """The variable ``name``; ConfigurationError(message) when it is not set."""
    value = env_str(name)
    if not value:
        raise ConfigurationError(message)
    return value


# --- Secrets -------------------------------------------------------------------------------------
if DEMO:
    SECRET_KEY = env_str("SECRET_KEY") or _demo_secret(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )
    INSAF_ENCRYPTION_KEYS = env_str("INSAF_ENCRYPTION_KEYS") or _demo_secret(
        "encryption_keys",
        lambda: generate_key("k1"),
    )
else:
    SECRET_KEY = _required(
        "SECRET_KEY",
        gettext_noop(
            "SECRET_KEY is not set. Set it to a long random string, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, "
            "or set INSAF_DEMO=1 for a local demonstration."
        ),
    )
    INSAF_ENCRYPTION_KEYS = _required(
        "INSAF_ENCRYPTION_KEYS",
        gettext_noop(
            "INSAF_ENCRYPTION_KEYS is not set. Set it to one or more comma-separated keys of the "
            "form ID:BASE64 (32 random bytes each, newest first); `insaf keys generate [ID]` "
            "prints one."
        ),
    )

ENCRYPTION_KEYS = parse_encryption_keys(INSAF_ENCRYPTION_KEYS)

if len(SECRET_KEY) < 32:
    raise ConfigurationError(gettext_noop("SECRET_KEY must be at least 32 characters long."))

# --- Node ----------------------------------------------------------------------------------------
INSAF_MODE = env_str("INSAF_MODE", "national").lower()
if INSAF_MODE not in {"national", "secretariat"}:
    raise ConfigurationError(
        gettext_noop("INSAF_MODE must be 'national' or 'secretariat'; got %(value)r."),
        value=INSAF_MODE,
    )
INSAF_COUNTRY = env_str("INSAF_COUNTRY", "JO" if DEMO else "").upper()
if INSAF_MODE == "national" and not INSAF_COUNTRY:
    raise ConfigurationError(
        gettext_noop(
            "INSAF_COUNTRY is not set. A national node serves one member state: set it to that "
            "state's ISO 3166 alpha-2 code, for example INSAF_COUNTRY=JO."
        )
    )
if INSAF_COUNTRY and INSAF_COUNTRY not in member_state_codes():
    raise ConfigurationError(
        gettext_noop("INSAF_COUNTRY=%(value)r is not a member state. Use one of: %(codes)s."),
        value=INSAF_COUNTRY,
        codes=", ".join(sorted(member_state_codes())),
    )

# Two-factor login is required for every role that can see personal data. Only the demo may turn it
# off, and then every page carries a warning banner.
INSAF_REQUIRE_2FA = env_bool("INSAF_REQUIRE_2FA", default=not DEMO)
if not INSAF_REQUIRE_2FA and not DEMO:
    raise ConfigurationError(
        gettext_noop(
            "INSAF_REQUIRE_2FA=0 is allowed only with INSAF_DEMO=1: production logins that can "
            "see personal data always need a second factor."
        )
    )

# --- Hosts and security --------------------------------------------------------------------------
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO else [])
if not ALLOWED_HOSTS:
    raise ConfigurationError(
        gettext_noop(
            "ALLOWED_HOSTS is not set. List the host names this node answers to, "
            "comma-separated, for example ALLOWED_HOSTS=insaf.moi.example."
        )
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("INSAF_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_SAMESITE = "Lax"
# The demo serves plain HTTP on 127.0.0.1; everything else is HTTPS only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEMO
if not DEMO:
    # Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("INSAF_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("INSAF_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "insaf.core",
    "insaf.accounts",
    "insaf.audit",
    "insaf.triage",
    "insaf.notifications",
    "insaf.complaints",
    "insaf.search",
    "insaf.api",
    "insaf.portal",
    "insaf.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "insaf.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "insaf.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "insaf.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "insaf.urls"
WSGI_APPLICATION = "insaf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insaf.core.context_processors.node",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
_default_db_url = f"sqlite:///{VAR_DIR / 'insaf.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL") or _default_db_url
try:
    # Connections are kept for a minute by every process (SQLite too: reconnecting would rerun
    # the pragmas below on each request).
    _db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))
except (ValueError, KeyError) as exc:
    raise ConfigurationError(
        gettext_noop(
            "DATABASE_URL is not understood (%(error)s). Use sqlite:///PATH or "
            "postgres://USER:PASSWORD@HOST:PORT/NAME."
        ),
        error=exc,
    ) from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue on
        # the busy timeout instead of failing half-way (and the audit chain head is read under it).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # synchronous=FULL: each commit reaches the disk before the filer gets a reference.
        # NORMAL, faster, lets a power cut take back the last commits in WAL mode: an accepted
        # complaint must not be lost (decision 0005).
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["CONN_HEALTH_CHECKS"] = True
else:
    raise ConfigurationError(
        gettext_noop("DATABASE_URL names %(engine)s; Insaf runs on SQLite or PostgreSQL only."),
        engine=_db["ENGINE"],
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background jobs -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: Huey, on Redis when REDIS_URL is set, else on a SQLite file under var/. Run the
# consumer with `insaf run_huey`. Tests set HUEY["immediate"] so tasks run in the calling thread.
HUEY: dict[str, Any] = {
    "name": "insaf",
    "immediate": env_bool("INSAF_HUEY_IMMEDIATE", default=False),
    "utc": True,
    "consumer": {"workers": env_int("INSAF_HUEY_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update(huey_class="huey.RedisHuey", url=REDIS_URL)
else:
    # Huey opens its file when Django starts, so the folder must exist on a fresh checkout.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY.update(huey_class="huey.SqliteHuey", filename=str(VAR_DIR / "huey.sqlite3"))

# --- Triage (insaf/triage/) -----------------------------------------------------------------------
# "model": the trained classifier of INSAF_TRIAGE_DIR (built by `insaf triage train`; the keyword
# rule while none is built); "keywords": always the keyword rule.
INSAF_TRIAGE_CLASSIFIER = env_str("INSAF_TRIAGE_CLASSIFIER", "model").lower()
if INSAF_TRIAGE_CLASSIFIER not in {"model", "keywords"}:
    raise ConfigurationError(
        gettext_noop("INSAF_TRIAGE_CLASSIFIER must be 'model' or 'keywords'; got %(value)r."),
        value=INSAF_TRIAGE_CLASSIFIER,
    )
INSAF_TRIAGE_DIR = Path(env_str("INSAF_TRIAGE_DIR") or VAR_DIR / "triage").resolve()
# `insaf triage train` also publishes the model in the database; each process looks there for the
# one in use at most this often (seconds), so every application server labels with the same model.
# 0: never look there (INSAF_TRIAGE_DIR alone).
INSAF_TRIAGE_REFRESH = env_int("INSAF_TRIAGE_REFRESH", 30)
if INSAF_TRIAGE_REFRESH < 0:
    raise ConfigurationError(
        gettext_noop("INSAF_TRIAGE_REFRESH must be 0 or more seconds; got %(value)s."),
        value=INSAF_TRIAGE_REFRESH,
    )
# The repository's data: the labelled development set and the concept lexicon.
INSAF_DATA_DIR = BASE_DIR / "data"

# Seconds of each minute the background-job consumer spends rewriting search entries that an
# older analyser, lexicon or release wrote (insaf/search/tasks.py); 0: never (`insaf search
# reindex` alone).
INSAF_SEARCH_REFRESH_SECONDS = env_int("INSAF_SEARCH_REFRESH_SECONDS", 20)
if not 0 <= INSAF_SEARCH_REFRESH_SECONDS <= 50:
    raise ConfigurationError(
        gettext_noop("INSAF_SEARCH_REFRESH_SECONDS must be from 0 to 50; got %(value)s."),
        value=INSAF_SEARCH_REFRESH_SECONDS,
    )

# --- API rate limits (insaf/api/ratelimit.py) ---------------------------------------------------
# Per client address, in fixed windows: "N/second", "N/minute", "N/hour", "N/day", or "off".
INSAF_RATE_FILE = env_str("INSAF_RATE_FILE", "30/hour").lower()
INSAF_RATE_TRACK = env_str("INSAF_RATE_TRACK", "20/hour").lower()
for _rate_name, _rate in (
    ("INSAF_RATE_FILE", INSAF_RATE_FILE),
    ("INSAF_RATE_TRACK", INSAF_RATE_TRACK),
):
    _rate_count, _rate_slash, _rate_period = _rate.partition("/")
    if _rate != "off" and not (
        _rate_count.isascii()
        and _rate_count.isdigit()
        and int(_rate_count) >= 1
        and _rate_period in {"second", "minute", "hour", "day"}
    ):
        raise ConfigurationError(
            gettext_noop(
                "%(name)s must be N/second, N/minute, N/hour or N/day (N at least 1), or off; "
                "got %(value)r."
            ),
            name=_rate_name,
            value=_rate,
        )
# Reverse proxies in front of Insaf that append the client's address to X-Forwarded-For (0: the
# client connects directly and REMOTE_ADDR is its address).
INSAF_PROXY_COUNT = env_int("INSAF_PROXY_COUNT", 0)
if INSAF_PROXY_COUNT < 0:
    raise ConfigurationError(
        gettext_noop("INSAF_PROXY_COUNT must be 0 or more; got %(value)s."),
        value=INSAF_PROXY_COUNT,
    )
# --- End of API rate limits ----------------------------------------------------------------------

# --- Notifications (sent from the outbox by the background worker) ------------------------------
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
INSAF_EMAIL_BACKEND = env_str("INSAF_EMAIL_BACKEND", "console" if DEMO else "smtp")
if INSAF_EMAIL_BACKEND not in _EMAIL_BACKENDS:
    raise ConfigurationError(
        gettext_noop("INSAF_EMAIL_BACKEND must be one of %(allowed)s; got %(value)r."),
        allowed=", ".join(_EMAIL_BACKENDS),
        value=INSAF_EMAIL_BACKEND,
    )
EMAIL_BACKEND = _EMAIL_BACKENDS[INSAF_EMAIL_BACKEND]
EMAIL_FILE_PATH = VAR_DIR / "outbox" / "email"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "insaf@localhost")
INSAF_SMS_BACKEND = env_str("INSAF_SMS_BACKEND", "console" if DEMO else "file")
if INSAF_SMS_BACKEND not in {"console", "file"}:
    raise ConfigurationError(
        gettext_noop("INSAF_SMS_BACKEND must be 'console' or 'file'; got %(value)r."),
        value=INSAF_SMS_BACKEND,
    )
INSAF_SMS_FILE_PATH = VAR_DIR / "outbox" / "sms"

# --- Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
OTP_TOTP_ISSUER = "Insaf"

# --- Languages -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "insaf" / "locale"]
USE_I18N = True
USE_TZ = True
# Formats Django lacks for a language (Arabic date-times), looked up before its own.
FORMAT_MODULE_PATH = ["insaf.formats"]
TIME_ZONE = "UTC"

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Case files: on this server's disk under var/files, or in an S3-compatible object store shared
# by every application server (INSAF_FILES_URL; insaf/core/storage.py).
INSAF_FILES_URL = env_str("INSAF_FILES_URL")
STORAGES = {
    "default": files_storage(INSAF_FILES_URL),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Case files live outside every served folder (there is no MEDIA_URL): downloads go through a
# permission check in insaf/complaints/services/attachments.py.
MEDIA_ROOT = VAR_DIR / "files"
INSAF_ATTACHMENT_MAX_BYTES = env_int("INSAF_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
INSAF_ATTACHMENTS_PER_CASE = env_int("INSAF_ATTACHMENTS_PER_CASE", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("INSAF_LOG_LEVEL", "INFO")},
}
