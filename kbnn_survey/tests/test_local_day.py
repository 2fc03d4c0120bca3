"""Every day, week and year the portal derives from a timestamp is the Vietnamese local date.

Each test runs at 00:30 on 1 January in Asia/Ho_Chi_Minh, when the UTC date is still the last
day of the previous year: code that took the UTC date would put the answer, the deadline, the
file name or the demo round on the wrong day (and in the wrong year).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dashboard.cube import responses_per_day
from fieldwork.services.mailing import invitations_remind
from reports.models import ReportRun, ReportStatus
from reports.services import download_name
from surveys.models import Campaign, Response
from surveys.rules import campaign_open_on
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NEW_YEAR = datetime.date(2027, 1, 1)
OLD_YEAR_END = datetime.date(2026, 12, 31)


@pytest.fixture
def half_past_midnight(clock):
    clock.move_to(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=LOCAL))
    now = timezone.now()
    assert now.astimezone(datetime.UTC).date() == OLD_YEAR_END  # the trap is set
    return now


def _post(client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    return client.post(url, answers_post(campaign))


def test_a_web_answer_is_dated_and_counted_on_the_local_day(db, client, half_past_midnight):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit], opens_on=NEW_YEAR, closes_on=NEW_YEAR)
    assert _post(client, campaign, unit).status_code == 302
    response = Response.objects.get(campaign=campaign)
    assert response.answered_on == NEW_YEAR
    assert responses_per_day(campaign=campaign) == [(NEW_YEAR, 1)]


def test_a_round_that_ended_yesterday_refuses_answers_after_local_midnight(
    db, client, half_past_midnight
):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign(
        [unit], opens_on=OLD_YEAR_END - datetime.timedelta(days=30), closes_on=OLD_YEAR_END
    )
    assert not campaign_open_on(campaign, timezone.localdate())
    _post(client, campaign, unit)
    assert not Response.objects.filter(campaign=campaign).exists()


def test_a_paper_form_dated_today_is_not_in_the_future(db, half_past_midnight):
    from surveys.rules import date_in_period

    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit], opens_on=OLD_YEAR_END, closes_on=NEW_YEAR)
    assert date_in_period(campaign, NEW_YEAR, timezone.localdate())
    assert not date_in_period(campaign, NEW_YEAR + datetime.timedelta(days=1), timezone.localdate())


def test_a_deadline_of_yesterday_is_overdue_after_local_midnight(db, clock):
    from followups.tests.helpers import open_followup

    clock.move_to(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=LOCAL))
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit], opens_on=OLD_YEAR_END, closes_on=NEW_YEAR)
    comment = factories.make_response(campaign, unit, comment="Chờ lâu quá.")
    followup = open_followup(campaign, unit, factories.survey_team(), [comment], OLD_YEAR_END)
    assert not followup.is_overdue
    clock.move_to(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=LOCAL))
    assert followup.is_overdue


def test_the_report_file_is_named_for_the_local_day(db, half_past_midnight):
    campaign = factories.make_campaign()
    run = ReportRun.objects.create(
        campaign=campaign, status=ReportStatus.DONE, finished_at=timezone.now()
    )
    assert "01-01-2027" in download_name(run)


@pytest.mark.parametrize(
    ("local_time", "reminded"),
    [
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=LOCAL), 1),  # the last day of the round
        (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=LOCAL), 0),  # the round is over
    ],
)
def test_reminders_stop_once_the_round_has_closed_in_local_time(
    db, clock, mailoutbox, local_time, reminded
):
    clock.move_to(local_time)
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign(
        [unit], opens_on=OLD_YEAR_END - datetime.timedelta(days=30), closes_on=OLD_YEAR_END
    )
    long_ago = timezone.now() - datetime.timedelta(days=20)
    factories.make_invitation(campaign, unit, send_status="sent", sent_at=long_ago)
    assert invitations_remind(now=timezone.now()).sent == reminded
    assert len(mailoutbox) == reminded


def test_the_demo_round_belongs_to_the_local_year(db, half_past_midnight):
    call_command("seed_demo", "--responses", "0")
    assert Campaign.objects.get(slug="demo").year == 2027
