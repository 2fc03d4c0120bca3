"""The one way a response is written: validate everything, then one transaction."""

from __future__ import annotations

import datetime
import functools
import secrets
import unicodedata
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import (
    SCORE_MAX,
    SCORE_MIN,
    Answer,
    Campaign,
    CampaignStatus,
    Channel,
    CommentTriage,
    Invitation,
    Question,
    RespondentGroup,
    Response,
    ResponseContact,
    Unit,
)
from surveys.rules import (
    NOT_ANSWERED,
    answer_missing_message,
    campaign_closed_message,
    campaign_open_for,
    channel_refused_message,
    date_in_period,
    date_outside_period_message,
    invitation_problem,
    no_opinion_refused_message,
)
from surveys.selectors import stored_response

COMMENT_MAX_LENGTH = 2000
# No 0/O/1/I/L: codes are read aloud and typed from paper.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_CODE_LENGTH = 10
NON_FIELD = "__all__"
CHANNELS = frozenset(Channel.values)  # the property builds a list on every read


class SubmissionError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {key: list(messages) for key, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class SubmissionResult:
    response: Response
    created: bool


@dataclass
class _Errors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.by_field.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise SubmissionError(self.by_field)


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def campaign_questions(campaign: Campaign) -> list[Question]:
    return list(
        campaign.questionnaire.questions.select_related("aspect").order_by("sort_order", "pk")
    )


def answers_check(
    questions: list[Question], answers: Mapping[str, object], *, channel: str
) -> tuple[dict[int, int | None], dict[str, list[str]]]:
    """Return (question id -> score, errors by question code or NON_FIELD), writing nothing.

    `answers` maps question codes to what `surveys.rules` read from the channel: 1..5, None
    (no opinion); a question left out, or given as NOT_ANSWERED, is not answered, which an
    online form may not do with a required question and paper always may (DESIGN.md).
    """
    errors = _Errors()
    cleaned = _check_answers(questions, answers, channel, errors)
    return cleaned, errors.by_field


def comment_errors(comment: str) -> list[str]:
    """Why a (stripped) comment cannot be stored; empty when it can. Shared with the survey
    form and with paper keying, which check it before their own writes."""
    errors = []
    if "\x00" in comment:  # PostgreSQL text cannot hold it (Django's forms refuse it too)
        errors.append(_("The comment contains a character that cannot be stored."))
    if len(comment) > COMMENT_MAX_LENGTH:
        errors.append(
            _("The comment is too long (%(length)d characters, at most %(max)d).")
            % {"length": len(comment), "max": COMMENT_MAX_LENGTH}
        )
    return errors


def _score_error(question: Question, value: object) -> str | None:
    if value is None:
        return None if question.allow_no_opinion else no_opinion_refused_message()
    if type(value) is not int or not SCORE_MIN <= value <= SCORE_MAX:
        return _("The answer must be a level from 1 to 5.")
    return None


def _check_answers(
    questions: list[Question], answers: Mapping[str, object], channel: str, errors: _Errors
) -> dict[int, int | None]:
    """Return question id -> score (None: no opinion or not answered), or record an error for
    each bad, unknown or missing answer."""
    by_code = {q.code: q for q in questions}
    for code in answers:
        if code not in by_code:
            errors.add(NON_FIELD, _("Unknown question code: %(code)s.") % {"code": code})
    cleaned: dict[int, int | None] = {}
    for question in questions:
        value = answers.get(question.code, NOT_ANSWERED)
        if value is NOT_ANSWERED:
            missing = None if channel == Channel.PAPER else answer_missing_message(question)
            if missing:
                errors.add(question.code, missing)
            cleaned[question.id] = None
        elif message := _score_error(question, value):
            errors.add(question.code, message)
        else:
            cleaned[question.id] = value
    return cleaned


def _replays_answered(submit):
    """A form already stored (a double click, a reload, a replayed POST) gives the response
    stored under its idempotency key, whatever has changed since (the invitation now used, the
    campaign closed): never a second one, never a refusal.

    The key is looked up only once the submission is refused (by a check, or by the unique
    constraint on the key), since most submissions are new. A caller without a savepoint
    cannot look after a failed INSERT (its transaction is broken), so it is looked up first.
    """

    @functools.wraps(submit)
    def wrapper(*, idempotency_key: uuid.UUID | str | None = None, savepoint: bool = True, **kw):
        if idempotency_key:
            try:
                idempotency_key = uuid.UUID(str(idempotency_key))
            except ValueError:
                message = _("The form is damaged; please reload the page.")
                raise SubmissionError({NON_FIELD: [message]}) from None
            if not savepoint and (existing := stored_response(idempotency_key)) is not None:
                return SubmissionResult(existing, created=False)
        try:
            return submit(idempotency_key=idempotency_key, savepoint=savepoint, **kw)
        except (SubmissionError, IntegrityError):
            if idempotency_key and savepoint and (existing := stored_response(idempotency_key)):
                return SubmissionResult(existing, created=False)
            raise

    return wrapper


def _check_invitation(
    invitation: Invitation, campaign: Campaign, now: datetime.datetime, errors: _Errors
) -> None:
    if invitation.campaign_id != campaign.pk:
        errors.add(NON_FIELD, _("This invitation belongs to another survey."))
    # A race past this check loses the claim in the response's transaction (invitation_claim).
    elif problem := invitation_problem(invitation, now):
        errors.add(NON_FIELD, problem)
    errors.raise_if_any()


def _check_campaign(
    campaign: Campaign,
    channel: str,
    answered_on: datetime.date | None,
    today: datetime.date,
    errors: _Errors,
) -> datetime.date:
    """The day the form was answered (paper: the date on it; otherwise today), if the campaign
    takes answers on this channel that day; raises SubmissionError otherwise."""
    answered_on = (answered_on or today) if channel == Channel.PAPER else today
    if channel not in CHANNELS or not campaign.accepts_channel(channel):
        errors.add(NON_FIELD, channel_refused_message())
    elif campaign.status != CampaignStatus.OPEN:
        errors.add(NON_FIELD, campaign_closed_message())
    elif channel == Channel.PAPER and not date_in_period(campaign, answered_on, today):
        errors.add("answered_on", date_outside_period_message(campaign, answered_on))
    elif not campaign_open_for(campaign, channel, answered_on):
        errors.add(NON_FIELD, campaign_closed_message())
    errors.raise_if_any()
    return answered_on


def _check_unit(
    campaign: Campaign,
    unit: Unit | None,
    answered_on: datetime.date,
    campaign_unit_ids: Collection[int] | None,
    errors: _Errors,
) -> None:
    if unit is None:
        errors.add("unit", _("Please choose the unit that served you."))
        return
    if campaign_unit_ids is None:
        campaign_unit_ids = set(campaign.units.values_list("pk", flat=True))
    if unit.pk not in campaign_unit_ids or not unit.is_valid_on(answered_on):
        errors.add("unit", _("This unit is not part of the survey."))


@_replays_answered
def response_submit(
    *,
    campaign: Campaign,
    unit: Unit | None,
    respondent_group: RespondentGroup | None,
    channel: str,
    answers: Mapping[str, object],
    comment: str = "",
    invitation: Invitation | None = None,
    idempotency_key: uuid.UUID | str | None = None,  # parsed by _replays_answered
    answered_on: datetime.date | None = None,
    keyed_by=None,
    batch: str = "",
    contact: Mapping[str, str] | None = None,
    now: datetime.datetime | None = None,
    questions: list[Question] | None = None,
    campaign_unit_ids: Collection[int] | None = None,
    savepoint: bool = True,
    duration_seconds: int | None = None,
    in_transaction: Callable[[Response], None] | None = None,
) -> SubmissionResult:
    """Validate and store one response, or raise SubmissionError having written nothing.

    `answers` maps question codes to 1..5 or None ("no opinion"), as `surveys.rules` reads
    them from the channel; a code left out is not answered (see `answers_check`). A known
    `idempotency_key` returns the response already stored instead of a second one.
    `questions` and `campaign_unit_ids` may pass the campaign's questions and unit ids already
    loaded (the survey view has them in its snapshot); they are read here otherwise.
    `savepoint=False` is for a caller that writes many responses in one transaction that fails
    as a whole (an import): each savepoint is a PostgreSQL subtransaction, and past 64 of them
    every visibility check slows down (2,000 forms: 54 s instead of 5.5 s).
    `in_transaction(response)`: the caller's own writes, run in the response's transaction once
    its rows are written (the kiosk's pace and link: one transaction, no savepoint); whatever it
    raises undoes the response too and reaches the caller.
    `duration_seconds`: the time to complete, as measured by the server (surveys.timing).
    """
    now = now or timezone.now()
    errors = _Errors()
    if invitation is not None:
        _check_invitation(invitation, campaign, now, errors)
        unit, channel = invitation.unit, invitation.source
        respondent_group = respondent_group or invitation.respondent_group
    answered_on = _check_campaign(campaign, channel, answered_on, timezone.localdate(now), errors)
    _check_unit(campaign, unit, answered_on, campaign_unit_ids, errors)
    if respondent_group is None or not respondent_group.is_active:
        errors.add("respondent_group", _("Please choose who you are."))
    comment = (comment or "").strip()
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in comment):
        comment = ""  # only invisible characters (U+200B…): no comment, no tracking code
    for message in comment_errors(comment):
        errors.add("comment", message)
    if questions is None or any(q.questionnaire_id != campaign.questionnaire_id for q in questions):
        questions = campaign_questions(campaign)
    scores = _check_answers(questions, answers, channel, errors)
    errors.raise_if_any()

    # A concurrent twin of the same form fails on the idempotency key's unique constraint;
    # _replays_answered then returns the twin's response.
    with transaction.atomic(savepoint=savepoint):
        if invitation is not None and not invitation_claim(invitation=invitation, now=now):
            raise SubmissionError({NON_FIELD: [_("This invitation has already been answered.")]})
        response = Response.objects.create(
            campaign=campaign,
            unit=unit,
            respondent_group=respondent_group,
            channel=channel,
            submitted_at=now,
            answered_on=answered_on,
            comment=comment,
            comment_triage=CommentTriage.NEW if comment else "",
            tracking_code=new_tracking_code() if comment else None,
            idempotency_key=idempotency_key or None,
            keyed_by=keyed_by if channel == Channel.PAPER else None,
            batch=batch if channel == Channel.PAPER else "",
            duration_seconds=duration_seconds,
        )
        Answer.objects.bulk_create(
            Answer(response=response, question_id=qid, score=score) for qid, score in scores.items()
        )
        if contact and any(contact.get(k) for k in ("name", "phone", "email")):
            ResponseContact.objects.create(
                response=response,
                name=contact.get("name", ""),
                phone=contact.get("phone", ""),
                email=contact.get("email", ""),
                purpose=contact.get("purpose", ""),
                consented_at=now,
            )
        if in_transaction is not None:
            in_transaction(response)
    return SubmissionResult(response, created=True)


def invitation_claim(*, invitation: Invitation, now: datetime.datetime) -> bool:
    """Mark the invitation answered today, if nobody has: True when this caller won it.

    Call inside the response's transaction. The conditional UPDATE locks the row: a concurrent
    claim waits for this transaction, then finds `answered_on` set and updates nothing. The
    conditions are on the invitation's own columns only (a join would become a subquery that
    PostgreSQL does not re-check after waiting). Only the day is stored, never which response.
    """
    claimed = (
        Invitation.objects.filter(pk=invitation.pk, answered_on__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .update(answered_on=timezone.localdate(now))
    )
    return claimed == 1
