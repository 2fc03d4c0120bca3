from __future__ import annotations

import io

import pytest
from django.urls import reverse

from fieldwork.services.invitation_lists import invitations_import
from fieldwork.sheets import SheetRefused
from surveys.models import Invitation

from .conftest import xlsx

HEADER = ["Tên đơn vị", "E-mail", "Mã đơn vị"]


def test_one_invitation_per_email_and_campaign(campaign):
    data = xlsx(
        [
            HEADER,
            ["Trường THPT Phan Châu Trinh", "vanthu@pct.edu.vn", "KSC"],
            ["Bệnh viện Đà Nẵng", "KeToan@BVDN.vn ", "HCH"],
            ["Trường THPT Phan Châu Trinh (lặp)", "VANTHU@pct.edu.vn", "KSC"],
        ]
    )
    result = invitations_import(campaign=campaign, data=data, filename="ds.xlsx")
    assert (result.created, result.merged, result.already_invited) == (2, 1, 0)
    invitations = Invitation.objects.filter(campaign=campaign).order_by("email")
    assert list(invitations.values_list("email", "unit__code", "respondent_group__code")) == [
        ("ketoan@bvdn.vn", "HCH", "budget_user"),
        ("vanthu@pct.edu.vn", "KSC", "budget_user"),
    ]
    assert all(i.source == "email" and i.send_status == "not_sent" for i in invitations)
    assert invitations[0].expires_at is not None
    # The same list again (or an overlapping one) creates nothing new.
    again = invitations_import(campaign=campaign, data=data, filename="ds.xlsx")
    assert (again.created, again.already_invited) == (0, 2)
    assert Invitation.objects.count() == 2


def test_bad_addresses_are_reported_and_nothing_is_created(campaign):
    data = xlsx(
        [
            HEADER,
            ["Sở Tài chính", "stc@danang.gov.vn", "KSC"],
            ["Sở Y tế", "syt@@danang", "KSC"],
            ["", "abc@example.vn", "ZZZ"],
        ]
    )
    with pytest.raises(SheetRefused) as exc:
        invitations_import(campaign=campaign, data=data, filename="ds.xlsx")
    found = {(e.row, e.column) for e in exc.value.errors}
    assert found == {(3, "E-mail"), (4, "Tên đơn vị"), (4, "Mã đơn vị")}
    assert "syt@@danang" in str(exc.value.errors[0])
    assert not Invitation.objects.exists()


def test_invitations_page_uploads_and_counts(team_client, campaign):
    upload = io.BytesIO(xlsx([HEADER, ["Sở Tài chính", "stc@danang.gov.vn", "KSC"]]))
    upload.name = "ds.xlsx"
    response = team_client.post(
        reverse("fieldwork:invitations"), {"campaign": campaign.pk, "file": upload}
    )
    assert response.status_code == 302
    page = team_client.get(reverse("fieldwork:invitations"))
    [(shown, counts)] = page.context["campaigns"]
    assert shown == campaign and counts["total"] == 1 and counts["not_sent"] == 1
    template = team_client.get(reverse("fieldwork:invitation_template", args=[campaign.slug]))
    assert template.status_code == 200
