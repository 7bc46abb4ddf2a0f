"""MotCua settings: everything that differs between machines comes from the environment.

Embedded default: SQLite (WAL) under ./var, DEBUG off, console e-mail. Production: set
DATABASE_URL=postgres://..., SECRET_KEY, ALLOWED_HOSTS and MOTCUA_HTTPS=1 (see README).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Embedded/demo mode: keep a random key per installation, never a committed one.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's templates and static files: /api/docs serves Swagger UI from the app itself
    # (without it, ninja loads Swagger UI from a CDN and the page is blank offline).
    "ninja",
    "motcua.core",
    "motcua.organisations",
    "motcua.accounts",
    "motcua.calendar",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.feedback",
    "motcua.signatures",
    "motcua.documents",
    "motcua.reporting",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.AuditContextMiddleware",
    "motcua.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

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
                "motcua.portal.context_processors.portal",
                "motcua.accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", VAR_DIR / "motcua.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("DATABASE_HEALTH_CHECKS", "1") == "1",
    )
}
# Server-side binding lets psycopg prepare the statements a connection runs repeatedly (after
# 5 runs): PostgreSQL then skips parsing and planning them. Set DATABASE_PREPARED_STATEMENTS=0
# behind a pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with the health check skipped for a connection used within the last
    # DATABASE_HEALTH_CHECK_IDLE_SECONDS (motcua/core/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "motcua.core.db.postgresql"
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
DATABASE_HEALTH_CHECK_IDLE_SECONDS = float(
    os.environ.get("DATABASE_HEALTH_CHECK_IDLE_SECONDS", "1")
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if "TEST" not in DATABASES["default"]:
        DATABASES["default"]["TEST"] = {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Background tasks (django-tasks + django-tasks-db; `manage.py db_worker`) ----------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A running task whose claim and worker heartbeat are both older than this lost its worker and is
# run again (motcua/core/task_recovery.py; the worker renews the lease every fifth of it).
MOTCUA_TASK_LEASE_SECONDS = int(os.environ.get("MOTCUA_TASK_LEASE_SECONDS", "300"))

# --- Auth -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.EmailOrPhoneBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["motcua.formats"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not env_bool("MOTCUA_PLAIN_STATIC")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- E-mail (console by default; SMTP when EMAIL_HOST is set) -------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MotCua <no-reply@motcua.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (MOTCUA_HTTPS=1 behind TLS in production; `check --deploy` passes then) ---------
HTTPS = env_bool("MOTCUA_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- MotCua ---------------------------------------------------------------------------------
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "000.00.00.H12")
# An API token checked less than this many seconds ago is not looked up again in the same web
# process (a revocation made in another process takes at most this long to apply here).
MOTCUA_API_TOKEN_CACHE_SECONDS = float(os.environ.get("MOTCUA_API_TOKEN_CACHE_SECONDS", "5"))
# Intake keeps each current procedure version in memory; a change to its internal process made
# in another process is seen after at most this many seconds.
MOTCUA_CATALOGUE_RECHECK_SECONDS = float(os.environ.get("MOTCUA_CATALOGUE_RECHECK_SECONDS", "2"))
# Rate limits (motcua/core/ratelimit.py; docs/architecture.md, "Rate limits"): scope ->
# (attempts, window in seconds), counted in fixed windows in the database so that every web
# process shares them. MOTCUA_RATE_LIMITS (JSON) overrides scopes, e.g.
# '{"tracking.ip": [120, 600], "register.ip": null}' (null: that scope is not limited);
# MOTCUA_RATE_LIMITS_ENABLED=0 turns them all off.
MOTCUA_RATE_LIMITS_ENABLED = env_bool("MOTCUA_RATE_LIMITS_ENABLED", True)
MOTCUA_RATE_LIMITS: dict[str, tuple[int, int] | None] = {
    # failed password logins (a successful one is not counted): per address, per login name
    "login.ip": (30, 15 * 60),
    "login.username": (10, 15 * 60),
    # password-reset requests: per address, per e-mail address the link would go to
    "password_reset.ip": (10, 60 * 60),
    "password_reset.email": (5, 60 * 60),
    # Per-address limits are generous: mobile carriers put many subscribers behind one public
    # IPv4 address (CGNAT), and a commune office helps many citizens from one connection.
    # portal registration form submissions, per address
    "register.ip": (60, 60 * 60),
    # verification codes sent (registration and "send a new code"): per address, per account,
    # per e-mail address or phone number (an SMS costs money)
    "code_send.ip": (60, 60 * 60),
    "code_send.user": (5, 60 * 60),
    "code_send.recipient": (5, 60 * 60),
    # verification codes typed, per address (each code also allows only 5 tries)
    "code_confirm.ip": (60, 15 * 60),
    # public tracking page lookups, per address
    "tracking.ip": (300, 10 * 60),
    # API requests with a bearer token that is not valid, per address (valid ones are free)
    "api_auth.ip": (30, 5 * 60),
}
MOTCUA_RATE_LIMITS.update(
    (scope, (int(value[0]), int(value[1])) if value else None)
    for scope, value in json.loads(os.environ.get("MOTCUA_RATE_LIMITS", "") or "{}").items()
)
# How many reverse proxies in front of the web processes append the client's address to
# X-Forwarded-For (nginx: proxy_add_x_forwarded_for). 0: the client is REMOTE_ADDR and the
# header is ignored (anyone can write it); N: the N-th address from the right.
MOTCUA_TRUSTED_PROXY_COUNT = int(os.environ.get("MOTCUA_TRUSTED_PROXY_COUNT", "0"))
# Open portal drafts not updated for this many days are removed by `manage.py purge_drafts`
# (citizens see the date on "My dossiers"), as are verification codes expired that long ago.
MOTCUA_DRAFT_RETENTION_DAYS = int(os.environ.get("MOTCUA_DRAFT_RETENTION_DAYS", "30"))
MOTCUA_UPLOAD_MAX_BYTES = int(os.environ.get("MOTCUA_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Audit trail (docs/architecture.md "Audit trail") ---------------------------------------
# The key of the audit chain's HMAC. Keep it outside the database and its backups: whoever can
# write to the database must not be able to re-seal an edited record. Unset (development,
# tests): derived from SECRET_KEY; `check --deploy` warns (core.W001).
MOTCUA_AUDIT_KEY = os.environ.get("MOTCUA_AUDIT_KEY", "")
# `audit_verify` reports records still waiting for their seal after this many seconds.
MOTCUA_AUDIT_SEAL_GRACE_SECONDS = int(os.environ.get("MOTCUA_AUDIT_SEAL_GRACE_SECONDS", "300"))

# --- Citizen portal -------------------------------------------------------------------------
# Base of the public tracking links printed as QR codes (receipt, confirmation page).
MOTCUA_PUBLIC_BASE_URL = os.environ.get("MOTCUA_PUBLIC_BASE_URL", "")
# Class with send(to, text) for verification codes by SMS; the default writes to the log.
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER", "motcua.accounts.senders.ConsoleSmsSender")
# Login through an OpenID Connect provider (VNeID); see motcua/portal/oidc.py.
MOTCUA_OIDC_ENABLED = env_bool("MOTCUA_OIDC_ENABLED", False)
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_DISCOVERY_URL = os.environ.get("MOTCUA_OIDC_DISCOVERY_URL", "")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone")
MOTCUA_OIDC_LABEL = os.environ.get("MOTCUA_OIDC_LABEL", "VNeID")
# Which claim carries what, e.g. {"id_number": "citizen_id"}; defaults in accounts.citizens.
MOTCUA_OIDC_CLAIM_MAP = json.loads(os.environ.get("MOTCUA_OIDC_CLAIM_MAP", "") or "{}")

# --- Digital signatures (docs/signatures.md) ---------------------------------------------
MOTCUA_PKI_DIR = os.environ.get("MOTCUA_PKI_DIR", str(VAR_DIR / "pki"))
MOTCUA_TRUST_ROOTS = env_list("MOTCUA_TRUST_ROOTS") or None  # None: the development CA
MOTCUA_TRUST_CRLS = env_list("MOTCUA_TRUST_CRLS") or None
MOTCUA_REVOCATION_FETCH = env_bool("MOTCUA_REVOCATION_FETCH", False)
MOTCUA_TSA_URL = os.environ.get("MOTCUA_TSA_URL", "")  # "", "dev", or an RFC 3161 URL
MOTCUA_TSA_USERNAME = os.environ.get("MOTCUA_TSA_USERNAME", "")
MOTCUA_TSA_PASSWORD = os.environ.get("MOTCUA_TSA_PASSWORD", "")
MOTCUA_PKCS11_LIB = os.environ.get("MOTCUA_PKCS11_LIB", "")
MOTCUA_SIGNING_CHAIN = env_list("MOTCUA_SIGNING_CHAIN")
MOTCUA_REMOTE_SIGNING_PROVIDERS: dict[str, str] = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log hundreds of INFO lines per rendered PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
