"""Audited correction of a stored response: the survey team fixes a keying error or a unit
chosen wrongly; the original values, who, when and why are kept (ResponseCorrection).

The dashboard's count tables follow by their triggers (the update of a response or an answer is
counted like any other write), so they stay exact.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import (
    SCORE_MAX,
    SCORE_MIN,
    Answer,
    RespondentGroup,
    Response,
    ResponseCorrection,
    Unit,
)

from .response_submit import NON_FIELD, SubmissionError


def _snapshot(response: Response) -> dict:
    answers = dict(response.answers.values_list("question__code", "score"))
    return {
        "unit": response.unit.code,
        "respondent_group": response.respondent_group.code,
        "answered_on": response.answered_on.isoformat(),
        "answers": dict(sorted(answers.items())),
    }


@transaction.atomic
def response_correct(
    *,
    response: Response,
    user,
    reason: str,
    unit: Unit | None = None,
    respondent_group: RespondentGroup | None = None,
    answered_on: datetime.date | None = None,
    answers: Mapping[str, int | None] | None = None,
    now: datetime.datetime | None = None,
) -> ResponseCorrection:
    """Change what is given (the rest stays), keeping the values before; SubmissionError with
    every problem when the correction cannot be made (nothing is written then)."""
    response = (
        Response.objects.select_for_update()
        .select_related("campaign", "unit", "respondent_group")
        .get(pk=response.pk)
    )
    stored = {a.question.code: a for a in response.answers.select_related("question")}
    reason = (reason or "").strip()
    errors = _correction_errors(
        response, reason=reason, unit=unit, answered_on=answered_on, answers=answers
    )
    _answer_errors(response, stored, answers or {}, errors)
    if not (unit or respondent_group or answered_on or answers):
        errors.setdefault(NON_FIELD, []).append(_("Nothing to correct."))
    if errors:
        raise SubmissionError(errors)

    before = _snapshot(response)
    changes = {}
    if unit is not None:
        changes["unit"] = unit
    if respondent_group is not None:
        changes["respondent_group"] = respondent_group
    if answered_on is not None:
        changes["answered_on"] = answered_on
    if changes:
        Response.objects.filter(pk=response.pk).update(**changes)
    for code, score in (answers or {}).items():
        if stored[code].score != score:
            Answer.objects.filter(pk=stored[code].pk).update(score=score)
    response.refresh_from_db()
    return ResponseCorrection.objects.create(
        response=response,
        corrected_by=user,
        corrected_at=now or timezone.now(),
        reason=reason,
        before=before,
        after=_snapshot(response),
    )


def _correction_errors(response, *, reason, unit, answered_on, answers) -> dict[str, list[str]]:
    campaign = response.campaign
    errors: dict[str, list[str]] = {}
    if not reason or "\x00" in reason:
        errors.setdefault("reason", []).append(_("Say why the response is corrected."))
    if unit is not None and not campaign.units.filter(pk=unit.pk).exists():
        errors.setdefault("unit", []).append(_("This unit is not part of the survey."))
    if answered_on is not None and not campaign.opens_on <= answered_on <= campaign.closes_on:
        errors.setdefault("answered_on", []).append(
            _("The date must fall within the survey period.")
        )
    return errors


def _answer_errors(response, stored, answers, errors) -> None:
    for code, score in answers.items():
        if code not in stored:
            errors.setdefault(code, []).append(_("No such question in this response."))
        elif score is None:
            if not stored[code].question.allow_no_opinion and response.channel != "paper":
                errors.setdefault(code, []).append(_("Please choose a level from 1 to 5."))
        elif not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors.setdefault(code, []).append(_("The answer must be a level from 1 to 5."))


def corrected_count(*, campaign) -> int:
    """How many of a campaign's responses were corrected at least once (for Tổng hợp)."""
    return (
        ResponseCorrection.objects.filter(response__campaign=campaign)
        .values("response")
        .distinct()
        .count()
    )
