"""The one settings module. Everything that differs between machines comes from the environment.

Development defaults are safe and need no set-up; `ALONGSIDE_ENV=production` turns debugging off,
turns secure cookies and HSTS on, and refuses to start without `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("ALONGSIDE_ENV", "development")
if ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"ALONGSIDE_ENV must be development, production or test, not {ENV!r}."
    )
PRODUCTION = ENV == "production"

DATA_DIR = Path(os.environ.get("ALONGSIDE_DATA_DIR", Path.cwd() / "var")).resolve()


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when ALONGSIDE_ENV=production.")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = [
        h.strip()
        for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
        if h.strip()
    ]
    DEBUG = os.environ.get("DEBUG", "1" if ENV == "development" else "0") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "alongside.core",
    "alongside.organisation",
    "alongside.practice",
    "alongside.measures",
    "alongside.evaluation",
    "alongside.workforce",
    "alongside.qualitative",
    "alongside.reports",
    "alongside.privacy",
    "alongside.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "alongside.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "alongside.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "alongside.urls"
WSGI_APPLICATION = "alongside.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} everywhere without {% load %}, as it is built into Django 6.
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "alongside.core.context_processors.alongside",
            ],
        },
    }
]

if "DATABASE_URL" in os.environ:
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": dj_database_url.parse(f"sqlite:///{DATA_DIR / 'alongside.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the start
    # of a transaction so that the audit chain's read-then-append never deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: it spent a second compiling the national report's answer count, a
    # query that runs in under one without it (docs/performance.md). Pages never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # NIST SP 800-63B: long passphrases allowed, nothing guessable from the context.
    {"NAME": "alongside.core.passwords.MaximumLengthValidator"},
    {"NAME": "alongside.core.passwords.ContextWordsValidator"},
]
# The organisation's name, refused as the bulk of a password (and shown nowhere else yet).
ALONGSIDE_ORGANISATION_NAME = os.environ.get("ALONGSIDE_ORGANISATION_NAME", "")

# Two-step sign-in (TOTP, with single-use recovery codes). Everyone with a staff role must set it
# up in production; elsewhere only with ALONGSIDE_REQUIRE_2FA=1. Anyone may opt in.
ALONGSIDE_REQUIRE_2FA = PRODUCTION or os.environ.get("ALONGSIDE_REQUIRE_2FA", "0") == "1"
OTP_TOTP_ISSUER = "Alongside"
# django-otp's own back-off per device is off: wrong codes count in the sign-in throttle below,
# across the password, the authenticator and the recovery codes alike.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Sign-in throttling: this many failures for one username (or from one client address) within
# the lock period lock it for the lock period.
ALONGSIDE_SIGNIN_FAILURES = int(os.environ.get("ALONGSIDE_SIGNIN_FAILURES", "5"))
ALONGSIDE_SIGNIN_ADDRESS_FAILURES = int(os.environ.get("ALONGSIDE_SIGNIN_ADDRESS_FAILURES", "20"))
ALONGSIDE_SIGNIN_LOCK_SECONDS = int(os.environ.get("ALONGSIDE_SIGNIN_LOCK_SECONDS", "900"))

if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-ie"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Dublin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, whitenoise serves straight from the app folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"
# The pseudonym key (alongside.evaluation.pseudonym_key) seals participant codes. It lives outside
# the database and its backups: back it up apart. Created on first use outside production; in
# production a missing key stops `alongside check`, `serve` and every command that runs checks.
ALONGSIDE_PSEUDONYM_KEY_FILE = Path(
    os.environ.get("ALONGSIDE_PSEUDONYM_KEY_FILE", DATA_DIR / "keys" / "pseudonym.key")
).resolve()

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "alongside@localhost")
# Notifications (a referral's outcome, say) always appear in the app; with this on they are also
# emailed to the recipient's address. The email says only that there is news, and where.
ALONGSIDE_NOTIFY_BY_EMAIL = os.environ.get("ALONGSIDE_NOTIFY_BY_EMAIL", "0") == "1"

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Sessions end after 30 minutes without activity; cookies are never readable by scripts.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# How many reverse proxies of our own stand in front of the app (0: none). With one (nginx on
# the same machine, say), the audit trail records the address that proxy saw, not 127.0.0.1.
ALONGSIDE_TRUSTED_PROXIES = int(os.environ.get("ALONGSIDE_TRUSTED_PROXIES", "0"))

# Words that differ between organisations ("region" or "Trust", "service user" or "client").
# A JSON object in ALONGSIDE_TERMS overrides any of the defaults in alongside.core.terminology.
ALONGSIDE_TERMS = json.loads(os.environ.get("ALONGSIDE_TERMS", "{}"))
# Retention rules (alongside.privacy.retention, docs/security.md#retention): a JSON object such as
# {"contact-notes": {"years": 10}} changes the period or action of the named rules.
ALONGSIDE_RETENTION = json.loads(os.environ.get("ALONGSIDE_RETENTION", "{}"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "alongside.core.logging.NoPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_personal_data"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

ALONGSIDE_VERSION = __import__("alongside").__version__
