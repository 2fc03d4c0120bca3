"""Paper-form rules shared by keying and file import: scores, dates, groups."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db.models import Q
from django.utils.translation import gettext as _

from surveys.models import Campaign, Question, RespondentGroup
from surveys.rules import (
    NOT_ANSWERED,
    AnswerInvalid,
    Reading,
    answer_read_paper,
    date_in_period,
    date_outside_period_message,
)
from surveys.services.response_submit import campaign_questions

__all__ = [
    "NOT_ANSWERED_KEYED",
    "answers_given",
    "campaign_questions",
    "date_parse",
    "group_find",
    "score_parse",
]

# A keyed form's stored answers (KeyedForm.answers, JSON) hold a score, null for no opinion,
# or this for "not answered" (a blank on paper), so that the two passes compare equal.
NOT_ANSWERED_KEYED = ""


def score_parse(question: Question, raw: object) -> tuple[Reading, str | None]:
    """The paper rule of surveys.rules: (score, None for no opinion or NOT_ANSWERED; error)."""
    try:
        return answer_read_paper(question, raw), None
    except AnswerInvalid as exc:
        return NOT_ANSWERED, exc.message


def answers_given(readings: Mapping[str, object]) -> dict[str, int | None]:
    """What response_submit takes: the answered questions (a keyed or read form may hold
    NOT_ANSWERED or its stored form, which are left out)."""
    return {
        code: value
        for code, value in readings.items()
        if value is not NOT_ANSWERED and value != NOT_ANSWERED_KEYED
    }


def date_parse(raw: object) -> datetime.date | None:
    """A date typed dd/mm/yyyy (or d/m/yy, or yyyy-mm-dd) or an Excel date cell."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw or "").strip()
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_check(campaign: Campaign, day: datetime.date | None, today: datetime.date) -> str | None:
    if day is None:
        return _("The date must be written dd/mm/yyyy.")
    if not date_in_period(campaign, day, today):
        return date_outside_period_message(campaign, day)
    return None


def group_find(raw: object, groups: list[RespondentGroup]) -> RespondentGroup | None:
    """A respondent group by code (`payer`) or by its Vietnamese or English name."""
    text = str(raw or "").strip().casefold()
    if not text:
        return None
    for group in groups:
        if text in {group.code.casefold(), group.name.casefold(), group.name_en.casefold()}:
            return group
    return None


def active_groups() -> list[RespondentGroup]:
    return list(RespondentGroup.objects.filter(Q(is_active=True)))
