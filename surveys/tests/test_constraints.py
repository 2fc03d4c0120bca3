"""What must always hold is enforced by the database itself, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, connection, transaction

from surveys.models import Answer, Quota, Response, Unit
from surveys.tests import factories


def test_suite_uses_postgresql_when_services_are_required():
    from conftest import REQUIRE_SERVICES

    if REQUIRE_SERVICES:
        assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_database_refuses_a_score_of_6(campaign, unit):
    response = factories.make_response(campaign, unit)
    answer = response.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(score=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(score=0)
    answer.refresh_from_db()
    assert answer.score == 5


@pytest.mark.django_db
def test_database_refuses_two_answers_to_one_question(campaign, unit):
    response = factories.make_response(campaign, unit)
    question = campaign.questionnaire.questions.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, score=4)


@pytest.mark.django_db
def test_database_refuses_a_duplicate_unit_code(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code=unit.code, name="Trùng mã", kind="department")


@pytest.mark.django_db
def test_database_refuses_a_second_quota_for_one_unit_and_form(campaign, unit):
    Quota.objects.create(campaign=campaign, unit=unit, form="online", minimum=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(campaign=campaign, unit=unit, form="online", minimum=20)
    Quota.objects.create(campaign=campaign, unit=unit, form="direct", minimum=5)
    assert Quota.objects.filter(campaign=campaign, unit=unit).count() == 2


@pytest.mark.django_db
def test_database_refuses_a_reused_idempotency_key(campaign, unit):
    response = factories.make_response(campaign, unit, idempotency_key="0" * 32)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            campaign=campaign,
            unit=unit,
            respondent_group=response.respondent_group,
            channel="web",
            answered_on=response.answered_on,
            idempotency_key=response.idempotency_key,
        )


@pytest.mark.django_db
def test_database_refuses_an_unknown_channel_and_keyer_on_online_forms(campaign, unit):
    response = factories.make_response(campaign, unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(channel="fax")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(batch="LO-1")


@pytest.mark.django_db
def test_database_refuses_campaign_closing_before_it_opens(unit):
    import datetime

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_campaign(
            [unit], opens_on=datetime.date(2026, 5, 1), closes_on=datetime.date(2026, 4, 1)
        )
