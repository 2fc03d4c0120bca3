"""Audited corrections: the original values, who, when and why are kept; the count tables stay
exact through them."""

from __future__ import annotations

import datetime

import pytest

from dashboard.tests.test_counts_exact import assert_exact
from surveys.models import Channel, ResponseCorrection
from surveys.services import SubmissionError
from surveys.services.corrections import corrected_count, response_correct
from surveys.tests import factories

AT = datetime.datetime(2026, 3, 12, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def paper(db):
    a, b = factories.make_unit("A1"), factories.make_unit("B1")
    campaign = factories.make_campaign([a, b])
    team = factories.survey_team()
    response = factories.make_response(
        campaign, a, channel=Channel.PAPER, keyed_by=team, batch="LO-1", score=4
    )
    return campaign, a, b, team, response


def test_a_correction_keeps_the_original_values_and_who_when_why(paper):
    campaign, a, b, team, response = paper
    correction = response_correct(
        response=response,
        user=team,
        reason="Nhập nhầm đơn vị và ô C3 trên phiếu giấy",
        unit=b,
        answers={"C3": 2, "C4": None},
        now=AT,
    )
    response.refresh_from_db()
    assert response.unit == b
    scores = dict(response.answers.values_list("question__code", "score"))
    assert (scores["C3"], scores["C4"], scores["C5"]) == (2, None, 4)
    assert correction.before["unit"] == "A1" and correction.before["answers"]["C3"] == 4
    assert correction.after["unit"] == "B1" and correction.after["answers"]["C4"] is None
    assert (correction.corrected_by, correction.corrected_at) == (team, AT)
    assert corrected_count(campaign=campaign) == 1


def test_a_bad_correction_writes_nothing(paper):
    campaign, a, b, team, response = paper
    other_unit = factories.make_unit("ZZ")
    with pytest.raises(SubmissionError) as err:
        response_correct(
            response=response, user=team, reason="", unit=other_unit, answers={"C1": 9}
        )
    assert {"reason", "unit", "C1"} <= set(err.value.errors)
    response.refresh_from_db()
    assert response.unit == a and not ResponseCorrection.objects.exists()
    assert set(response.answers.values_list("score", flat=True)) == {4}


def test_counts_stay_exact_through_corrections(postgres):
    a, b = factories.make_unit("A1"), factories.make_unit("B1")
    campaign = factories.make_campaign([a, b])
    team = factories.survey_team()
    responses = [factories.make_response(campaign, a, score=1 + i % 5) for i in range(6)]
    assert_exact(campaign)
    yesterday = campaign.opens_on + datetime.timedelta(days=1)
    response_correct(response=responses[0], user=team, reason="Sai đơn vị", unit=b)
    response_correct(
        response=responses[1],
        user=team,
        reason="Sai nhóm, ngày và điểm",
        respondent_group=factories.group("budget_user"),
        answered_on=yesterday,
        answers={"C1": 5, "CHUNG": 1},
    )
    assert_exact(campaign)
    assert corrected_count(campaign=campaign) == 2
