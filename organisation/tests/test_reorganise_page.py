"""/don-vi/to-chuc-lai/: preview, then confirm; each operation through the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from organisation.models import Reorganisation, ReorganisationKind
from surveys.models import Unit, UnitKind
from surveys.tests import factories
from surveys.tests.factories import make_campaign, make_unit

URL = "/don-vi/to-chuc-lai/"
D = datetime.date


@pytest.fixture
def units(db):
    province = make_unit("DNG", kind=UnitKind.BRANCH)
    region = make_unit("KV12", kind=UnitKind.REGIONAL)
    units = {
        "province": province,
        "region": region,
        "hch": make_unit("HCH", name="KBNN Hải Châu", kind=UnitKind.DISTRICT, parent=province),
        "tkh": make_unit("TKH", name="KBNN Thanh Khê", kind=UnitKind.DISTRICT, parent=province),
        "ksc": make_unit("KSC", name="Phòng Kiểm soát chi", parent=province),
    }
    make_campaign(
        [units["hch"]], name="Đợt I năm 2025", opens_on=D(2025, 1, 1), closes_on=D(2025, 12, 31)
    )
    return units


@pytest.fixture
def team(client, db):
    user = factories.survey_team()
    client.force_login(user)
    return client


def post_twice(client, data: dict):
    """Preview, then confirm what the preview showed, as the survey team does."""
    records, units = Reorganisation.objects.count(), Unit.objects.count()
    preview = client.post(URL, {**data, "preview": "1"})
    assert preview.status_code == 200, preview.content.decode()
    digest = preview.context["digest"]
    assert (Reorganisation.objects.count(), Unit.objects.count()) == (records, units)
    return preview, client.post(URL, {**data, "apply": "1", "digest": digest}, follow=True)


def test_the_url_is_the_named_one():
    assert reverse("organisation:reorganise") == URL


def test_merge_through_the_page(team, units):
    data = {
        "kind": ReorganisationKind.MERGE,
        "effective_on": "2025-03-15",
        "units": [units["hch"].pk, units["tkh"].pk],
        "new_units": "PGD1; Phòng Giao dịch số 1; Phòng Giao dịch",
        "parent": units["region"].pk,
    }
    preview, done = post_twice(team, data)
    page = preview.content.decode()
    assert "Những thay đổi" in page and "14/03/2025" in page and "Đợt I năm 2025" in page
    assert "Xác nhận" in page
    assert done.status_code == 200 and "Đã thực hiện" in done.content.decode()
    new = Unit.objects.get(code="PGD1")
    assert (new.parent, new.kind) == (units["region"], UnitKind.OFFICE)
    assert Unit.objects.get(code="HCH").successor == new
    record = Reorganisation.objects.get()
    assert record.performed_by.username == "team"
    assert "HCH, TKH" in done.content.decode()


def test_split_rename_and_move_through_the_page(team, units):
    _, done = post_twice(
        team,
        {
            "kind": ReorganisationKind.SPLIT,
            "effective_on": "2025-03-15",
            "units": [units["ksc"].pk],
            "new_units": "KSC-A; Phòng KSC A\nKSC-B; Phòng KSC B; phòng nghiệp vụ",
        },
    )
    assert done.status_code == 200
    assert Unit.objects.get(code="KSC").successor is None
    assert Unit.objects.filter(code__in=["KSC-A", "KSC-B"], parent=units["province"]).count() == 2
    _, done = post_twice(
        team,
        {
            "kind": ReorganisationKind.RENAME,
            "effective_on": "2025-04-01",
            "units": [units["tkh"].pk],
            "new_units": "TKH2; KBNN Thanh Khê mới",
        },
    )
    assert Unit.objects.get(code="TKH").successor.code == "TKH2"
    _, done = post_twice(
        team,
        {
            "kind": ReorganisationKind.MOVE,
            "effective_on": "2025-05-01",
            "units": [Unit.objects.get(code="KSC-A").pk],
            "new_units": "KV12-KSCA; Phòng KSC A",
            "parent": units["region"].pk,
        },
    )
    assert Unit.objects.get(code="KV12-KSCA").parent == units["region"]
    assert Reorganisation.objects.count() == 3
    assert list(Reorganisation.objects.values_list("kind", flat=True)) == [
        ReorganisationKind.MOVE,
        ReorganisationKind.RENAME,
        ReorganisationKind.SPLIT,
    ]


def test_a_refused_reorganisation_shows_why_and_changes_nothing(team, units):
    response = team.post(
        URL,
        {
            "kind": ReorganisationKind.MERGE,
            "effective_on": "2025-03-15",
            "units": [units["hch"].pk],
            "new_units": "ksc; Trùng mã",
            "preview": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không thể thực hiện" in page and "đã được dùng" in page and "ít nhất hai" in page
    assert Unit.objects.count() == 6  # the five and the team's root


def test_confirming_after_changing_the_form_shows_a_new_preview(team, units):
    data = {
        "kind": ReorganisationKind.RENAME,
        "effective_on": "2025-03-15",
        "units": [units["ksc"].pk],
        "new_units": "KSC2; Phòng KSC mới",
    }
    digest = team.post(URL, {**data, "preview": "1"}).context["digest"]
    changed = {**data, "new_units": "KSC3; Phòng KSC khác", "apply": "1", "digest": digest}
    response = team.post(URL, changed)
    assert response.status_code == 200 and response.context["plan"] is not None
    assert not Unit.objects.filter(code__in=["KSC2", "KSC3"]).exists()


def test_a_malformed_line_is_named(team, units):
    response = team.post(
        URL,
        {
            "kind": ReorganisationKind.SPLIT,
            "effective_on": "15/03/2025",
            "units": [units["ksc"].pk],
            "new_units": "A; Phòng A\nchỉ một cột",
            "preview": "1",
        },
    )
    assert response.status_code == 400 and "Dòng 2" in response.content.decode()


def test_only_the_survey_team_reorganises(client, units):
    assert client.get(URL).status_code == 302
    for user in (factories.leadership(), factories.unit_manager(units["ksc"], username="m")):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"kind": "merge", "apply": "1"}).status_code == 403
    client.force_login(factories.survey_team("t2"))
    page = client.get(URL)
    assert page.status_code == 200 and "Tổ chức lại" in page.content.decode()
