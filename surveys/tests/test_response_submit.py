"""The service that writes responses: all or nothing, once."""

import datetime
import uuid

import pytest

from surveys.models import Answer, CampaignStatus, Response
from surveys.services import SubmissionError, response_submit
from surveys.tests import factories


def _counts():
    return Response.objects.count(), Answer.objects.count()


def submit(campaign, unit, **kwargs):
    params = {
        "campaign": campaign,
        "unit": unit,
        "respondent_group": factories.group(),
        "channel": "web",
        "answers": factories.all_answers(campaign, 4),
    }
    params.update(kwargs)
    return response_submit(**params)


@pytest.mark.django_db
def test_valid_submission_stores_every_answer(campaign, unit):
    result = submit(
        campaign, unit, answers=factories.all_answers(campaign, 4, C3=None), comment="  Tốt  "
    )
    assert result.created
    response = result.response
    assert response.answers.count() == 11
    assert response.answers.get(question__code="C3").score is None
    assert response.comment == "Tốt"
    assert response.tracking_code and len(response.tracking_code) == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", [{"C1": 6}, {"C1": 0}, {"C1": "5; drop"}, {"C1": 4.5}, {"C99": 3}, {"CHUNG": None}]
)
def test_bad_answers_store_nothing(campaign, unit, bad):
    before = _counts()
    with pytest.raises(SubmissionError) as err:
        submit(campaign, unit, answers=factories.all_answers(campaign, 5, **bad))
    assert err.value.errors
    assert _counts() == before


@pytest.mark.django_db
def test_missing_answer_is_refused_beside_its_question(campaign, unit):
    answers = factories.all_answers(campaign, 5)
    del answers["C7"]
    with pytest.raises(SubmissionError) as err:
        submit(campaign, unit, answers=answers)
    assert list(err.value.errors) == ["C7"]
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_same_idempotency_key_returns_the_first_response(campaign, unit):
    key = uuid.uuid4()
    first = submit(campaign, unit, idempotency_key=key)
    again = submit(campaign, unit, idempotency_key=str(key))
    assert first.created and not again.created
    assert again.response.pk == first.response.pk
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_closed_campaign_and_foreign_unit_are_refused(campaign, unit):
    other = factories.make_unit("XX")
    with pytest.raises(SubmissionError) as err:
        submit(campaign, other)
    assert "unit" in err.value.errors
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    with pytest.raises(SubmissionError):
        submit(campaign, unit)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_unit_no_longer_valid_is_refused(campaign, unit):
    unit.valid_to = datetime.date.today() - datetime.timedelta(days=1)
    unit.save()
    with pytest.raises(SubmissionError):
        submit(campaign, unit)


@pytest.mark.django_db
def test_oversized_comment_is_refused(campaign, unit):
    with pytest.raises(SubmissionError) as err:
        submit(campaign, unit, comment="x" * 2001)
    assert "comment" in err.value.errors


@pytest.mark.django_db
def test_comment_with_a_nul_character_is_refused(campaign, unit):
    # PostgreSQL text cannot hold NUL: refused with a message, not a database error.
    with pytest.raises(SubmissionError) as err:
        submit(campaign, unit, comment="Góp ý\x00")
    assert "comment" in err.value.errors
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_invitation_answers_once_and_sets_channel(campaign, unit):
    invitation = factories.make_invitation(campaign, unit, source="portal", email="")
    result = submit(campaign, None, respondent_group=None, invitation=invitation)
    assert result.response.channel == "portal"
    assert result.response.unit == unit
    invitation.refresh_from_db()
    assert invitation.answered_on == result.response.answered_on
    with pytest.raises(SubmissionError):
        submit(campaign, None, respondent_group=None, invitation=invitation)
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_invitation_of_another_campaign_is_refused(campaign, unit):
    other = factories.make_campaign([unit])
    invitation = factories.make_invitation(other, unit)
    with pytest.raises(SubmissionError):
        submit(campaign, unit, invitation=invitation)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_paper_form_keeps_its_date_and_keyer(campaign, unit):
    keyer = factories.survey_team()
    day = campaign.opens_on
    result = submit(campaign, unit, channel="paper", answered_on=day, keyed_by=keyer, batch="LO-07")
    assert (result.response.answered_on, result.response.keyed_by, result.response.batch) == (
        day,
        keyer,
        "LO-07",
    )
    with pytest.raises(SubmissionError) as err:
        submit(
            campaign,
            unit,
            channel="paper",
            answered_on=campaign.opens_on - datetime.timedelta(days=1),
            keyed_by=keyer,
        )
    assert "answered_on" in err.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200c\u2060 \ufeff", "\u00a0\u3000"])
def test_a_comment_of_invisible_characters_is_no_comment(campaign, unit, invisible):
    response = submit(campaign, unit, comment=invisible).response
    assert (response.comment, response.tracking_code, response.comment_triage) == ("", None, "")
