"""Helpers for the survey page tests: what a browser would post, and counts to compare."""

from __future__ import annotations

import re
import uuid

from surveys.models import Answer, Campaign, RefusalCount, Response, ResponseContact
from surveys.tests import factories

KEY_RE = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


def page_key(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = KEY_RE.search(text)
    assert match, "the form carries no idempotency key"
    return match.group(1)


def answers_post(campaign: Campaign, score: str = "5", *, group: str | None = "payer", **extra):
    """A complete, valid POST body; `extra` overrides or adds fields (q_C1="6", website=...)."""
    data = {"idempotency_key": str(uuid.uuid4()), "comment": ""}
    if group:
        data["respondent_group"] = str(factories.group(group).pk)
    for code in campaign.questionnaire.questions.values_list("code", flat=True):
        data[f"q_{code}"] = score
    for key, value in extra.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def counts() -> tuple[int, int, int]:
    return Response.objects.count(), Answer.objects.count(), ResponseContact.objects.count()


def refusals(reason: str) -> int:
    return sum(RefusalCount.objects.filter(reason=reason).values_list("count", flat=True))
