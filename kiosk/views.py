"""The counter tablet's pages: enrolment, the kiosk page and its service worker, answers."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from surveys.forms import SurveyForm
from surveys.models import Channel
from surveys.rules import campaign_open_for
from surveys.services import COMMENT_MAX_LENGTH
from surveys.snapshots import campaign_snapshot

from . import services
from .credentials import credential_read, credential_set, form_token
from .models import Kiosk
from .selectors import kiosk_from_request

# The page's own requests carry this header: a cross-site form cannot set it, and a cross-site
# script would need a CORS permission this portal never grants (the credential cookie is
# SameSite=Strict besides). It stands in for a CSRF token, which would go stale in the page the
# service worker keeps for offline use.
KIOSK_HEADER = "HTTP_X_KBNN_KIOSK"
# What the service worker keeps for offline use, besides the page itself.
SHELL_ASSETS = ("kiosk/kiosk.js", "kiosk/kiosk.css", "vendor/bootstrap/bootstrap.min.css")


def _refused_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    response = render(
        request, "kiosk/refused.html", {"title": title, "message": message}, status=status
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def kiosk_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the address enrols (a link preview must not use it up); POST binds."""
    kiosk = services.kiosk_for_enrolment(token)
    if kiosk is None:
        return _refused_page(
            request,
            _("This enrolment address cannot be used"),
            _("It has been used, revoked or has expired. Ask the survey team for a new one."),
            410,
        )
    if request.method == "GET":
        return render(request, "kiosk/enrol.html", {"kiosk": kiosk})
    kiosk = services.kiosk_bind(token=token)
    if kiosk is None:
        return _refused_page(
            request,
            _("This enrolment address cannot be used"),
            _("It has been used, revoked or has expired. Ask the survey team for a new one."),
            410,
        )
    response = redirect("kiosk:page")
    credential_set(response, kiosk, secure=settings.SESSION_COOKIE_SECURE or request.is_secure())
    return response


def _kiosk_or_refusal(request: HttpRequest) -> tuple[Kiosk | None, HttpResponse | None]:
    kiosk = kiosk_from_request(request)
    if kiosk is None:
        return None, _refused_page(
            request,
            _("This device is not a survey kiosk"),
            _("Open the enrolment address given by the survey team on this tablet."),
            403,
        )
    if not kiosk.is_active:
        return None, _refused_page(
            request,
            _("This kiosk has been revoked"),
            _("The survey team has withdrawn this tablet. Its answers are no longer accepted."),
            403,
        )
    return kiosk, None


@require_GET
def kiosk_page(request: HttpRequest) -> HttpResponse:
    kiosk, refusal = _kiosk_or_refusal(request)
    if refusal is not None:
        return refusal
    snapshot = campaign_snapshot(kiosk.campaign.slug)
    campaign = snapshot.campaign if snapshot else kiosk.campaign
    if snapshot is None or not campaign_open_for(campaign, Channel.KIOSK, timezone.localdate()):
        return _refused_page(
            request,
            _("This survey round is not taking answers"),
            _("The round “%(name)s” is closed. Thank you.") % {"name": campaign.name},
            410,
        )
    services.kiosk_contact(kiosk=kiosk)
    form = SurveyForm(questions=snapshot.questions, groups=snapshot.groups)
    context = {
        "kiosk": kiosk,
        "campaign": campaign,
        "unit": kiosk.unit,
        "form": form,
        "aspect_blocks": form.aspect_blocks(),
        "comment_max_length": COMMENT_MAX_LENGTH,
        "form_token": form_token(kiosk.public_id.hex),
        "thanks_seconds": settings.KIOSK_THANKS_SECONDS,
        "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        "messages_js": {
            "waiting": _("{n} answer(s) waiting to be sent"),
            "dropped": _("{n} kept answer(s) refused (the survey team sees why)"),
            "missing": _("Please answer the questions marked in red."),
            "refused": _("These answers could not be accepted."),
        },
    }
    response = render(request, "kiosk/page.html", context)
    # Never in the HTTP cache nor the back-forward cache: the service worker keeps the blank
    # page for offline use, and nothing else keeps any page of the kiosk.
    add_never_cache_headers(response)
    return response


def _json(outcome: services.KioskOutcome, *, next_token: str = "") -> JsonResponse:
    body = {"ok": outcome.stored, "reason": outcome.reason, "message": outcome.message}
    if outcome.stored:
        body["tracking_code"] = outcome.tracking_code
        body["next"] = next_token
    if outcome.errors:
        body["errors"] = outcome.errors
    response = JsonResponse(body, status=outcome.status)
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    add_never_cache_headers(response)
    return response


@csrf_exempt  # see KIOSK_HEADER
@require_POST
def kiosk_answer(request: HttpRequest) -> HttpResponse:
    if request.META.get(KIOSK_HEADER) != "1":
        return JsonResponse({"ok": False, "reason": "invalid", "message": ""}, status=400)
    credential = credential_read(request)
    if credential is None:
        outcome = services.KioskOutcome(403, "revoked", _("This tablet is no longer enrolled."))
        return _json(outcome)
    now = timezone.now()
    outcome = services.kiosk_answer_submit(credential=credential, data=request.POST, now=now)
    next_token = form_token(credential[0], now) if outcome.stored else ""
    return _json(outcome, next_token=next_token)


@require_GET
def kiosk_token(request: HttpRequest) -> HttpResponse:
    """A fresh form token at the customer's first touch. Read from the signed credential alone,
    without the database: a revoked kiosk may get one, but its answers are refused."""
    credential = credential_read(request)
    if credential is None or request.META.get(KIOSK_HEADER) != "1":
        return JsonResponse({"ok": False}, status=403)
    response = JsonResponse({"ok": True, "t": form_token(credential[0])})
    add_never_cache_headers(response)
    return response


@functools.cache
def _shell_version(release: str) -> str:
    """Changes whenever an asset the worker keeps changes, or KIOSK_SHELL_VERSION (`release`):
    the browser then installs the new worker, which the page lets take over between
    customers."""
    digest = hashlib.sha256(release.encode())
    digest.update(render_to_string("kiosk/sw.js", {"version": "", "assets": []}).encode())
    for asset in SHELL_ASSETS:
        path = finders.find(asset)
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /kiosk/ so that its scope is the kiosk's pages and nothing else."""
    context = {
        "version": _shell_version(settings.KIOSK_SHELL_VERSION),
        "assets": [static(a) for a in SHELL_ASSETS],
    }
    response = HttpResponse(
        render_to_string("kiosk/sw.js", context), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response
