"""Writes of the kiosk app: enrolment, binding, revocation, the per-device pace, an answer."""

from __future__ import annotations

import datetime
import math
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kbnn_survey.addresses import absolute_url
from surveys.forms import answers_read
from surveys.models import Campaign, Channel, ConfigStamp, RefusalReason, Unit
from surveys.rules import campaign_open_on
from surveys.services import SubmissionError, refusal_record, response_submit
from surveys.snapshots import campaign_snapshot, campaign_snapshot_unconfirmed

from .credentials import form_duration, token_hash
from .models import Kiosk, KioskAnswer
from .selectors import KioskRef, kiosk_ref


class KioskError(Exception):
    """A kiosk cannot be enrolled as asked; the message says why, for the survey team."""


@dataclass(frozen=True)
class Enrolment:
    kiosk: Kiosk
    token: str

    @property
    def path(self) -> str:
        return reverse("kiosk:enrol", args=[self.token])

    @property
    def url(self) -> str:
        return absolute_url(self.path)


def kiosk_placement_errors(*, campaign: Campaign, unit: Unit) -> list[str]:
    """Why a kiosk cannot stand at this unit for this round (empty when it can)."""
    errors = []
    if not campaign.accepts_channel(Channel.KIOSK):
        errors.append(
            _("The round “%(campaign)s” does not accept the kiosk channel; add it to its channels.")
            % {"campaign": campaign}
        )
    if not campaign.units.filter(pk=unit.pk).exists():
        errors.append(
            _("The unit %(unit)s is not surveyed in “%(campaign)s”.")
            % {"unit": unit.code, "campaign": campaign}
        )
    return errors


def kiosk_create(
    *,
    campaign: Campaign,
    unit: Unit,
    label: str = "",
    created_by=None,
    now: datetime.datetime | None = None,
) -> Enrolment:
    """A new kiosk and its one-time enrolment address."""
    errors = kiosk_placement_errors(campaign=campaign, unit=unit)
    if errors:
        raise KioskError(" ".join(errors))
    kiosk = Kiosk.objects.create(campaign=campaign, unit=unit, label=label, created_by=created_by)
    return kiosk_enrolment_renew(kiosk=kiosk, now=now)


def kiosk_enrolment_renew(*, kiosk: Kiosk, now: datetime.datetime | None = None) -> Enrolment:
    """A fresh one-time enrolment address (the previous unused one stops working). Binding a
    device with it retires the credential of any device bound before (a replaced tablet)."""
    if kiosk.revoked_at is not None:
        raise KioskError(_("This kiosk has been revoked."))
    now = now or timezone.now()
    token = secrets.token_urlsafe(24)
    expires = now + datetime.timedelta(days=settings.KIOSK_ENROL_DAYS)
    Kiosk.objects.filter(pk=kiosk.pk).update(
        enrol_token_hash=token_hash(token), enrol_expires_at=expires
    )
    kiosk.enrol_token_hash, kiosk.enrol_expires_at = token_hash(token), expires
    return Enrolment(kiosk, token)


def kiosk_for_enrolment(token: str, now: datetime.datetime | None = None) -> Kiosk | None:
    """The kiosk this enrolment address may still bind; None if used, revoked or expired."""
    now = now or timezone.now()
    return (
        Kiosk.objects.select_related("campaign", "unit")
        .filter(enrol_token_hash=token_hash(token), revoked_at=None, enrol_expires_at__gte=now)
        .order_by("pk")
        .first()
    )


def kiosk_bind(*, token: str, now: datetime.datetime | None = None) -> Kiosk | None:
    """Bind the device opening the enrolment address: the address is used up (a conditional
    update, so two devices racing on one address cannot both win)."""
    now = now or timezone.now()
    kiosk = kiosk_for_enrolment(token, now)
    if kiosk is None:
        return None
    bound = Kiosk.objects.filter(
        pk=kiosk.pk, enrol_token_hash=token_hash(token), revoked_at=None
    ).update(
        enrol_token_hash=None,
        enrol_expires_at=None,
        enrolled_at=now,
        last_contact_at=now,
        credential_version=F("credential_version") + 1,
    )
    if not bound:
        return None
    kiosk.refresh_from_db()
    return kiosk


def kiosk_revoke(*, kiosk: Kiosk, by=None, now: datetime.datetime | None = None) -> bool:
    """Revoke for good: its credential and any unused enrolment address stop working."""
    now = now or timezone.now()
    done = Kiosk.objects.filter(pk=kiosk.pk, revoked_at=None).update(
        revoked_at=now, revoked_by=by, enrol_token_hash=None, enrol_expires_at=None
    )
    kiosk.refresh_from_db()
    return bool(done)


def kiosk_contact(*, kiosk: Kiosk, now: datetime.datetime | None = None) -> None:
    """Record that the device was seen (its page, a new form), at most once a minute."""
    now = now or timezone.now()
    if kiosk.last_contact_at and now - kiosk.last_contact_at < datetime.timedelta(minutes=1):
        return
    Kiosk.objects.filter(pk=kiosk.pk).update(last_contact_at=now)
    kiosk.last_contact_at = now


class _PaceRefused(Exception):
    def __init__(self, wait: float):
        self.wait = wait


class _KioskChanged(Exception):
    """The kept KioskRef no longer matches the row (revoked, bound again, moved)."""


def _pace_and_link(ref: KioskRef, now: datetime.datetime, config_token: str | None):
    """The kiosk's own writes in the answer's transaction (response_submit's in_transaction).

    One UPDATE takes one answer from the device's allowance and records the contact, on the
    condition that the kiosk is still the one kept (credential version, round, unit), not
    revoked, and, given `config_token`, that the campaign snapshot the answer was checked
    against is still current: the credential, revocation, pace and snapshot checks are that
    one query. One answer per KIOSK_ANSWER_INTERVAL_SECONDS, with up to KIOSK_ANSWER_BURST at
    once (the answers a dropped connection kept): generic cell rate algorithm on `pace_at`,
    the theoretical time of the next answer.

    Measured (kiosk/tests/test_queries.py; bench/submit.py --kiosk in the README): the kiosk
    lookup, revocation and pace folded into this update, written in the response's own
    transaction (no savepoint), took a kiosk answer from 10 queries to 7 and the kiosk from
    0.78 to 0.93 of the web's rate; the snapshot's token confirmed here too, to 6.
    """
    interval = datetime.timedelta(seconds=settings.KIOSK_ANSWER_INTERVAL_SECONDS)
    tolerance = interval * max(settings.KIOSK_ANSWER_BURST - 1, 0)

    def write(response) -> None:
        kept = Kiosk.objects.filter(
            pk=ref.pk,
            public_id=ref.public_id,
            credential_version=ref.version,
            campaign_id=ref.campaign.pk,
            unit_id=ref.unit_id,
            revoked_at=None,
            enrolled_at__isnull=False,
        )
        paced = kept.filter(Q(pace_at__isnull=True) | Q(pace_at__lte=now + tolerance))
        if config_token is not None:
            paced = paced.filter(Exists(ConfigStamp.objects.filter(pk=1, token=config_token)))
        taken = paced.update(
            pace_at=Greatest(Coalesce(F("pace_at"), Value(now)), Value(now)) + interval,
            last_contact_at=now,
        )
        if not taken:
            if config_token is not None:
                raise _KioskChanged  # read everything again, confirmed (rare: seldom changes)
            pace_at = kept.order_by("pk").values_list("pace_at", flat=True).first()
            if pace_at is None:  # no such row any more (a kept row without a pace is taken)
                raise _KioskChanged
            raise _PaceRefused((pace_at - now - tolerance).total_seconds())
        KioskAnswer.objects.create(kiosk_id=ref.pk, response=response)

    return write


@dataclass(frozen=True)
class KioskOutcome:
    """What the kiosk page is told: stored (or already stored), or refused and why."""

    status: int
    reason: str = ""  # "", "pace", "revoked", "closed", "invalid"
    message: str = ""
    tracking_code: str = ""
    retry_after: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.status == 200


def _refused_closed(campaign: Campaign, message: str) -> KioskOutcome:
    refusal_record(campaign=campaign, reason=RefusalReason.KIOSK_CLOSED)
    return KioskOutcome(410, "closed", message)


def kiosk_answer_submit(
    *, credential: tuple[str, int], data: Mapping[str, str], now: datetime.datetime | None = None
) -> KioskOutcome:
    """Store one answer sent by an enrolled kiosk (live or from its offline queue).

    The same form sent twice is stored once (its idempotency key). Refused, and counted for
    the survey team: a revoked kiosk, a round closed or no longer taking kiosk answers
    (answers kept offline meanwhile). Too fast for the device's pace: not stored, the page
    keeps it and sends it again later (429).

    Queries of a stored answer: one transaction (the response, its answers, the pace update,
    the kiosk link). The kiosk (KioskRef) and the campaign snapshot are what this process
    keeps, confirmed by the pace update; they are read (the snapshot through its token) when
    not kept or when that update finds them changed.
    """
    now = now or timezone.now()
    try:
        key = uuid.UUID(str(data.get("idempotency_key", "")))
    except ValueError:
        return KioskOutcome(400, "invalid", _("The form is damaged; please reload the page."))
    for fresh in (False, True):
        ref = kiosk_ref(credential, fresh=fresh)
        if ref is None:
            return KioskOutcome(403, "revoked", _("This tablet is no longer enrolled."))
        if not ref.active:
            refusal_record(campaign=ref.campaign, reason=RefusalReason.KIOSK_REVOKED)
            return KioskOutcome(403, "revoked", _("This tablet is no longer enrolled."))
        try:
            return _answer_store(ref, key, data, now, fresh=fresh)
        except _KioskChanged:
            continue
    # Changed again between two reads of the same request: the page sends it again later.
    return KioskOutcome(503)


def _refused(campaign: Campaign, exc: SubmissionError, now: datetime.datetime) -> KioskOutcome:
    if not campaign_open_on(campaign, timezone.localdate(now)):
        return _refused_closed(campaign, _("The survey round closed before this answer arrived."))
    if not campaign.accepts_channel(Channel.KIOSK) or "unit" in exc.errors:
        return _refused_closed(campaign, _("This round no longer takes answers from this tablet."))
    refusal_record(campaign=campaign, reason=RefusalReason.INVALID)
    return KioskOutcome(400, "invalid", _("Please check the answers marked."), errors=exc.errors)


def _answer_store(
    ref: KioskRef, key: uuid.UUID, data: Mapping[str, str], now: datetime.datetime, *, fresh: bool
) -> KioskOutcome:
    kept = None if fresh else campaign_snapshot_unconfirmed(ref.campaign_slug)
    # Unconfirmed: the pace update confirms its token in the answer's transaction.
    snapshot, config_token = kept or (campaign_snapshot(ref.campaign_slug), None)
    if snapshot is None or snapshot.campaign.pk != ref.campaign.pk:
        if not fresh:
            raise _KioskChanged  # the round's slug may have changed since the kiosk was kept
        return _refused_closed(ref.campaign, _("This survey round no longer exists."))
    unit = snapshot.units_by_code.get(ref.unit_code)
    if unit is None or unit.pk != ref.unit_id:  # no longer surveyed: response_submit says so
        unit = Unit.objects.filter(pk=ref.unit_id).first()
    posted_group = str(data.get("respondent_group", ""))
    group = next((g for g in snapshot.groups if str(g.pk) == posted_group), None)
    answers, answer_errors = answers_read(data, list(snapshot.questions))  # the web's rule
    if answer_errors:
        if not fresh:
            raise _KioskChanged  # refusals are decided on the kiosk and snapshot read afresh
        refusal_record(campaign=snapshot.campaign, reason=RefusalReason.INVALID)
        return KioskOutcome(
            400, "invalid", _("Please check the answers marked."), errors=answer_errors
        )
    try:
        result = response_submit(
            campaign=snapshot.campaign,
            unit=unit,
            respondent_group=group,
            channel=Channel.KIOSK,
            answers=answers,
            comment=str(data.get("comment", "")),
            idempotency_key=key,
            now=now,
            questions=snapshot.questions,
            campaign_unit_ids=snapshot.unit_ids,
            duration_seconds=form_duration(ref.public_id, str(data.get("t", "")), now),
            # The pace is taken in the answer's transaction: one commit, and an answer refused
            # for any reason gives its place back.
            in_transaction=_pace_and_link(ref, now, config_token),
        )
    except _PaceRefused as refused:
        return KioskOutcome(
            429,
            "pace",
            _("Too many answers in a short time."),
            retry_after=max(1, math.ceil(refused.wait)),
        )
    except SubmissionError as exc:
        if not fresh:
            raise _KioskChanged from exc  # decided on the kiosk and snapshot read afresh
        return _refused(snapshot.campaign, exc, now)
    if not result.created:
        refusal_record(campaign=snapshot.campaign, reason=RefusalReason.REPLAY)
    return KioskOutcome(200, tracking_code=result.response.tracking_code or "")
