"""An answered questionnaire and an answered round's questionnaire never change, whoever tries:
the admin, the services, the ORM, `QuerySet.update()` or raw SQL (migration surveys/0005)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from surveys.admin import CampaignForm
from surveys.models import Aspect, Campaign, Question, Questionnaire
from surveys.services.campaigns import campaign_copy, frozen_refusal
from surveys.services.questionnaires import questionnaire_new_version
from surveys.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    """A round with one response, and version 2 of its questionnaire (unanswered)."""
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    factories.make_response(campaign, unit, score=4)
    return campaign, questionnaire_new_version(questionnaire=campaign.questionnaire)


def refused(action) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        action()
    return caught.value


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def raw_delete(sql: str, *params) -> None:
    """A raw DELETE as a transaction would commit it: SQLite checks its foreign keys only at
    commit (PostgreSQL's trigger refuses at once), so check them as the commit would."""
    raw(sql, *params)
    if connection.vendor == "sqlite":
        connection.check_constraints()


# --- The round's questionnaire --------------------------------------------------------------


def test_an_answered_round_keeps_its_questionnaire_from_the_orm_update_and_raw_sql(answered):
    campaign, v2 = answered
    original = campaign.questionnaire_id

    def orm_save():
        campaign.questionnaire = v2
        campaign.save()

    errors = [
        refused(orm_save),
        refused(lambda: Campaign.objects.filter(pk=campaign.pk).update(questionnaire=v2)),
        refused(
            lambda: raw(
                "UPDATE surveys_campaign SET questionnaire_id = %s WHERE id = %s",
                v2.pk,
                campaign.pk,
            )
        ),
    ]
    assert Campaign.objects.get(pk=campaign.pk).questionnaire_id == original
    for error in errors:
        assert "Hãy sao chép đợt khảo sát" in frozen_refusal(error)


def test_a_round_without_responses_may_switch_questionnaire(db):
    campaign = factories.make_campaign([factories.make_unit("KSC")])
    v2 = questionnaire_new_version(questionnaire=campaign.questionnaire)
    Campaign.objects.filter(pk=campaign.pk).update(questionnaire=v2)
    assert Campaign.objects.get(pk=campaign.pk).questionnaire_id == v2.pk


def test_other_fields_of_an_answered_round_still_save(answered):
    campaign, _v2 = answered
    campaign.name = "Đợt I (đã sửa tên)"
    campaign.save()
    assert Campaign.objects.get(pk=campaign.pk).name == "Đợt I (đã sửa tên)"


def test_the_admin_shows_an_answered_rounds_questionnaire_read_only(answered, admin_client):
    campaign, v2 = answered
    url = reverse("admin:surveys_campaign_change", args=[campaign.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="questionnaire"' not in page.content


def test_the_campaign_form_refuses_the_switch_beside_the_field(answered):
    """The form's own check, for a page opened before the first response arrived."""
    campaign, v2 = answered
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "year": campaign.year,
        "round": campaign.round,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "status": campaign.status,
        "questionnaire": v2.pk,
        "channels": campaign.channels,
        "units": [u.pk for u in campaign.units.all()],
    }
    form = CampaignForm(data, instance=campaign)
    assert not form.is_valid()
    assert "Hãy sao chép đợt khảo sát" in str(form.errors["questionnaire"])
    data["questionnaire"] = campaign.questionnaire_id
    assert CampaignForm(data, instance=Campaign.objects.get(pk=campaign.pk)).is_valid()


def test_copying_the_round_is_the_way_to_another_questionnaire(answered):
    campaign, v2 = answered
    quota = campaign.quotas.create(unit=campaign.units.get(), form="online", minimum=30)
    copy = campaign_copy(campaign=campaign)
    assert copy.status == "draft" and copy.year == campaign.year and copy.round == 2
    assert list(copy.units.all()) == list(campaign.units.all())
    assert list(copy.quotas.values_list("unit_id", "form", "minimum")) == [
        (quota.unit_id, "online", 30)
    ]
    copy.questionnaire = v2
    copy.save()  # nobody has answered the copy yet
    assert Campaign.objects.get(pk=copy.pk).questionnaire_id == v2.pk
    assert campaign_copy(campaign=campaign).round == 3  # a second copy takes the next round


# --- The questionnaire's questions, aspects and header ---------------------------------------

QUESTION_CHANGES = [
    ("code", "C1X"),
    ("text", "Một câu hỏi khác."),
    ("text_en", "Another question."),
    ("sort_order", 99),
    ("allow_no_opinion", False),
    ("is_required", False),
]


@pytest.mark.parametrize(("field", "value"), QUESTION_CHANGES)
def test_an_answered_question_cannot_change_by_any_route(answered, field, value):
    campaign, _v2 = answered
    question = campaign.questionnaire.questions.get(code="C1")
    before = Question.objects.filter(pk=question.pk).values().get()

    def orm_save():
        setattr(question, field, value)
        question.save()

    refused(orm_save)
    refused(lambda: Question.objects.filter(pk=question.pk).update(**{field: value}))
    refused(
        lambda: raw(f"UPDATE surveys_question SET {field} = %s WHERE id = %s", value, question.pk)
    )
    assert Question.objects.filter(pk=question.pk).values().get() == before


def test_an_answered_question_cannot_move_aspect_or_become_the_overall_one(answered):
    campaign, _v2 = answered
    questionnaire = campaign.questionnaire
    question = questionnaire.questions.get(code="C1")
    other = questionnaire.aspects.exclude(pk=question.aspect_id).first()
    refused(lambda: Question.objects.filter(pk=question.pk).update(aspect=other))
    refused(
        lambda: raw(
            "UPDATE surveys_question SET aspect_id = %s WHERE id = %s", other.pk, question.pk
        )
    )
    overall = questionnaire.questions.get(is_overall=True)
    refused(
        lambda: raw("UPDATE surveys_question SET is_overall = %s WHERE id = %s", False, overall.pk)
    )
    assert Question.objects.get(pk=question.pk).aspect_id == question.aspect_id


def test_an_answered_question_cannot_be_deleted(answered):
    campaign, _v2 = answered
    question = campaign.questionnaire.questions.get(code="C1")
    with pytest.raises(ProtectedError), transaction.atomic():
        question.delete()
    refused(lambda: raw_delete("DELETE FROM surveys_question WHERE id = %s", question.pk))
    assert Question.objects.filter(pk=question.pk).exists()


def test_no_question_or_aspect_is_added_to_an_answered_questionnaire(answered):
    campaign, _v2 = answered
    questionnaire = campaign.questionnaire
    aspect = questionnaire.aspects.first()
    refused(
        lambda: Question.objects.create(
            questionnaire=questionnaire, aspect=aspect, code="C99", text="Thêm câu hỏi."
        )
    )
    refused(lambda: Aspect.objects.create(questionnaire=questionnaire, name="Khía cạnh mới"))
    assert not questionnaire.questions.filter(code="C99").exists()


def test_an_answered_aspect_cannot_change_or_go(answered):
    campaign, _v2 = answered
    aspect = campaign.questionnaire.aspects.first()
    refused(lambda: Aspect.objects.filter(pk=aspect.pk).update(name="Tên khác"))
    refused(lambda: raw("UPDATE surveys_aspect SET sort_order = 42 WHERE id = %s", aspect.pk))
    refused(lambda: raw_delete("DELETE FROM surveys_aspect WHERE id = %s", aspect.pk))
    assert Aspect.objects.get(pk=aspect.pk).name == aspect.name


def test_an_answered_questionnaire_keeps_its_code_version_and_title(answered):
    campaign, _v2 = answered
    questionnaire = campaign.questionnaire
    refused(lambda: Questionnaire.objects.filter(pk=questionnaire.pk).update(title="Khác"))
    refused(
        lambda: raw("UPDATE surveys_questionnaire SET version = 7 WHERE id = %s", questionnaire.pk)
    )
    refused(lambda: raw_delete("DELETE FROM surveys_questionnaire WHERE id = %s", questionnaire.pk))
    assert Questionnaire.objects.get(pk=questionnaire.pk).title == questionnaire.title


def test_an_unanswered_version_stays_editable(answered):
    _campaign, v2 = answered
    question = v2.questions.get(code="C1")
    question.text = "Nội dung mới của câu C1."
    question.save()
    Aspect.objects.filter(questionnaire=v2).update(sort_order=5)
    Question.objects.create(
        questionnaire=v2, aspect=v2.aspects.first(), code="C11", text="Câu hỏi thêm."
    )
    assert v2.questions.get(code="C1").text == "Nội dung mới của câu C1."
    assert v2.questions.filter(code="C11").exists()


def test_the_refusals_read_in_vietnamese(answered):
    campaign, _v2 = answered
    question = campaign.questionnaire.questions.get(code="C1")
    error = refused(lambda: Question.objects.filter(pk=question.pk).update(text="x"))
    assert frozen_refusal(error) == (
        "Câu hỏi này đã có câu trả lời: không thể sửa hoặc xóa nữa. "
        "Hãy sao chép bộ câu hỏi thành phiên bản mới để sửa nội dung."
    )
    assert frozen_refusal(IntegrityError("duplicate key")) is None
