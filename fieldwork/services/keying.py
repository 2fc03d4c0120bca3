"""Keying paper forms, once or twice, and settling the differences between two passes."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Campaign, Channel, RespondentGroup, Unit
from surveys.rules import NOT_ANSWERED
from surveys.services import SubmissionError, comment_errors, response_submit

from ..models import FormSettlement, KeyedForm, KeyingBatch
from .paper import NOT_ANSWERED_KEYED, answers_given, campaign_questions, date_check, score_parse

COMMENT_FIELD = "comment"
DATE_FIELD = "answered_on"


class KeyingError(Exception):
    """Raised with every problem found (field -> messages); nothing has been written."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {key: list(messages) for key, messages in errors.items()}
        super().__init__("; ".join(" ".join(v) for v in self.errors.values()))


def _fail(message: str, key: str = "__all__"):
    raise KeyingError({key: [message]})


def batch_create(
    *,
    campaign: Campaign,
    unit: Unit,
    respondent_group: RespondentGroup,
    code: str,
    user: AbstractBaseUser,
) -> KeyingBatch:
    """Open a batch, or return the one with this code when it was opened for the same slice."""
    code = code.strip()
    if not code:
        _fail(_("Please give the batch number."), "code")
    if not campaign.accepts_channel(Channel.PAPER):
        _fail(_("This survey does not accept paper forms."), "campaign")
    if not campaign.units.filter(pk=unit.pk).exists():
        _fail(_("This unit is not part of the survey."), "unit")
    batch, created = KeyingBatch.objects.get_or_create(
        campaign=campaign,
        code=code,
        defaults={
            "unit": unit,
            "respondent_group": respondent_group,
            "double_entry": campaign.double_entry,
        },
    )
    if not created and (batch.unit_id, batch.respondent_group_id) != (
        unit.pk,
        respondent_group.pk,
    ):
        _fail(
            _("Batch %(code)s already exists for %(unit)s / %(group)s.")
            % {"code": code, "unit": batch.unit, "group": batch.respondent_group},
            "code",
        )
    return batch


def batch_pass_for(batch: KeyingBatch, user: AbstractBaseUser) -> int:
    """The pass this operator keys (1 or 2). Claims a free pass with a conditional update."""
    if not batch.double_entry:
        return 1
    if batch.first_operator_id == user.pk:
        return 1
    if batch.second_operator_id == user.pk:
        return 2
    # Two operators may open the batch at once: the UPDATE ... WHERE operator IS NULL lets
    # exactly one of them take each pass.
    if KeyingBatch.objects.filter(pk=batch.pk, first_operator__isnull=True).update(
        first_operator=user
    ):
        batch.first_operator = user
        return 1
    if (
        KeyingBatch.objects.filter(pk=batch.pk, second_operator__isnull=True)
        .exclude(first_operator=user)
        .update(second_operator=user)
    ):
        batch.second_operator = user
        return 2
    batch.refresh_from_db()
    if user.pk in (batch.first_operator_id, batch.second_operator_id):
        return 1 if batch.first_operator_id == user.pk else 2
    _fail(_("Two operators are already keying this batch."))
    raise AssertionError  # unreachable


@dataclass(frozen=True)
class KeyedResult:
    form: KeyedForm
    settled: bool


def form_clean(
    *, batch: KeyingBatch, answers: Mapping[str, object], comment: str, answered_on: object
) -> tuple[dict[str, int | str | None], str, datetime.date]:
    """Check one form as typed; raise KeyingError with every problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int | str | None] = {}
    for question in campaign_questions(batch.campaign):
        score, error = score_parse(question, answers.get(question.code))
        if error:
            errors.setdefault(question.code, []).append(error)
        cleaned[question.code] = NOT_ANSWERED_KEYED if score is NOT_ANSWERED else score
    day = answered_on if isinstance(answered_on, datetime.date) else None
    error = date_check(batch.campaign, day, timezone.localdate())
    if error:
        errors.setdefault(DATE_FIELD, []).append(error)
    comment = (comment or "").strip()
    if problems := comment_errors(comment):  # before a double-entry form is stored
        errors.setdefault(COMMENT_FIELD, []).extend(problems)
    if errors:
        raise KeyingError(errors)
    return cleaned, comment, day


def paper_form_key(
    *,
    batch: KeyingBatch,
    user: AbstractBaseUser,
    answers: Mapping[str, object],
    comment: str = "",
    answered_on: datetime.date | None,
) -> KeyedResult:
    """Store the next form of this operator's pass; settle it when it can count already.

    Single entry: the form becomes a response at once. Double entry: when the other pass
    already holds the same form number with the same content, both agree and it counts.
    """
    cleaned, comment, day = form_clean(
        batch=batch, answers=answers, comment=comment, answered_on=answered_on
    )
    pass_no = batch_pass_for(batch, user)
    try:
        with transaction.atomic():
            # Serialise form numbers within the batch.
            KeyingBatch.objects.select_for_update().filter(pk=batch.pk).first()
            last = batch.forms.filter(pass_no=pass_no).aggregate(m=Max("seq"))["m"] or 0
            form = KeyedForm.objects.create(
                batch=batch,
                pass_no=pass_no,
                seq=last + 1,
                keyed_by=user,
                answered_on=day,
                answers=cleaned,
                comment=comment,
            )
            settled = _settle_if_agreed(batch, form)
    except SubmissionError as exc:
        raise KeyingError(exc.errors) from exc
    except IntegrityError:
        _fail(_("This form was keyed at the same moment elsewhere; please try again."))
    return KeyedResult(form, settled)


def keyed_form_undo_last(*, batch: KeyingBatch, user: AbstractBaseUser) -> int:
    """Double entry: take back this operator's last form (a skipped or mistyped one) while it
    does not count yet. Single-entry forms are responses at once and stay, like all responses."""
    if not batch.double_entry:
        _fail(_("With single entry a saved form is already a response and cannot be taken back."))
    with transaction.atomic():
        KeyingBatch.objects.select_for_update().filter(pk=batch.pk).first()
        last = batch.forms.filter(keyed_by=user).order_by("-seq").first()
        if last is None:
            _fail(_("You have not keyed any form in this batch."))
        if batch.settlements.filter(seq=last.seq).exists():
            _fail(_("Form %(seq)s already counts and cannot be taken back.") % {"seq": last.seq})
        last.delete()
    return last.seq


def _settle_if_agreed(batch: KeyingBatch, form: KeyedForm) -> bool:
    if not batch.double_entry:
        _response_create(batch, form.seq, form, keyed_by=form.keyed_by)
        return True
    other = batch.forms.filter(seq=form.seq).exclude(pass_no=form.pass_no).first()
    if other is None or other.content() != form.content():
        return False
    first = form if form.pass_no == 1 else other
    _response_create(batch, form.seq, first, keyed_by=first.keyed_by)
    return True


def _response_create(
    batch: KeyingBatch,
    seq: int,
    content: KeyedForm,
    *,
    keyed_by: AbstractBaseUser,
    settled_by: AbstractBaseUser | None = None,
) -> FormSettlement:
    result = response_submit(
        campaign=batch.campaign,
        unit=batch.unit,
        respondent_group=batch.respondent_group,
        channel=Channel.PAPER,
        answers=answers_given(content.answers),
        comment=content.comment,
        answered_on=content.answered_on,
        keyed_by=keyed_by,
        batch=batch.code,
    )
    return FormSettlement.objects.create(
        batch=batch,
        seq=seq,
        response=result.response,
        settled_by=settled_by,
        had_differences=settled_by is not None,
    )


@dataclass(frozen=True)
class Difference:
    field: str
    first: object
    second: object


@dataclass(frozen=True)
class FormPair:
    seq: int
    first: KeyedForm | None
    second: KeyedForm | None
    differences: list[Difference]


def batch_pairs_unsettled(batch: KeyingBatch) -> list[FormPair]:
    """Forms of a double-entry batch not yet counted, side by side with their differences."""
    settled = set(batch.settlements.values_list("seq", flat=True))
    by_seq: dict[int, dict[int, KeyedForm]] = {}
    for form in batch.forms.exclude(seq__in=settled).order_by("seq", "pass_no"):
        by_seq.setdefault(form.seq, {})[form.pass_no] = form
    pairs = []
    for seq, passes in sorted(by_seq.items()):
        first, second = passes.get(1), passes.get(2)
        differences = []
        if first and second:
            a, b = first.content(), second.content()
            differences = [Difference(k, a.get(k), b.get(k)) for k in a if a.get(k) != b.get(k)]
        pairs.append(FormPair(seq, first, second, differences))
    return pairs


def form_settle(
    *,
    batch: KeyingBatch,
    seq: int,
    user: AbstractBaseUser,
    choices: Mapping[str, int],
) -> FormSettlement:
    """A third person settles a form whose passes differ: `choices` says, for every field
    that differs, which pass (1 or 2) holds what is on paper."""
    if user.pk in (batch.first_operator_id, batch.second_operator_id):
        _fail(_("A form must be settled by someone who did not key the batch."))
    pair = next((p for p in batch_pairs_unsettled(batch) if p.seq == seq), None)
    if pair is None or pair.first is None or pair.second is None:
        _fail(_("Form %(seq)s is not keyed twice yet or is already settled.") % {"seq": seq})
    errors: dict[str, list[str]] = {}
    merged = pair.first.content()
    for diff in pair.differences:
        choice = choices.get(diff.field)
        if choice not in (1, 2):
            errors.setdefault(diff.field, []).append(_("Choose which pass is right."))
            continue
        merged[diff.field] = diff.first if choice == 1 else diff.second
    if errors:
        raise KeyingError(errors)
    content = KeyedForm(
        answered_on=merged.pop(DATE_FIELD),
        comment=merged.pop(COMMENT_FIELD),
        answers=merged,
    )
    try:
        with transaction.atomic():
            return _response_create(
                batch, seq, content, keyed_by=pair.first.keyed_by, settled_by=user
            )
    except SubmissionError as exc:
        raise KeyingError(exc.errors) from exc
    except IntegrityError:
        _fail(_("Form %(seq)s was settled at the same moment by someone else.") % {"seq": seq})
        raise
