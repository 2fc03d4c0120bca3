"""The portal's absolute address, for QR posters, kiosk enrolments and links in e-mails.

Production: always `SITE_URL` (required, checked when the settings load). Development (the
local profile sets `SITE_URL_FROM_REQUEST`): the address the browser actually used, so a
portal served on port 8080 prints posters and e-mails pointing at 8080; where no request is
being served (a Celery worker, a management command such as seed_demo) the configured
`SITE_URL`, which the local profile marks as assumed when nobody set it.

The request's address is held for the length of the request by `RequestAddressMiddleware`
(a context variable), because it is needed deep inside services and in-process tasks (an
e-mail sent on commit of a follow-up); threading a development-only argument through every
service and task signature would spread it over code that production never uses.
"""

from __future__ import annotations

import contextvars

from django.conf import settings

_request_base: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kbnn_request_base", default=None
)


def site_url() -> str:
    """Scheme, host and port of the portal, without a trailing slash."""
    return _request_base.get() or settings.SITE_URL


def absolute_url(path: str) -> str:
    return site_url() + path


def site_url_is_assumed() -> bool:
    """True where no request gives the address and nobody configured SITE_URL (local only)."""
    return _request_base.get() is None and getattr(settings, "SITE_URL_ASSUMED", False)


class RequestAddressMiddleware:
    """Under SITE_URL_FROM_REQUEST, remember the address this request was served on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SITE_URL_FROM_REQUEST:
            return self.get_response(request)
        # get_host() is validated against ALLOWED_HOSTS: a forged Host header raises here
        # (answered 400) before it can reach a poster or an e-mail.
        token = _request_base.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
