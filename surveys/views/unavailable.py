"""A clear page, in the customer's language, for every survey that cannot be answered."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from surveys.models import Campaign, RefusalReason
from surveys.services import refusal_record


@dataclass
class Unavailable(Exception):
    status: int
    title: str
    message: str
    # Counted as a refused submission when it stops a POST.
    reason: str = RefusalReason.CLOSED
    campaign: Campaign | None = None
    links: list[tuple[str, str]] = field(default_factory=list)


def unavailable_page(view):
    """Render Unavailable as its page with its status; a refused POST is counted."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Unavailable as exc:
            if request.method == "POST":
                refusal_record(campaign=exc.campaign, reason=exc.reason)
            return render(
                request,
                "surveys/unavailable.html",
                {"title": exc.title, "message": exc.message, "links": exc.links},
                status=exc.status,
            )

    return wrapper
