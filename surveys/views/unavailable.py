"""A clear page, in the customer's language, for every survey that cannot be answered."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from surveys.models import Campaign, RefusalReason, Response
from surveys.selectors import stored_response
from surveys.services import refusal_record

from .thanks import thanks_url


@dataclass
class Unavailable(Exception):
    status: int
    title: str
    message: str
    # Counted as a refused submission when it stops a POST.
    reason: str = RefusalReason.CLOSED
    campaign: Campaign | None = None
    links: list[tuple[str, str]] = field(default_factory=list)


def _stored_response(request: HttpRequest) -> Response | None:
    try:
        key = uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return None
    return stored_response(key)


def unavailable_page(view):
    """Render Unavailable as its page with its status; a refused POST is counted."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Unavailable as exc:
            if request.method == "POST":
                # A reload or double click after the answers were stored (the invitation is
                # now used, the campaign may have closed since): the same thank-you page.
                replayed = _stored_response(request)
                if replayed is not None:
                    refusal_record(campaign=replayed.campaign, reason=RefusalReason.REPLAY)
                    return redirect(thanks_url(replayed, replayed.unit.name))
                refusal_record(campaign=exc.campaign, reason=exc.reason)
            return render(
                request,
                "surveys/unavailable.html",
                {"title": exc.title, "message": exc.message, "links": exc.links},
                status=exc.status,
            )

    return wrapper
