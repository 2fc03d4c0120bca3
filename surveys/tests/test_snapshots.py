"""Campaign snapshots: kept per process, dropped the moment anything they are made of changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from surveys import snapshots
from surveys.models import Campaign, CampaignStatus, Question, RespondentGroup, Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post, counts


def _tracked_tables() -> set[str]:
    """Every table snapshots._read reads, from the models themselves."""
    return {
        Campaign._meta.db_table,
        Campaign.units.through._meta.db_table,
        Campaign._meta.get_field("units").related_model._meta.db_table,
        RespondentGroup._meta.db_table,
        Campaign._meta.get_field("questionnaire").related_model._meta.db_table,
        Question._meta.get_field("aspect").related_model._meta.db_table,
        Question._meta.db_table,
    }


def test_every_table_a_snapshot_reads_changes_the_stamp(postgres):
    with postgres.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s",
            ["%_config_stamp"],
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == _tracked_tables()


@pytest.mark.parametrize("table", sorted(_tracked_tables()))
def test_any_write_to_a_tracked_table_changes_the_token(postgres, campaign, table):
    before = snapshots.config_token()
    assert before
    with postgres.cursor() as cursor:
        # A no-op UPDATE still counts: the trigger is per statement, not per changed value.
        cursor.execute(f"UPDATE {table} SET id = id WHERE false")
    assert snapshots.config_token() not in (None, before)


def test_snapshot_is_reused_until_the_token_changes(postgres, campaign):
    factories.group("payer")
    first = snapshots.campaign_snapshot(campaign.slug)
    assert snapshots.campaign_snapshot(campaign.slug) is first
    RespondentGroup.objects.filter(code="payer").update(name="Người nộp thuế")
    fresh = snapshots.campaign_snapshot(campaign.slug)
    assert fresh is not first
    assert "Người nộp thuế" in [g.name for g in fresh.groups]


def test_snapshots_are_kept_only_where_triggers_keep_them_current(db, campaign):
    kept = connection.vendor == "postgresql"
    assert (snapshots.config_token() is not None) is kept
    first = snapshots.campaign_snapshot(campaign.slug)
    assert (snapshots.campaign_snapshot(campaign.slug) is first) is kept


def test_unknown_campaign_has_no_snapshot(db):
    assert snapshots.campaign_snapshot("khong-co") is None


def test_survey_page_costs_one_query_once_read(
    postgres, client, campaign, unit, django_assert_num_queries
):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(1):  # the token
        page = client.get(url)
    assert page.status_code == 200 and unit.name in page.content.decode()


def test_an_edit_shows_on_the_next_request(postgres, client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert "Phòng Kiểm soát chi" in client.get(url).content.decode()
    # Raw SQL, as from a shell: the trigger sees it all the same.
    with postgres.cursor() as cursor:
        cursor.execute("UPDATE surveys_unit SET name = %s WHERE id = %s", ["KSC mới", unit.pk])
    assert "KSC mới" in client.get(url).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    assert client.get(url).status_code == 410


def test_a_closed_campaign_refuses_a_post_read_with_an_old_snapshot(
    postgres, client, campaign, unit
):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200  # the snapshot is now kept
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    before = counts()
    assert client.post(url, answers_post(campaign)).status_code == 410
    assert counts() == before


def test_a_group_deactivated_since_the_page_was_read_is_refused(postgres, client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200
    payer = factories.group("payer")
    RespondentGroup.objects.filter(pk=payer.pk).update(is_active=False)
    reply = client.post(url, answers_post(campaign, respondent_group=payer.pk))
    assert reply.status_code == 200 and not Response.objects.exists()
    assert "Quý khách là" in reply.content.decode()


def test_a_unit_removed_from_the_campaign_is_refused(postgres, client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200
    campaign.units.remove(unit)
    assert client.post(url, answers_post(campaign)).status_code == 404
    assert not Response.objects.exists()


def test_a_page_may_use_a_snapshot_confirmed_a_moment_ago_but_a_post_never(
    postgres, client, campaign, unit, settings, django_assert_num_queries
):
    settings.SURVEY_PAGE_RECHECK_SECONDS = 60
    snapshots.snapshots_forget()  # earlier tests' campaigns had the same slug
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200  # the page, as it was a moment ago
    before = counts()
    assert client.post(url, answers_post(campaign)).status_code == 410
    assert counts() == before
    assert client.get(url).status_code == 410  # the POST confirmed the change
