"""The framework's floor for bench/submit.py: the same rows inserted with no validation, no form
and no template, behind the same Django middleware, settings and gunicorn as the portal.

GET returns a bare page with the CSRF token and an idempotency key; POST writes one Response and
its Answers in one transaction and redirects to a bare thank-you page, like the real survey.
"""

from __future__ import annotations

import uuid
from functools import cache

from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils import timezone

from surveys.models import Answer, Campaign, Response


@cache
def _ids(slug: str) -> tuple[int, dict[str, int], dict[str, int]]:
    campaign = Campaign.objects.get(slug=slug)
    units = dict(campaign.units.values_list("code", "pk"))
    questions = dict(campaign.questionnaire.questions.values_list("code", "pk"))
    return campaign.pk, units, questions


def floor_form(request, slug: str, unit_code: str):
    if request.method == "POST":
        return _floor_submit(request, slug, unit_code)
    body = (
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        f'<input name="idempotency_key" value="{uuid.uuid4()}"></form>'
    )
    return HttpResponse(body)


def _floor_submit(request, slug: str, unit_code: str):
    campaign_id, units, questions = _ids(slug)
    now = timezone.now()
    comment = request.POST.get("comment", "")
    with transaction.atomic():
        response = Response.objects.create(
            campaign_id=campaign_id,
            unit_id=units[unit_code],
            respondent_group_id=int(request.POST["respondent_group"]),
            channel=request.POST.get("channel", "web"),
            submitted_at=now,
            answered_on=timezone.localdate(now),
            comment=comment,
            comment_triage="new" if comment else "",
            idempotency_key=request.POST["idempotency_key"],
        )
        Answer.objects.bulk_create(
            Answer(response=response, question_id=qid, score=_score(request.POST.get(f"q_{code}")))
            for code, qid in questions.items()
        )
    return HttpResponseRedirect(f"/floor/thanks/{response.idempotency_key}/")


def _score(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def floor_thanks(request, key):
    return HttpResponse("ok")


urlpatterns = [
    path("floor/s/<slug:slug>/<str:unit_code>/", floor_form),
    path("floor/thanks/<uuid:key>/", floor_thanks),
]
