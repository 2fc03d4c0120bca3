"""The respondent withdraws consent from the status page with the tracking code: their contact
details are erased at once; the anonymous answers and comment stay."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Response, ResponseContact
from surveys.tests import factories


@pytest.fixture
def answered(db):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    return factories.make_response(
        campaign,
        unit,
        comment="Chờ lâu quá",
        contact={"name": "Nguyễn Văn A", "phone": "0905 123 456", "purpose": "follow-up"},
    )


def test_the_status_page_offers_withdrawal_and_erases_the_contact(client, answered):
    code = answered.tracking_code
    page = client.get(reverse("followups:status", args=[code]))
    assert page.status_code == 200
    assert "Rút lại đồng ý" in page.content.decode()
    assert "Nguyễn Văn A" not in page.content.decode()  # the page never shows the details

    done = client.post(reverse("followups:consent_withdraw", args=[code]), follow=True)
    assert done.status_code == 200
    assert "đã được xoá" in done.content.decode()
    assert not ResponseContact.objects.exists()
    kept = Response.objects.get(pk=answered.pk)
    assert kept.comment == "Chờ lâu quá" and kept.answers.count() > 0
    # Once erased, the page no longer offers it.
    assert (
        "Rút lại đồng ý"
        not in client.get(reverse("followups:status", args=[code])).content.decode()
    )


def test_withdrawal_needs_a_post_and_a_known_code(client, answered):
    url = reverse("followups:consent_withdraw", args=[answered.tracking_code])
    assert client.get(url).status_code == 405
    unknown = reverse("followups:consent_withdraw", args=["ABCDEFGHJK"])
    assert client.post(unknown).status_code == 404
    assert client.post(reverse("followups:consent_withdraw", args=["x"])).status_code == 404
    assert ResponseContact.objects.count() == 1
