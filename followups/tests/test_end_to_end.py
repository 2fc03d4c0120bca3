"""A comment followed from the thank-you page's code to the resolution the customer reads."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp, FollowUpStatus
from surveys.models import CommentTriage, Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post

CODE_RE = re.compile(r'id="tracking-code">([A-Z0-9]{10})<')


def test_comment_code_triage_assignment_action_resolution_status(
    client, campaign, units, django_capture_on_commit_callbacks
):
    ksc = units[0]
    manager = factories.unit_manager(ksc, "quanly.ksc")
    manager.email = "quanly.ksc@kbnn.invalid"
    manager.save()
    team = factories.survey_team()

    # 1. A customer answers at the counter and writes a comment; the thank-you page gives a code.
    survey_url = reverse("surveys:unit_survey", args=[campaign.slug, ksc.code])
    posted = client.post(
        survey_url, answers_post(campaign, "2", comment="Phải chờ hơn một giờ ở quầy số 3.")
    )
    assert posted.status_code == 302
    thanks = client.get(posted["Location"])
    code = CODE_RE.search(thanks.content.decode()).group(1)
    status_url = f"/tra-cuu/{code}/"
    assert status_url in thanks.content.decode()
    assert "đang chờ được đọc" in client.get(status_url).content.decode()

    # 2. The survey team finds it among the new comments and opens a follow-up for the unit.
    client.force_login(team)
    page = client.get(reverse("followups:comments"), {"triage": CommentTriage.NEW})
    assert "Phải chờ hơn một giờ" in page.content.decode()
    response = Response.objects.get(tracking_code=code)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("followups:comments"),
            {
                "op": "open",
                "comments": [response.pk],
                "title": "Thời gian chờ tại quầy số 3",
                "unit": ksc.pk,
                "deadline": deadline.isoformat(),
            },
        )
    followup = FollowUp.objects.get()
    assert followup.status == FollowUpStatus.ASSIGNED
    assert mail.outbox[-1].to == ["quanly.ksc@kbnn.invalid"]
    client.logout()
    assert "đang xử lý" in client.get(status_url).content.decode()

    # 3. The unit manager records the action and resolves it.
    client.force_login(manager)
    detail = reverse("followups:detail", args=[followup.pk])
    assert "Thời gian chờ tại quầy số 3" in client.get(reverse("followups:list")).content.decode()
    client.post(
        reverse("followups:update", args=[followup.pk, "action"]),
        {"action_taken": "Mở thêm quầy số 4 vào giờ cao điểm."},
    )
    client.post(
        reverse("followups:update", args=[followup.pk, "resolve"]),
        {"resolution": "Từ ngày 01/12 Kho bạc mở thêm quầy giao dịch vào giờ cao điểm."},
    )
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.RESOLVED
    assert list(followup.events.values_list("kind", "user__username")) == [
        ("opened", team.username),
        ("action", "quanly.ksc"),
        ("resolved", "quanly.ksc"),
    ]
    assert "Mở thêm quầy số 4" in client.get(detail).content.decode()

    # 4. The customer, anonymous, reads the resolution with the code, and nothing else.
    client.logout()
    body = client.get(status_url).content.decode()
    assert "Từ ngày 01/12 Kho bạc mở thêm quầy giao dịch vào giờ cao điểm." in body
    assert "Mở thêm quầy số 4" not in body and "Thời gian chờ tại quầy số 3" not in body
