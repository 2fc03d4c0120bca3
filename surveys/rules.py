"""The rules every channel shares, each written once with its message.

Reading an answer: one function per kind of input turns what a channel delivers into a score
(1..5), `None` ("không ý kiến", no opinion) or `NOT_ANSWERED`, or raises `AnswerInvalid` with
the message shown beside the question:

- web, QR code, invitation (e-mail or portal link) — `answer_read_web(values)`: the values a
  browser posted for the question's radio group. Nothing posted is "not answered"; exactly one
  of `1`..`5` is a score; the no-opinion token `na` is "no opinion" where the question offers
  it. Anything else (an empty value, `" 3"`, `3.0`, two values) is refused: a browser never
  sends it.
- paper keying and the paper-form sheet — `answer_read_paper(raw)`: a keyed digit or a
  spreadsheet cell. A blank (empty, spaces, empty cell) is "not answered" for every question,
  the overall one included (the respondent left it blank and cannot be asked again;
  DESIGN.md); `0` is "no opinion" where the question offers it; `1`..`5` (an Excel number such
  as 4.0 included, surrounding spaces ignored) is a score; anything else is refused.

"Not answered" and "no opinion" are both stored as a null score and left out of N; the
difference is that an online form must answer its required questions, while paper cannot be
asked again.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence

from django.utils.translation import gettext as _

from .models import SCORE_MAX, SCORE_MIN, Campaign, CampaignStatus, Invitation, Question

# Value of the "no opinion" radio on the web.
NO_OPINION_TOKEN = "na"
# On paper 0 stands for "không ý kiến".
PAPER_NO_OPINION = "0"
_WEB_SCORES = {str(value): value for value in range(SCORE_MIN, SCORE_MAX + 1)}


class Blank(enum.Enum):
    NOT_ANSWERED = "not answered"


NOT_ANSWERED = Blank.NOT_ANSWERED
Reading = int | None | Blank


class AnswerInvalid(ValueError):
    """What was given cannot be read as an answer; `message` goes beside the question."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def no_opinion_refused_message() -> str:
    return _("This question has no “no opinion”: choose a level from 1 to 5.")


def _no_opinion(question: Question) -> None:
    if not question.allow_no_opinion:
        raise AnswerInvalid(no_opinion_refused_message())
    return None


def answer_read_web(question: Question, values: Sequence[str]) -> Reading:
    """The values posted for one question (QueryDict.getlist) read by the web rule."""
    if not values:
        return NOT_ANSWERED
    if len(values) > 1:
        raise AnswerInvalid(_("Choose only one level for this question."))
    value = values[0]
    if value == NO_OPINION_TOKEN:
        return _no_opinion(question)
    if value not in _WEB_SCORES:
        raise AnswerInvalid(_("The answer must be a level from 1 to 5."))
    return _WEB_SCORES[value]


def answer_read_paper(question: Question, raw: object) -> Reading:
    """A keyed digit or a sheet cell read by the paper rule."""
    if raw is None:
        return NOT_ANSWERED
    if isinstance(raw, bool):
        raise AnswerInvalid(_paper_refusal(raw))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if text == "":
        return NOT_ANSWERED
    if text == PAPER_NO_OPINION:
        return _no_opinion(question)
    if text not in _WEB_SCORES:
        raise AnswerInvalid(_paper_refusal(text))
    return _WEB_SCORES[text]


def _paper_refusal(value: object) -> str:
    return _("The answer must be a level from 1 to 5, or 0 for no opinion, not “%(value)s”.") % {
        "value": value
    }


def answer_missing_message(question: Question) -> str | None:
    """Why an online form may not leave this question unanswered (None: it may)."""
    return _("Please answer this question.") if question.is_required else None


# --- the campaign, its period, invitations


def date_in_period(campaign: Campaign, day: datetime.date, today: datetime.date) -> bool:
    """Inside the survey period and not in the future."""
    return campaign.opens_on <= day <= min(campaign.closes_on, today)


def date_outside_period_message(campaign: Campaign, day: datetime.date) -> str:
    return _("The date %(day)s is outside the survey period (%(start)s – %(end)s).") % {
        "day": day.strftime("%d/%m/%Y"),
        "start": campaign.opens_on.strftime("%d/%m/%Y"),
        "end": campaign.closes_on.strftime("%d/%m/%Y"),
    }


def campaign_open_on(campaign: Campaign, day: datetime.date) -> bool:
    """Open and `day` inside its period, whatever the channel (the SQL twin is
    Campaign.objects.accepting(day))."""
    return campaign.status == CampaignStatus.OPEN and campaign.opens_on <= day <= campaign.closes_on


def campaign_open_for(campaign: Campaign, channel: str, day: datetime.date) -> bool:
    """Open, takes this channel, and `day` is inside its period. For paper, `day` is the date
    written on the form (keyed later, but answered while the round was open)."""
    return campaign.accepts_channel(channel) and campaign_open_on(campaign, day)


def campaign_closed_message() -> str:
    return _("This survey is not open.")


def channel_refused_message() -> str:
    return _("This survey does not accept answers on this channel.")


def invitation_problem(invitation: Invitation, now: datetime.datetime | None = None) -> str | None:
    """Why this invitation can no longer be answered (None: it can)."""
    if invitation.answered_on is not None:
        return _("This invitation has already been answered.")
    if invitation.is_expired(now):
        return _("This invitation has expired.")
    return None
