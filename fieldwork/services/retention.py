"""Personal data kept no longer than its purpose (Law 91/2025/QH15, Decree 356/2025/NĐ-CP).

- Respondents' contact details: erased CONTACT_RETENTION_DAYS after the follow-ups of their
  comment are closed, or after the round closed when no follow-up was opened.
- Invitees' e-mail addresses and organisation names: erased INVITEE_RETENTION_DAYS after the
  round closed. Whoever opted out stays known only as a keyed hash (OptOut).

Run daily by beat (task "Xoá dữ liệu cá nhân hết hạn", migration fieldwork/0005).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from followups.models import OPEN_FOLLOWUP_STATUSES, FollowUp
from surveys.models import Invitation, InvitationSource, ResponseContact

from ..models import OptOut

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def email_hash(email: str) -> str:
    """A keyed hash of an address (key: OPT_OUT_HASH_KEY, else derived from SECRET_KEY)."""
    secret = getattr(settings, "OPT_OUT_HASH_KEY", "") or None
    return salted_hmac(
        "fieldwork.optout", email.strip().lower(), secret=secret, algorithm="sha256"
    ).hexdigest()


def opt_out_record(*, email: str, day: datetime.date) -> None:
    if email:
        OptOut.objects.get_or_create(email_hash=email_hash(email), defaults={"opted_out_on": day})


def opted_out_hashes(emails) -> set[str]:
    """The hashes, among these addresses', of those who opted out before."""
    hashes = {email_hash(e) for e in emails}
    return set(OptOut.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True))


@dataclass(frozen=True)
class Erased:
    contacts: int
    invitees: int


def contacts_erase(*, today: datetime.date) -> int:
    cutoff = today - datetime.timedelta(days=settings.CONTACT_RETENTION_DAYS)
    cutoff_at = datetime.datetime.combine(cutoff, datetime.time(), tzinfo=LOCAL)
    of_response = FollowUp.objects.filter(responses=OuterRef("response"))
    still_needed = of_response.filter(
        Q(status__in=OPEN_FOLLOWUP_STATUSES) | Q(updated_at__gte=cutoff_at)
    )
    deleted, _ = (
        ResponseContact.objects.filter(~Exists(still_needed))
        .filter(Exists(of_response) | Q(response__campaign__closes_on__lt=cutoff))
        .delete()
    )
    return deleted


@transaction.atomic
def invitees_erase(*, today: datetime.date) -> int:
    cutoff = today - datetime.timedelta(days=settings.INVITEE_RETENTION_DAYS)
    expired = Invitation.objects.filter(
        source=InvitationSource.EMAIL, campaign__closes_on__lt=cutoff
    ).filter(~Q(email="") | ~Q(organisation=""))
    opted = expired.filter(opted_out_at__isnull=False).exclude(email="")
    OptOut.objects.bulk_create(
        [
            OptOut(email_hash=email_hash(email), opted_out_on=timezone.localdate(when))
            for email, when in opted.values_list("email", "opted_out_at")
        ],
        ignore_conflicts=True,
    )
    return Invitation.objects.filter(pk__in=expired.values("pk")).update(email="", organisation="")


def personal_data_erase(*, today: datetime.date | None = None) -> Erased:
    today = today or timezone.localdate()
    return Erased(contacts=contacts_erase(today=today), invitees=invitees_erase(today=today))
