"""The kiosk's credential (a signed cookie) and the form's signed render time."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from surveys.timing import render_seconds, render_token

from .models import Kiosk

COOKIE_NAME = "kbnn_kiosk"
COOKIE_PATH = "/kiosk/"
_CREDENTIAL_SALT = "kiosk.credential"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def credential_value(kiosk: Kiosk) -> str:
    return signing.dumps([kiosk.public_id.hex, kiosk.credential_version], salt=_CREDENTIAL_SALT)


def credential_set(response: HttpResponse, kiosk: Kiosk, *, secure: bool) -> None:
    """Long-lived (KIOSK_CREDENTIAL_DAYS), sent only to the kiosk's own pages, never to script."""
    response.set_cookie(
        COOKIE_NAME,
        credential_value(kiosk),
        max_age=settings.KIOSK_CREDENTIAL_DAYS * 24 * 3600,
        path=COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="Strict",
    )


def credential_read(request: HttpRequest) -> tuple[str, int] | None:
    """(public id hex, version) from a cookie that this portal signed; None otherwise."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        public_id, version = signing.loads(raw, salt=_CREDENTIAL_SALT)
        return str(public_id), int(version)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def form_token(public_id: str, now: datetime.datetime | None = None) -> str:
    """The blank form's render time, signed and bound to the kiosk (its public id, read from
    its credential: issuing a token needs no database)."""
    return render_token(public_id, now)


def form_duration(public_id: str, token: str, now: datetime.datetime) -> int | None:
    """Whole seconds since the form was rendered; None for a missing, foreign or forged token.

    An answer sent from the offline queue is measured up to its sending: an upper bound, which
    never makes it look like a speeder."""
    return render_seconds(token, public_id, now)
