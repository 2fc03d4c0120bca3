"""Paper-form rules shared by keying and file import: scores, dates, groups."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from surveys.models import SCORE_MAX, SCORE_MIN, Campaign, Question, RespondentGroup
from surveys.services.response_submit import campaign_questions

__all__ = [
    "NO_OPINION",
    "campaign_questions",
    "date_parse",
    "group_find",
    "score_parse",
]

# On the keying page 0 (or an empty box) stands for "không ý kiến" (no opinion).
NO_OPINION = 0


def score_parse(question: Question, raw: object) -> tuple[int | None, str | None]:
    """(score or None for no opinion, error message or None)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == NO_OPINION:
        if not question.allow_no_opinion:
            return None, _("%(code)s must be a level from 1 to 5.") % {"code": question.code}
        return None, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if text == "0" and question.allow_no_opinion:
        return None, None
    if not text.isdigit() or not SCORE_MIN <= int(text) <= SCORE_MAX:
        return None, _("%(code)s must be a level from 1 to 5, not “%(value)s”.") % {
            "code": question.code,
            "value": text,
        }
    return int(text), None


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
    if not campaign.opens_on <= day <= min(campaign.closes_on, today):
        return _("The date %(day)s is outside the survey period (%(start)s – %(end)s).") % {
            "day": day.strftime("%d/%m/%Y"),
            "start": campaign.opens_on.strftime("%d/%m/%Y"),
            "end": campaign.closes_on.strftime("%d/%m/%Y"),
        }
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
