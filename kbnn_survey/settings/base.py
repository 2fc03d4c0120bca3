"""Settings shared by every profile. Every per-environment value comes from the environment."""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# No defaults here: the production profile refuses to start without them; the local and test
# profiles, chosen explicitly (KBNN_PROFILE=local, make run, make test), give their own.
DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "kbnn_survey.beat.PeriodicTasksConfig",  # django-celery-beat, in Vietnamese
    "surveys",
    "reports",
    "fieldwork",
    "followups",
    "dashboard",
    "organisation",
    "demo",
    "kiosk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kbnn_survey.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kbnn_survey.addresses.RequestAddressMiddleware",
]

ROOT_URLCONF = "kbnn_survey.urls"
WSGI_APPLICATION = "kbnn_survey.wsgi.application"

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
            ],
        },
    },
]

# --- Database: what DATABASE_URL says, with Django's own engine (SQLite only where a local or
# test profile gives that default; production requires DATABASE_URL).
SQLITE_DEFAULT = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=SQLITE_DEFAULT)}
# Persistent, health-checked connections (ignored by SQLite).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and Django cache. Without it tasks run in-process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kbnn",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Mail: console by default; EMAIL_URL (smtp://user:pass@host:587) or EMAIL_* in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = env("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = env("EMAIL_HOST", default=_email.get("EMAIL_HOST", "localhost"))
EMAIL_PORT = env.int("EMAIL_PORT", default=_email.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default=_email.get("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default=_email.get("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=_email.get("EMAIL_USE_TLS", False))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="khaosat@kbnn.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute address of the portal, for links in e-mails and QR codes (kbnn_survey/addresses.py).
# Required in production (settings/production.py); the local profile takes it from the request.
SITE_URL = env("SITE_URL", default="").rstrip("/")
SITE_URL_FROM_REQUEST = env.bool("SITE_URL_FROM_REQUEST", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff_landing"  # each role lands where it works (kbnn_survey/landing.py)
LOGOUT_REDIRECT_URL = "/"

# --- Language: Vietnamese first, English on request.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# The root catalogue (templates/, the project package), then Vietnamese for Django's,
# django-celery-beat's and django-axes' strings that their own catalogues lack (admin pages).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "kbnn_survey" / "locale"]
# dd/mm/yyyy shown and typed in both languages (01/03/2025 is 1 March).
FORMAT_MODULE_PATH = ["kbnn_survey.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Salt for hashing client addresses in rate limits; never stored with a response.
# seed_demo creates logins with published passwords: never in production.
DEMO_ALLOWED = env.bool("DEMO_ALLOWED", default=False)

RATELIMIT_SALT = env("RATELIMIT_SALT", default="")  # empty: SECRET_KEY (surveys.ratelimiting)

# --- Fieldwork: the online public-service portal signs its requests with this shared secret
# (HMAC-SHA256); its transaction references are stored only as HMACs under a separate key.
PORTAL_HMAC_SECRET = env("PORTAL_HMAC_SECRET", default="")
PORTAL_REFERENCE_KEY = env("PORTAL_REFERENCE_KEY", default="")
PORTAL_MAX_AGE_SECONDS = env.int("PORTAL_MAX_AGE_SECONDS", default=300)
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)
INVITATION_EMAIL_BATCH = env.int("INVITATION_EMAIL_BATCH", default=50)
# Survey submissions allowed per client address (hashed) and period, e.g. "30/h", counted
# in Redis when there is one (shared by every worker), else in each process's memory.
SURVEY_SUBMIT_RATE = env("SURVEY_SUBMIT_RATE", default="30/h")
RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", default=REDIS_URL or "memory://")
# Seconds a survey page (not a submission) may be shown from a campaign snapshot confirmed
# current that long ago without asking the database again (surveys.snapshots).
SURVEY_PAGE_RECHECK_SECONDS = env.float("SURVEY_PAGE_RECHECK_SECONDS", default=1.0)
# --- Counter tablets (kiosk app, issue 16). A kiosk is limited per device, not per address:
# one answer every KIOSK_ANSWER_INTERVAL_SECONDS, up to KIOSK_ANSWER_BURST at once (answers
# kept through a dropped connection arrive together).
KIOSK_ANSWER_INTERVAL_SECONDS = env.float("KIOSK_ANSWER_INTERVAL_SECONDS", default=20.0)
KIOSK_ANSWER_BURST = env.int("KIOSK_ANSWER_BURST", default=10)
KIOSK_CREDENTIAL_DAYS = env.int("KIOSK_CREDENTIAL_DAYS", default=5 * 365)
KIOSK_ENROL_DAYS = env.int("KIOSK_ENROL_DAYS", default=7)
KIOSK_THANKS_SECONDS = env.int("KIOSK_THANKS_SECONDS", default=6)
KIOSK_IDLE_SECONDS = env.int("KIOSK_IDLE_SECONDS", default=60)
# Changing it makes every tablet install a new service worker (it changes by itself with the
# kiosk's assets), which takes over between two customers.
KIOSK_SHELL_VERSION = env("KIOSK_SHELL_VERSION", default="")
# Behind a reverse proxy: the META key holding the client address, e.g. HTTP_X_REAL_IP.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
# SQLite cannot enforce RefusalCount's "one row per day and reason, also without a campaign"
# (NULLS NOT DISTINCT); PostgreSQL, the production database, does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# Require real services in tests (CI): a test that needs PostgreSQL/Redis fails instead of skipping.
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Guarding the portal (logins, headers, uploads): kbnn_survey/settings/hardening.py.
from .hardening import *  # noqa: E402, F403
from .hardening import (  # noqa: E402
    HARDENING_APPS,
    HARDENING_MIDDLEWARE_AFTER_AUTH,
    HARDENING_MIDDLEWARE_EARLY,
    HARDENING_MIDDLEWARE_LAST,
)

INSTALLED_APPS += HARDENING_APPS
_early = MIDDLEWARE.index("kbnn_survey.middleware.VietnameseFirstLocaleMiddleware") + 1
MIDDLEWARE[_early:_early] = HARDENING_MIDDLEWARE_EARLY
_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_auth:_auth] = HARDENING_MIDDLEWARE_AFTER_AUTH
MIDDLEWARE += HARDENING_MIDDLEWARE_LAST
