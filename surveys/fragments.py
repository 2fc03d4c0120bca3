"""Caching what every customer's survey page, and thank-you page, has in common.

An unbound survey form renders identically for every anonymous customer of a unit: only the
CSRF token, the idempotency key and the signed render time differ. So the page is rendered
once with placeholders for those, kept with the campaign's snapshot (surveys.snapshots: it is
dropped with the snapshot when anything the page is made of changes), and each request
substitutes fresh values. The
fields alone are also kept per process under a fingerprint of what they are made of, for pages
that are not shared (an invitation's). Forms with errors, staff sessions and messages are
always rendered afresh.

Measured with the snapshot it lives in (bench/submit.py, 1 Dec 2026, README): ours/floor 0.70
with both, 0.29 without; one customer's GET 9.7 ms against 39.8 ms.

The thank-you page likewise differs between customers only by the tracking code (it has no
form, so no CSRF token); it is kept per language, unit name and whether there is a code.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .forms import SurveyForm
from .timing import render_token

FIELDS_TEMPLATE = "surveys/_survey_fields.html"
PAGE_TEMPLATE = "surveys/survey.html"
THANKS_TEMPLATE = "surveys/thanks.html"
# Never issued: uuid4() sets the version nibble to 4, this one has 0.
KEY_PLACEHOLDER = uuid.UUID("00000000-0000-0000-0000-00000000cafe")
CSRF_PLACEHOLDER = "csrf-token-placeholder"
# The form's signed render time (surveys.timing), bound to the fresh key.
RENDERED_PLACEHOLDER = "rendered-at-placeholder"
# Letters outside the tracking-code alphabet and outside any URL this site makes.
CODE_PLACEHOLDER = "tracking-code-placeholder"
MAX_ENTRIES = 256
_fields: dict[str, SafeString] = {}
_thanks: dict[tuple, str] = {}


def _remember(store: dict, key, value):
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[key] = value
    return value


def survey_fields_html(form: SurveyForm, context: dict) -> SafeString:
    if form.is_bound:  # errors and entered values: always rendered afresh
        return render_to_string(FIELDS_TEMPLATE, context)
    key = form.fingerprint()
    html = _fields.get(key)
    return (
        html
        if html is not None
        else _remember(_fields, key, render_to_string(FIELDS_TEMPLATE, context))
    )


def _shared_page(request: HttpRequest) -> bool:
    """No session and no messages: the page is the same for every customer."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def survey_page_html(
    request: HttpRequest, render: Callable[[dict], str], pages: dict | None
) -> bytes:
    """The unbound survey page, encoded, with a fresh idempotency key, CSRF token and signed
    render time (the time to complete: one signature, no query).

    `render(extra_context)` renders the page; `pages` is where the snapshot keeps this unit's
    shared pages, None for a page never shared (an invitation's has its own address and is
    answered once). A kept page is kept encoded and cut at its placeholders, so a request only
    joins bytes.
    """
    extra = {"csrf_token": CSRF_PLACEHOLDER}
    if pages is not None and _shared_page(request):
        key = (get_language(), request.get_full_path())
        parts = pages.get(key)
        if parts is None:
            parts = _remember(pages, key, _cut(render(extra)))
    else:
        parts = _cut(render(extra))
    key = str(uuid.uuid4())
    fresh = {
        _KEY_BYTES: key.encode(),
        _CSRF_BYTES: get_token(request).encode(),
        _RENDERED_BYTES: render_token(key).encode(),
    }
    # Even positions hold the page's text, odd ones the placeholders between them.
    return b"".join(fresh[part] if i % 2 else part for i, part in enumerate(parts))


_KEY_BYTES = str(KEY_PLACEHOLDER).encode()
_CSRF_BYTES = CSRF_PLACEHOLDER.encode()
_RENDERED_BYTES = RENDERED_PLACEHOLDER.encode()
_SURVEY_PLACEHOLDERS = re.compile(
    f"({re.escape(str(KEY_PLACEHOLDER))}|{CSRF_PLACEHOLDER}|{RENDERED_PLACEHOLDER})"
)


def _cut(html: str) -> tuple[bytes, ...]:
    return tuple(part.encode() for part in _SURVEY_PLACEHOLDERS.split(html))


def thanks_page_html(request: HttpRequest, unit_name: str, tracking_code: str | None) -> str:
    if not _shared_page(request):
        context = {"unit_name": unit_name, "tracking_code": tracking_code}
        return render_to_string(THANKS_TEMPLATE, context, request=request)
    key = (get_language(), unit_name, bool(tracking_code))
    html = _thanks.get(key)
    if html is None:
        context = {
            "unit_name": unit_name,
            "tracking_code": CODE_PLACEHOLDER if tracking_code else None,
        }
        html = _remember(_thanks, key, render_to_string(THANKS_TEMPLATE, context, request=request))
    return html.replace(CODE_PLACEHOLDER, escape(tracking_code)) if tracking_code else html
