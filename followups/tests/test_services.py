from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from followups import services
from followups.models import EventKind, EvidenceFile, FollowUp, FollowUpStatus
from followups.tests.helpers import open_followup
from surveys.models import CommentTriage
from surveys.tests import factories

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def test_open_assigns_and_marks_comments(campaign, units, team, comment, in_a_week):
    second = factories.make_response(campaign, units[0], comment="Cũng chờ lâu.")
    followup = services.followup_open(
        campaign=campaign,
        unit=units[0],
        title="Thời gian chờ",
        response_ids=[comment.pk, second.pk],
        deadline=in_a_week,
        user=team,
    )
    assert followup.status == FollowUpStatus.ASSIGNED
    assert set(followup.responses.values_list("pk", flat=True)) == {comment.pk, second.pk}
    comment.refresh_from_db()
    assert comment.comment_triage == CommentTriage.FOLLOW_UP


def test_open_refuses_past_deadline_and_writes_nothing(campaign, units, team, comment):
    with pytest.raises(ValidationError) as exc:
        open_followup(
            campaign,
            units[0],
            team,
            [comment],
            timezone.localdate() - datetime.timedelta(days=1),
            title="x",
        )
    assert "deadline" in exc.value.message_dict
    assert FollowUp.objects.count() == 0
    comment.refresh_from_db()
    assert comment.comment_triage == CommentTriage.NEW


def test_open_refuses_comment_of_other_campaign(campaign, units, team, in_a_week):
    other = factories.make_campaign(units, slug="dot-khac")
    foreign = factories.make_response(other, units[0], comment="Ý kiến khác")
    with pytest.raises(ValidationError):
        open_followup(campaign, units[0], team, [foreign], in_a_week, title="x")
    assert FollowUp.objects.count() == 0


def test_triage_mark_and_not_for_followed_comments(campaign, units, team, comment, in_a_week):
    praise = factories.make_response(campaign, units[1], comment="Rất tốt")
    assert services.comment_triage_mark(response_ids=[praise.pk], triage="praise", user=team) == 1
    praise.refresh_from_db()
    assert praise.comment_triage == CommentTriage.PRAISE
    open_followup(campaign, units[0], team, [comment], in_a_week, title="t")
    with pytest.raises(ValidationError):
        services.comment_triage_mark(
            response_ids=[comment.pk, praise.pk], triage="no_action", user=team
        )
    praise.refresh_from_db()
    assert praise.comment_triage == CommentTriage.PRAISE
    with pytest.raises(ValidationError):
        services.comment_triage_mark(response_ids=[praise.pk], triage="follow_up", user=team)


@pytest.fixture
def followup(campaign, units, team, comment, in_a_week):
    return open_followup(campaign, units[0], team, [comment], in_a_week, title="Chờ lâu")


def test_action_resolve_and_closed_refuses_more(followup, manager):
    services.followup_record_action(followup=followup, action_taken="Thêm quầy", user=manager)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.IN_PROGRESS
    services.followup_resolve(followup=followup, resolution="Đã bố trí thêm quầy", user=manager)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.RESOLVED and followup.resolved_at
    with pytest.raises(ValidationError):
        services.followup_escalate(followup=followup, reason="x", user=manager)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.RESOLVED


def test_escalate_needs_reason(followup, manager):
    with pytest.raises(ValidationError):
        services.followup_escalate(followup=followup, reason="  ", user=manager)
    followup.refresh_from_db()
    assert followup.escalation_reason == ""


def test_manager_proposes_escalation_and_survey_team_decides(followup, manager):
    status_before = followup.status
    services.followup_escalate(followup=followup, reason="Vượt thẩm quyền", user=manager)
    followup.refresh_from_db()
    assert followup.status == status_before  # only proposed: still open, with the reason
    assert followup.escalation_reason == "Vượt thẩm quyền"
    assert followup.events.filter(kind=EventKind.ESCALATION_PROPOSED, user=manager).exists()
    team = factories.survey_team("team-escalates")
    services.followup_escalate(followup=followup, reason="Vượt thẩm quyền của KBNN", user=team)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.ESCALATED
    assert followup.escalation_reason == "Vượt thẩm quyền của KBNN"


def test_assign_reopens(followup, team, units, manager, in_a_week):
    services.followup_resolve(followup=followup, resolution="xong", user=manager)
    services.followup_assign(followup=followup, unit=units[1], deadline=in_a_week, user=team)
    followup.refresh_from_db()
    assert (followup.status, followup.unit_id, followup.resolved_at) == (
        FollowUpStatus.ASSIGNED,
        units[1].pk,
        None,
    )


def test_evidence_checks_type_content_and_size(followup, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    good = services.evidence_attach(
        followup=followup, upload=SimpleUploadedFile("bien-ban.pdf", PDF), user=manager
    )
    assert good.content_type == "application/pdf"
    assert good.file.name.startswith(f"evidence/{followup.pk}/")
    assert "bien-ban" not in good.file.name
    bad = [
        SimpleUploadedFile("script.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"),
        SimpleUploadedFile("empty.png", b""),
    ]
    for upload in bad:
        with pytest.raises(ValidationError):
            services.evidence_attach(followup=followup, upload=upload, user=manager)
    settings.FOLLOWUP_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        services.evidence_attach(
            followup=followup, upload=SimpleUploadedFile("big.pdf", PDF), user=manager
        )
    assert "file" in exc.value.message_dict
    assert EvidenceFile.objects.count() == 1
    assert len(list((tmp_path / "evidence" / str(followup.pk)).iterdir())) == 1
