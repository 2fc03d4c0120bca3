"""Caching what every customer's survey page has in common.

An unbound survey form renders identically for every anonymous customer of a unit: only the
CSRF token and the idempotency key differ. So the page is rendered once with placeholders for
those two, kept per process (bounded), and each request substitutes fresh values. The key is a
fingerprint of the data the HTML is made of (questions, groups, campaign and unit names,
language, address), read fresh on every request, so an edit simply renders a new page.
Forms with errors, staff sessions and messages are always rendered afresh.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .forms import SurveyForm

FIELDS_TEMPLATE = "surveys/_survey_fields.html"
PAGE_TEMPLATE = "surveys/survey.html"
# Never issued: uuid4() sets the version nibble to 4, this one has 0.
KEY_PLACEHOLDER = uuid.UUID("00000000-0000-0000-0000-00000000cafe")
CSRF_PLACEHOLDER = "csrf-token-placeholder"
MAX_ENTRIES = 256
_fields: dict[str, SafeString] = {}
_pages: dict[str, str] = {}


def _remember(store: dict, key: str, value):
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
    request: HttpRequest, form: SurveyForm, context: dict, shown: tuple | None
) -> str:
    """The survey page; an unbound form gets a fresh idempotency key and CSRF token.

    `shown`: what else the page displays, for the cache key; None for a page never shared
    (an invitation's page has its own address and is answered once).
    """
    if form.is_bound:
        return render_to_string(PAGE_TEMPLATE, context, request=request)
    context = {**context, "csrf_token": CSRF_PLACEHOLDER}
    html = None
    if shown is not None and _shared_page(request):
        key = hashlib.sha256(
            repr((form.fingerprint(), request.get_full_path(), shown)).encode()
        ).hexdigest()
        html = _pages.get(key) or _remember(
            _pages, key, render_to_string(PAGE_TEMPLATE, context, request=request)
        )
    else:
        html = render_to_string(PAGE_TEMPLATE, context, request=request)
    return html.replace(str(KEY_PLACEHOLDER), str(uuid.uuid4())).replace(
        CSRF_PLACEHOLDER, get_token(request)
    )
