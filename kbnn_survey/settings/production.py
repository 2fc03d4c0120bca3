"""Production profile: the default (see __init__). Fails closed: refuses to start without a
real SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and SITE_URL."""

import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, PROXY_SSL_HEADER, SECRET_KEY, SITE_URL, env

DEBUG = False

_LOCAL_HINT = " (for development, set KBNN_PROFILE=local, or use make run / make test)"
if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
        + _LOCAL_HINT
    )
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the portal's host names in production." + _LOCAL_HINT
    )
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL must name the production database (postgres://...)." + _LOCAL_HINT
    )
# Every QR poster and e-mail link is built on it; a wrong or missing one prints posters that
# lead nowhere, so the server does not start without an absolute http(s) address.
if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", SITE_URL):
    raise ImproperlyConfigured(
        "SITE_URL must be the portal's public address in production, e.g. "
        "https://khaosat.kbnn.example.vn (got " + repr(SITE_URL) + ")." + _LOCAL_HINT
    )

# Trusted only when the operator names the header their proxy sets (settings/hardening.py).
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (PROXY_SSL_HEADER, "https")
# A superuser must log in with a second factor (kbnn_survey/second_factor.py).
OTP_REQUIRED_FOR_SUPERUSERS = env.bool("OTP_REQUIRED_FOR_SUPERUSERS", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
