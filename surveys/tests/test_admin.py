import pytest
from django.urls import reverse

from surveys.models import Aspect, Question, Questionnaire
from surveys.services.questionnaires import questionnaire_new_version
from surveys.tests import factories

CHANGELISTS = [
    "unit",
    "respondentgroup",
    "campaign",
    "questionnaire",
    "response",
    "invitation",
    "refusalcount",
    "followups.followup",
]


@pytest.fixture
def team_client(client, db):
    client.force_login(factories.survey_team())
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", CHANGELISTS)
def test_survey_team_opens_every_admin_list(team_client, campaign, unit, model):
    factories.make_response(campaign, unit, comment="Tốt")
    app, model = model.split(".") if "." in model else ("surveys", model)
    reply = team_client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert reply.status_code == 200


@pytest.mark.django_db
def test_response_list_queries_do_not_grow_with_rows(
    team_client, campaign, unit, django_assert_max_num_queries
):
    url = reverse("admin:surveys_response_changelist")
    factories.make_response(campaign, unit)
    with django_assert_max_num_queries(40) as few:
        team_client.get(url)
    for _ in range(25):
        factories.make_response(campaign, unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reply = team_client.get(url)
    assert reply.status_code == 200


@pytest.mark.django_db
def test_response_detail_shows_answers_read_only(team_client, campaign, unit):
    response = factories.make_response(campaign, unit, score=4)
    reply = team_client.get(reverse("admin:surveys_response_change", args=[response.pk]))
    assert reply.status_code == 200
    assert "C10" in reply.content.decode()
    reply = team_client.post(
        reverse("admin:surveys_response_change", args=[response.pk]), {"comment": "sửa"}
    )
    assert reply.status_code == 403
    response.refresh_from_db()
    assert response.comment == ""


@pytest.mark.django_db
def test_answered_questionnaire_is_frozen_in_admin(team_client, campaign, unit):
    questionnaire = campaign.questionnaire
    url = reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk])
    assert not questionnaire.is_frozen
    factories.make_response(campaign, unit)
    assert questionnaire.is_frozen
    page = team_client.get(url).content.decode()
    assert 'name="title"' not in page  # read-only now
    team_client.post(url, {"code": "x", "version": 9, "title": "Đổi tên"})
    questionnaire.refresh_from_db()
    assert questionnaire.title != "Đổi tên"


@pytest.mark.django_db
def test_new_version_copies_aspects_and_questions(campaign):
    old = campaign.questionnaire
    new = questionnaire_new_version(questionnaire=old)
    assert new.version == old.version + 1
    assert Aspect.objects.filter(questionnaire=new).count() == old.aspects.count()
    assert list(new.questions.values_list("code", flat=True)) == list(
        old.questions.values_list("code", flat=True)
    )
    assert Question.objects.get(questionnaire=new, code="C5").aspect.questionnaire == new
    assert Questionnaire.objects.filter(code=old.code).count() == 2


@pytest.mark.django_db
def test_leadership_sees_but_cannot_change_campaigns(client, campaign):
    client.force_login(factories.leadership())
    assert client.get(reverse("admin:surveys_campaign_changelist")).status_code == 200
    url = reverse("admin:surveys_campaign_change", args=[campaign.pk])
    client.post(url, {"name": "Đổi"})
    campaign.refresh_from_db()
    assert campaign.name != "Đổi"
    assert client.get(reverse("admin:surveys_campaign_add")).status_code == 403


@pytest.mark.django_db
def test_survey_team_creates_a_campaign_with_quotas(team_client, unit):
    from surveys.defaults import default_questionnaire_ensure

    questionnaire = default_questionnaire_ensure()
    reply = team_client.post(
        reverse("admin:surveys_campaign_add"),
        {
            "name": "Đợt I năm 2031",
            "slug": "dot-1-2031",
            "root": unit.parent_id,  # required of anyone but a superuser (surveys.scope)
            "year": 2031,
            "round": 1,
            "opens_on": "2031-03-01",
            "closes_on": "2031-06-30",
            "status": "draft",
            "questionnaire": questionnaire.pk,
            "channels": ["web", "qr", "paper"],
            "units": [unit.pk],
            "quotas-TOTAL_FORMS": 1,
            "quotas-INITIAL_FORMS": 0,
            "quotas-0-unit": unit.pk,
            "quotas-0-form": "online",
            "quotas-0-minimum": 150,
        },
    )
    assert reply.status_code == 302, reply.content.decode()[:2000]
    from surveys.models import Campaign

    created = Campaign.objects.get(slug="dot-1-2031")
    assert created.channels == ["web", "qr", "paper"]
    assert created.quotas.get().minimum == 150
