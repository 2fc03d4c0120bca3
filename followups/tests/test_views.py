from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followups.models import FollowUp, FollowUpStatus
from followups.tests.helpers import open_followup
from surveys.models import CampaignStatus, CommentTriage, Response
from surveys.tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"


def test_anonymous_is_sent_to_login(client, db):
    for name in ("followups:comments", "followups:list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_survey_team_triages_and_opens_followup_from_the_list(
    client, campaign, units, team, comment, in_a_week
):
    praise = factories.make_response(campaign, units[1], comment="Cảm ơn cán bộ")
    client.force_login(team)
    page = client.get(reverse("followups:comments"), {"campaign": campaign.pk})
    assert page.status_code == 200
    assert "Chờ quá lâu ở quầy." in page.content.decode()
    client.post(reverse("followups:comments"), {"op": "praise", "comments": [praise.pk]})
    praise.refresh_from_db()
    assert praise.comment_triage == CommentTriage.PRAISE
    response = client.post(
        reverse("followups:comments"),
        {
            "op": "open",
            "comments": [comment.pk],
            "title": "Thời gian chờ tại quầy",
            "unit": units[0].pk,
            "deadline": in_a_week.isoformat(),
        },
    )
    followup = FollowUp.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "followups:detail", args=[followup.pk]
    )
    assert followup.unit == units[0] and followup.status == FollowUpStatus.ASSIGNED


def test_open_without_unit_shows_message_and_saves_nothing(client, team, comment):
    client.force_login(team)
    response = client.post(
        reverse("followups:comments"),
        {"op": "open", "comments": [comment.pk], "title": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Vui lòng chọn đơn vị" in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_filters_by_overall_score(client, campaign, units, team, comment):
    factories.make_response(campaign, units[0], comment="Tuyệt vời", score=5)
    client.force_login(team)
    body = client.get(reverse("followups:comments"), {"score": 5}).content.decode()
    assert "Tuyệt vời" in body and "Chờ quá lâu" not in body


def test_unit_manager_sees_only_own_unit(
    client, campaign, units, team, manager, comment, in_a_week
):
    other_comment = factories.make_response(campaign, units[1], comment="Hải Châu chậm")
    mine = open_followup(campaign, units[0], team, [comment], in_a_week)
    theirs = open_followup(
        campaign, units[1], team, [other_comment], in_a_week, title="Việc Hải Châu"
    )
    client.force_login(manager)
    body = client.get(reverse("followups:list")).content.decode()
    assert "Chờ lâu" in body and "Việc Hải Châu" not in body
    body = client.get(reverse("followups:comments")).content.decode()
    assert "Chờ quá lâu" in body and "Hải Châu chậm" not in body
    assert client.get(reverse("followups:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("followups:detail", args=[theirs.pk])).status_code == 404
    url = reverse("followups:update", args=[theirs.pk, "resolve"])
    assert client.post(url, {"resolution": "hack"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FollowUpStatus.ASSIGNED
    # Managers read comments but do not triage them.
    assert (
        client.post(
            reverse("followups:comments"), {"op": "praise", "comments": [comment.pk]}
        ).status_code
        == 403
    )


def test_manager_does_not_see_another_units_followup_of_own_comment(
    client, campaign, units, team, manager, comment, in_a_week
):
    open_followup(campaign, units[1], team, [comment], in_a_week, title="Việc giao Hải Châu")
    client.force_login(manager)
    body = client.get(reverse("followups:comments")).content.decode()
    assert "Chờ quá lâu ở quầy." in body and "Việc giao Hải Châu" not in body


def test_manager_records_action_uploads_evidence_and_resolves(
    client, campaign, units, team, manager, other_manager, comment, in_a_week, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    followup = open_followup(campaign, units[0], team, [comment], in_a_week)
    client.force_login(manager)
    client.post(
        reverse("followups:update", args=[followup.pk, "action"]), {"action_taken": "Thêm quầy"}
    )
    response = client.post(
        reverse("followups:evidence_upload", args=[followup.pk]),
        {"file": SimpleUploadedFile("bien ban.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    evidence = followup.evidence.get()
    download = client.get(reverse("followups:evidence_download", args=[followup.pk, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    rejected = client.post(
        reverse("followups:evidence_upload", args=[followup.pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ")},
        follow=True,
    )
    assert "Chỉ chấp nhận" in rejected.content.decode()
    assert followup.evidence.count() == 1
    client.post(
        reverse("followups:update", args=[followup.pk, "resolve"]), {"resolution": "Đã xong"}
    )
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.RESOLVED and followup.action_taken == "Thêm quầy"
    # Another unit's manager can neither see nor download the evidence.
    client.force_login(other_manager)
    url = reverse("followups:evidence_download", args=[followup.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_leadership_sees_everything_and_changes_nothing(
    client, campaign, units, team, boss, comment, in_a_week
):
    followup = open_followup(campaign, units[0], team, [comment], in_a_week)
    client.force_login(boss)
    assert client.get(reverse("followups:detail", args=[followup.pk])).status_code == 200
    assert client.get(reverse("followups:comments")).status_code == 200
    for op in ("action", "resolve", "escalate"):
        url = reverse("followups:update", args=[followup.pk, op])
        assert (
            client.post(
                url, {"action_taken": "x", "resolution": "x", "escalation_reason": "x"}
            ).status_code
            == 403
        )
    assert client.post(reverse("followups:assign", args=[followup.pk]), {}).status_code == 403
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.ASSIGNED


def test_overdue_stands_out(client, campaign, units, team, comment, in_a_week):
    followup = open_followup(campaign, units[0], team, [comment], in_a_week)
    FollowUp.objects.filter(pk=followup.pk).update(deadline="2000-01-01")
    client.force_login(team)
    body = client.get(reverse("followups:list")).content.decode()
    assert "table-danger" in body and "Quá hạn" in body
    assert "quá hạn" in body  # the banner counting them


def test_comment_list_opens_on_the_current_round(client, campaign, units, team, comment):
    old = factories.make_campaign(units, slug="dot-cu", status=CampaignStatus.CLOSED)
    factories.make_response(campaign, units[0], comment="Đợt hiện tại")
    Response.objects.create(
        campaign=old,
        unit=units[0],
        respondent_group=factories.group(),
        channel="web",
        answered_on=old.opens_on,
        comment="Đợt cũ",
        comment_triage="new",
    )
    client.force_login(team)
    body = client.get(reverse("followups:comments")).content.decode()
    assert "Đợt hiện tại" in body and "Đợt cũ" not in body
    body = client.get(reverse("followups:comments"), {"campaign": ""}).content.decode()
    assert "Đợt hiện tại" in body and "Đợt cũ" in body


def test_comments_are_ordered_by_the_date_on_the_form(client, campaign, units, team):
    import datetime

    late_form = campaign.opens_on + datetime.timedelta(days=3)
    # Keyed first but answered later: it comes first; then the form answered earlier though
    # keyed last.
    for text, day in (("Phiếu ngày sau", late_form), ("Phiếu ngày trước", campaign.opens_on)):
        factories.make_response(
            campaign, units[0], channel="paper", comment=text, answered_on=day, keyed_by=team
        )
    client.force_login(team)
    body = client.get(reverse("followups:comments"), {"campaign": campaign.pk}).content.decode()
    assert body.index("Phiếu ngày sau") < body.index("Phiếu ngày trước")
