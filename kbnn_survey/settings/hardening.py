"""Settings that guard the portal against guessing and hostile input (issue 14).

Kept apart from base.py so that the profile files stay small; base.py merges these at its end.
Every value can be changed from the environment.
"""

from __future__ import annotations

import datetime

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

env = environ.Env()

HARDENING_APPS = ["axes", "csp", "auditlog", "django_otp", "django_otp.plugins.otp_totp"]
# Right after the user is known: whether the session was opened with the second factor.
HARDENING_MIDDLEWARE_AFTER_AUTH = [
    "django_otp.middleware.OTPMiddleware",
    "kbnn_survey.second_factor.SecondFactorMiddleware",
]
# Right after the locale is chosen: refusals are worded in the customer's language.
HARDENING_MIDDLEWARE_EARLY = [
    "csp.middleware.CSPMiddleware",
    "kbnn_survey.input_guard.ForbiddenCharactersMiddleware",
]
# Axes must come last: it turns a locked-out login into its lockout page.
HARDENING_MIDDLEWARE_LAST = [
    "auditlog.middleware.AuditlogMiddleware",  # the actor of each recorded change
    "axes.middleware.AxesMiddleware",
]
# Changes by staff are recorded with old and new values (kbnn_survey/audit.py); without the
# staff member's network address.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- Logins (django-axes): both /accounts/login/ and /admin/login/ authenticate through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=20)
# Per account and, separately, per client address: either one reaching the limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the rate limits (CLIENT_IP_HEADER, last hop only).
AXES_CLIENT_IP_CALLABLE = "kbnn_survey.accounts.axes_client_address"
# Only failures are kept (to count them); successful logins are not logged with an address.
AXES_DISABLE_ACCESS_LOG = True

# --- Uploads: a sheet of more rows than this is imported by a worker, with a progress bar
# (fieldwork/services/import_jobs.py); smaller ones in the request.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=3000)

# --- Second factor (django-otp, TOTP; kbnn_survey/second_factor.py): optional for staff,
# required for superusers where this is on (the production profile turns it on).
OTP_REQUIRED_FOR_SUPERUSERS = env.bool("OTP_REQUIRED_FOR_SUPERUSERS", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="KBNN khảo sát")

# --- Personal data (Law 91/2025/QH15): how long after their purpose it is erased (beat).
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=90)
INVITEE_RETENTION_DAYS = env.int("INVITEE_RETENTION_DAYS", default=30)
OPT_OUT_HASH_KEY = env("OPT_OUT_HASH_KEY", default="")

# --- Password reset: e-mails asked per client address and per address typed, per period.
PASSWORD_RESET_RATE = env("PASSWORD_RESET_RATE", default="5/h")
PASSWORD_RESET_EMAIL_RATE = env("PASSWORD_RESET_EMAIL_RATE", default="3/h")

# --- Content-Security-Policy (django-csp) on every page: scripts only from our own static
# files, no inline script anywhere (the admin's are files too). Inline style attributes stay
# allowed (a progress bar's width, the admin's own): a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Behind a reverse proxy that sets the scheme header, name it (e.g. HTTP_X_FORWARDED_PROTO):
# only then is it trusted. Unset, any client could claim https with it.
PROXY_SSL_HEADER = env("PROXY_SSL_HEADER", default="")
