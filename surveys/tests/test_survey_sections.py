"""The survey shows where the respondent is, sets "no opinion" apart from the scale, and
explains the required mark; the radio values stay 1..5 (public contract)."""

from __future__ import annotations

import re

from django.urls import reverse

from surveys.models import Aspect


def test_survey_shows_its_parts_the_required_mark_and_a_separate_no_opinion(client, campaign, unit):
    body = client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code])).content
    body = body.decode()
    aspects = Aspect.objects.filter(questionnaire=campaign.questionnaire).count()
    parts = aspects + 1  # the overall question has its own part
    for n in range(1, parts + 1):
        assert f"Phần {n}/{parts}" in body
        assert f'<progress class="survey-progress" value="{n}" max="{parts}"' in body
    assert "Câu có dấu * là bắt buộc." in body
    # "No opinion" is its own, separated option; the levels keep their values 1..5.
    na = re.findall(r'<div class="scale-option scale-na"><input[^>]*value="na"', body)
    offered = campaign.questionnaire.questions.filter(allow_no_opinion=True).count()
    assert len(na) == offered > 0
    values = set(re.findall(r'type="radio" name="q_[^"]+" id="[^"]+" value="([^"]+)"', body))
    assert values == {"1", "2", "3", "4", "5", "na"}
    assert 'class="card-body choice-rows"' in body  # the group radios are large rows too
