"""Endpoints outside the staff pages: e-mail opt-out and the portal's invitation API."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from surveys.models import Invitation

from ..services.mailing import invitation_opt_out
from ..services.portal import MAX_BODY_BYTES, PortalError, portal_invitation_create

UTF8 = {"ensure_ascii": False}  # Vietnamese messages readable as they are


# CSRF-exempt: mail clients POST here for RFC 8058 one-click opt-out; the unguessable token
# is the authorisation, and the only effect is to stop e-mails.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request, token: str):
    if request.method == "POST":
        invitation = invitation_opt_out(token=token)
        if invitation is None:
            raise Http404
        return render(request, "fieldwork/opt_out_done.html", {"invitation": invitation})
    # GET only asks: link scanners in mail servers open links without anyone clicking.
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None:
        raise Http404
    return render(request, "fieldwork/opt_out.html", {"invitation": invitation})


@csrf_exempt  # Server-to-server: authenticated by the HMAC signature, not by a cookie.
def portal_invitations(request):
    if request.method != "POST":
        response = JsonResponse(
            {"error": "method_not_allowed", "message": _("Only POST is allowed.")},
            status=405,
            json_dumps_params=UTF8,
        )
        response["Allow"] = "POST"
        return response
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    try:
        if declared > MAX_BODY_BYTES:  # refused unread
            raise PortalError(413, "too_large", _("The request body is too large."))
        try:
            body = request.body
        except RequestDataTooBig:
            raise PortalError(413, "too_large", _("The request body is too large.")) from None
        result = portal_invitation_create(
            body=body,
            timestamp=request.headers.get("X-KBNN-Timestamp", ""),
            signature=request.headers.get("X-KBNN-Signature", ""),
        )
    except PortalError as exc:
        return JsonResponse(
            {"error": exc.code, "message": exc.message}, status=exc.status, json_dumps_params=UTF8
        )
    return JsonResponse(
        {
            "url": result.url,
            "expires_at": result.expires_at.isoformat(),
            "message": _("Show this link to the customer."),
        },
        status=201 if result.created else 200,
        json_dumps_params=UTF8,
    )
