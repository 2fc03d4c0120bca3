"""Invitations requested by the online public-service portal after a transaction.

The portal signs `<timestamp>.<raw body>` with HMAC-SHA256 under PORTAL_HMAC_SECRET and sends
the hex digest in X-KBNN-Signature, the timestamp (Unix seconds) in X-KBNN-Timestamp and in the
body. Requests older than PORTAL_MAX_AGE_SECONDS are refused; an accepted signature is stored,
so the same request replayed within that window is refused too. The transaction reference is
kept only as an HMAC under PORTAL_REFERENCE_KEY, a different key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kbnn_survey.input_guard import has_forbidden_characters
from surveys.models import (
    Campaign,
    Channel,
    Invitation,
    InvitationSource,
    RespondentGroup,
    Unit,
)
from surveys.rules import campaign_open_for

from ..models import PortalRequest
from .mailing import survey_url

MAX_BODY_BYTES = 4096
MAX_REFERENCE_LENGTH = 200


class PortalError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message
        super().__init__(message)


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def reference_hash(reference: str) -> str:
    key = settings.PORTAL_REFERENCE_KEY
    if key:
        return hmac.new(key.encode(), reference.encode(), hashlib.sha256).hexdigest()
    # No separate key configured: derive one from SECRET_KEY (never the shared portal secret).
    return salted_hmac("fieldwork.portal.reference", reference, algorithm="sha256").hexdigest()


def _verify(timestamp: str, signature: str, body: bytes, now: datetime.datetime) -> None:
    secret = settings.PORTAL_HMAC_SECRET
    if not secret:
        raise PortalError(503, "not_configured", _("The portal endpoint is not configured."))
    if len(body) > MAX_BODY_BYTES:
        raise PortalError(413, "too_large", _("The request body is too large."))
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise PortalError(401, "bad_timestamp", _("The timestamp is missing or invalid.")) from None
    expected = signature_for(secret, timestamp, body)
    if not hmac.compare_digest(expected, (signature or "").strip().lower()):
        raise PortalError(401, "bad_signature", _("The signature does not match."))
    if abs(now.timestamp() - sent_at) > settings.PORTAL_MAX_AGE_SECONDS:
        raise PortalError(401, "expired", _("The request is too old (or from the future)."))


def _remember(signature: str, now: datetime.datetime) -> None:
    """Refuse a replay: the signature is unique in the table while inside the window."""
    window = datetime.timedelta(seconds=settings.PORTAL_MAX_AGE_SECONDS * 2)
    PortalRequest.objects.filter(received_at__lt=now - window).delete()
    try:
        with transaction.atomic():
            PortalRequest.objects.create(signature=signature.strip().lower(), received_at=now)
    except IntegrityError:
        raise PortalError(409, "replayed", _("This request was already received.")) from None


def _payload(body: bytes, timestamp: str) -> tuple[str, str, str]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PortalError(400, "bad_json", _("The body is not valid JSON.")) from None
    except RecursionError:  # thousands of nested brackets fit in the 4 KB allowed
        raise PortalError(400, "too_deep", _("The body is nested too deeply.")) from None
    if not isinstance(data, dict):
        raise PortalError(400, "bad_json", _("The body must be a JSON object."))
    fields = {}
    for name in ("unit_code", "respondent_group", "reference"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise PortalError(
                400, "missing_field", _("The field %(name)s is missing.") % {"name": name}
            )
        if has_forbidden_characters(value):
            raise PortalError(
                400,
                "bad_characters",
                _("The field %(name)s contains a character that is not allowed (such as NUL).")
                % {"name": name},
            )
        fields[name] = value.strip()
    if str(data.get("timestamp")) != timestamp:
        raise PortalError(
            400, "timestamp_mismatch", _("The body's timestamp differs from the header's.")
        )
    if len(fields["reference"]) > MAX_REFERENCE_LENGTH:
        raise PortalError(400, "bad_reference", _("The reference is too long."))
    return fields["unit_code"], fields["respondent_group"], fields["reference"]


@dataclass(frozen=True)
class PortalInvitation:
    url: str
    expires_at: datetime.datetime
    created: bool


def portal_invitation_create(
    *, body: bytes, timestamp: str, signature: str, now: datetime.datetime | None = None
) -> PortalInvitation:
    """Check the signed request and return the single-use survey URL for this transaction.

    The same transaction reference asked again (a portal retry with a fresh signature) gets
    the same invitation back instead of a second one.
    """
    now = now or timezone.now()
    _verify(timestamp, signature, body, now)
    unit_code, group_code, reference = _payload(body, timestamp)
    _remember(signature, now)
    today = timezone.localdate(now)
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not unit.is_valid_on(today):
        raise PortalError(422, "unknown_unit", _("Unknown unit code."))
    group = RespondentGroup.objects.filter(code=group_code, is_active=True).first()
    if group is None:
        raise PortalError(422, "unknown_group", _("Unknown respondent group."))
    campaign = next(
        (
            c
            for c in Campaign.objects.accepting(today).filter(units=unit).order_by("-opens_on")
            if campaign_open_for(c, Channel.PORTAL, today)
        ),
        None,
    )
    if campaign is None:
        raise PortalError(
            422, "no_open_survey", _("No open survey takes portal answers for this unit.")
        )
    digest = reference_hash(reference)
    expires_at = now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS)
    try:
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                campaign=campaign,
                reference_hash=digest,
                defaults={
                    "unit": unit,
                    "respondent_group": group,
                    "source": InvitationSource.PORTAL,
                    "expires_at": expires_at,
                    "created_at": now,
                },
            )
    except IntegrityError:
        invitation, created = (
            Invitation.objects.get(campaign=campaign, reference_hash=digest),
            False,
        )
    if invitation.answered_on is not None:
        raise PortalError(409, "already_answered", _("This transaction's survey was answered."))
    return PortalInvitation(survey_url(invitation), invitation.expires_at, created)
