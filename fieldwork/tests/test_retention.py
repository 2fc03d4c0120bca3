"""Personal data is erased once its purpose is served; opt-outs survive as keyed hashes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse

from fieldwork.models import OptOut
from fieldwork.services import mailing, retention
from fieldwork.tasks import personal_data_erase
from followups.models import FollowUp, FollowUpStatus
from surveys.models import Invitation, ResponseContact
from surveys.tests import factories

from .conftest import xlsx

CONTACT = {"name": "Trần Thị B", "phone": "0905 000 111", "purpose": "follow-up"}
ROUND_CLOSED = datetime.date(2026, 3, 31)


def _campaign(units, **kw):
    return factories.make_campaign(
        units, opens_on=datetime.date(2026, 3, 1), closes_on=ROUND_CLOSED, **kw
    )


def _contact_response(campaign, unit):
    return factories.make_response(
        campaign,
        unit,
        comment="Cần liên hệ",
        contact=CONTACT,
        now=datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC),
    )


@pytest.mark.django_db
def test_contacts_go_once_their_follow_up_is_closed_for_the_set_days(settings, units):
    settings.CONTACT_RETENTION_DAYS = 90
    campaign = _campaign(units)
    unit = units[0]
    closed_long_ago, closed_lately, still_open, no_follow_up = (
        _contact_response(campaign, unit) for _ in range(4)
    )
    team = factories.survey_team("tk")

    def follow_up(response, status, updated):
        followup = FollowUp.objects.create(
            campaign=campaign, unit=unit, title="Chờ lâu", status=status, created_by=team
        )
        followup.responses.add(response)
        FollowUp.objects.filter(pk=followup.pk).update(
            updated_at=datetime.datetime.combine(updated, datetime.time(12), tzinfo=datetime.UTC)
        )

    follow_up(closed_long_ago, FollowUpStatus.RESOLVED, datetime.date(2026, 4, 1))
    follow_up(closed_lately, FollowUpStatus.ESCALATED, datetime.date(2026, 6, 20))
    follow_up(still_open, FollowUpStatus.IN_PROGRESS, datetime.date(2026, 4, 1))

    today = datetime.date(2026, 7, 15)  # 105 days after 1/4, 25 after 20/6
    assert retention.contacts_erase(today=today) == 2
    left = set(ResponseContact.objects.values_list("response_id", flat=True))
    assert left == {closed_lately.pk, still_open.pk}
    assert no_follow_up.pk not in left  # the round closed 106 days before, nobody followed up
    assert retention.contacts_erase(today=today) == 0  # idempotent


@pytest.mark.django_db
def test_invitees_addresses_go_after_the_round_and_opt_outs_stay_as_hashes(settings, units):
    settings.INVITEE_RETENTION_DAYS = 30
    campaign = _campaign(units)
    answered = factories.make_invitation(campaign, units[0], email="a@dv.vn")
    refused = factories.make_invitation(campaign, units[0], email="Khong.Nhan@dv.vn")
    mailing.invitation_opt_out(token=refused.token)
    assert retention.invitees_erase(today=ROUND_CLOSED + datetime.timedelta(days=30)) == 0
    assert retention.invitees_erase(today=ROUND_CLOSED + datetime.timedelta(days=31)) == 2
    for invitation in Invitation.objects.all():
        assert (invitation.email, invitation.organisation) == ("", "")
    assert answered.token  # the rows stay: counts of invitations per round still add up
    stored = list(OptOut.objects.values_list("email_hash", flat=True))
    assert stored == [retention.email_hash("khong.nhan@dv.vn")]
    assert "khong.nhan" not in stored[0]


@pytest.mark.django_db
def test_next_years_list_honours_an_old_opt_out(
    team_client, units, django_capture_on_commit_callbacks
):
    last_year = _campaign(units)
    old = factories.make_invitation(last_year, units[0], email="khong.nhan@dv.vn")
    mailing.invitation_opt_out(token=old.token)
    retention.invitees_erase(today=datetime.date(2027, 1, 1))
    assert not Invitation.objects.filter(email="khong.nhan@dv.vn").exists()

    this_year = factories.make_campaign(units, slug="dot-2027")
    upload = io.BytesIO(
        xlsx(
            [
                ["Tên đơn vị", "E-mail", "Mã đơn vị"],
                ["Bệnh viện B", "KHONG.NHAN@dv.vn", "KSC"],
                ["Trường C", "c@dv.vn", "KSC"],
            ]
        )
    )
    upload.name = "moi.xlsx"
    team_client.post(reverse("fieldwork:invitations"), {"campaign": this_year.pk, "file": upload})
    invited = dict(
        Invitation.objects.filter(campaign=this_year).values_list("email", "opted_out_at")
    )
    assert invited["khong.nhan@dv.vn"] is not None and invited["c@dv.vn"] is None
    with django_capture_on_commit_callbacks(execute=True):
        mailing.invitations_send_start(campaign=this_year)
    from django.core import mail

    assert [m.to for m in mail.outbox] == [["c@dv.vn"]]


@pytest.mark.django_db
def test_the_beat_task_exists_and_runs(units):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(name="Xoá dữ liệu cá nhân hết hạn").task == (
        "fieldwork.tasks.personal_data_erase"
    )
    assert personal_data_erase.delay().get() == {"contacts": 0, "invitees": 0}


@pytest.mark.django_db
def test_the_survey_team_reads_the_register_of_personal_data(team_client, client, units):
    campaign = _campaign(units)
    _contact_response(campaign, units[0])
    page = team_client.get(reverse("fieldwork:personal_data"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Thông tin liên hệ của người trả lời" in body and "91/2025/QH15" in body
    client.force_login(factories.leadership("ld"))
    assert client.get(reverse("fieldwork:personal_data")).status_code == 403


@pytest.mark.django_db
def test_the_survey_team_corrects_a_paper_form_on_its_page(team_client, team, units):
    from surveys.models import Channel, ResponseCorrection

    campaign = factories.make_campaign(units)
    response = factories.make_response(
        campaign, units[0], channel=Channel.PAPER, keyed_by=team, batch="LO-1", score=4
    )
    url = reverse("fieldwork:response_correction", args=[response.pk])
    page = team_client.get(url)
    assert page.status_code == 200
    form = {
        "unit": units[1].pk,
        "respondent_group": response.respondent_group_id,
        "answered_on": response.answered_on.strftime("%d/%m/%Y"),
        **{f"q_{c}": "4" for c in response.answers.values_list("question__code", flat=True)},
        "q_C2": "1",
        "reason": "",
    }
    refused = team_client.post(url, form)
    assert refused.status_code == 400 and not ResponseCorrection.objects.exists()
    form["reason"] = "Phiếu giấy ghi ô C2 là 1; nhập nhầm đơn vị"
    done = team_client.post(url, form, follow=True)
    assert done.status_code == 200
    correction = ResponseCorrection.objects.get()
    assert correction.before["unit"] == "KSC" and correction.after["unit"] == "HCH"
    assert correction.before["answers"]["C2"] == 4 and correction.after["answers"]["C2"] == 1
    assert correction.corrected_by == team
    assert "nhập nhầm đơn vị" in done.content.decode()
