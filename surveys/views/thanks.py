"""The thank-you page, reached only with the form's own random key.

It shows the unit's name and, when a comment was written, its tracking code, read from the
response stored under the key. (Its content used to be signed into the address and the page
kept per process, to spare this query: bench/submit.py showed no gain above its noise, so both
went.)
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from surveys.models import Response
from surveys.selectors import thanks_shown

THANKS_TEMPLATE = "surveys/thanks.html"


def thanks_url(response: Response) -> str:
    """The thank-you page of a stored response (the same for a replay)."""
    return reverse("surveys:thanks", args=[response.idempotency_key])


def thanks(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    shown = thanks_shown(key)
    if shown is None:
        raise Http404
    context = {"unit_name": shown.unit_name, "tracking_code": shown.tracking_code}
    return render(request, THANKS_TEMPLATE, context)
