"""No 500 from a character: NUL and Unicode non-characters are refused at the door.

PostgreSQL text cannot hold NUL (a query comparing with one fails), and XML 1.0, hence the
workbook, cannot hold U+FFFE/U+FFFF or a lone surrogate. No honest form or link carries them,
so a request that does is refused before any view sees it: in the path or the query string with
the 404 page (no page has such a name), in a form body with the 400 page; under /api/ as JSON.
A view that explains such a character beside the field it was typed in (the survey, paper
keying) is marked with @checks_its_own_characters and receives the body as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _

_PLANE_ENDS = "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(0x1, 0x11))
FORBIDDEN = re.compile(f"[\x00\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff{_PLANE_ENDS}]")
API_PREFIX = "/api/"


def has_forbidden_characters(text: str) -> bool:
    return FORBIDDEN.search(text) is not None


def checks_its_own_characters(view: Callable) -> Callable:
    """Mark a view that refuses forbidden characters itself, beside the field concerned."""
    view.checks_its_own_characters = True
    return view


def _lists_forbidden(data) -> bool:
    return any(
        has_forbidden_characters(key) or any(has_forbidden_characters(v) for v in values)
        for key, values in data.lists()
    )


class ForbiddenCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        # Before URL resolution: a path no URL can match still gets the plain 404.
        if has_forbidden_characters(request.path) or _lists_forbidden(request.GET):
            return self._refuse(request, 404)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if getattr(view_func, "checks_its_own_characters", False):
            return None
        content_type = request.content_type or ""
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None  # JSON and other bodies are the view's to check
        if _lists_forbidden(request.POST) or any(
            has_forbidden_characters(f.name or "") for f in request.FILES.values()
        ):
            return self._refuse(request, 400)
        return None

    @staticmethod
    def _refuse(request: HttpRequest, status: int):
        message = _("The request contains a character that is not allowed (such as NUL).")
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"error": "bad_characters", "message": message},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        if status == 404:
            raise Http404(message)
        raise BadRequest(message)
