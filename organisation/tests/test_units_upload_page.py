"""/don-vi/tai-len/: the survey team's upload of the unit sheet, permission-checked."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from organisation.services.unit_import import COLUMNS
from surveys.models import Unit
from surveys.tests import factories

from .sheets import REGION_ROWS as ROOT_ROWS
from .sheets import unit_sheet

URL = "/don-vi/tai-len/"
# The survey team imports under its own root (surveys.scope): the sheet's roots hang from it.
REGION_ROWS = [[*row[:3], row[3] or factories.ROOT_CODE, *row[4:]] for row in ROOT_ROWS]


def upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("don-vi.xlsx", unit_sheet(rows))


@pytest.fixture
def team_client(client, db):
    client.force_login(factories.survey_team())
    return client


def test_the_url_is_the_named_one():
    assert reverse("organisation:units_upload") == URL


def test_survey_team_uploads_the_sheet_then_the_same_sheet_again(team_client):
    response = team_client.post(URL, {"file": upload(REGION_ROWS)}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đã tạo 7 đơn vị" in page and "don-vi.xlsx" in page
    assert Unit.objects.count() == 8  # and the team's root
    response = team_client.post(URL, {"file": upload(REGION_ROWS)}, follow=True)
    assert "Không có gì thay đổi" in response.content.decode()
    assert Unit.objects.count() == 8


def test_bad_rows_are_listed_and_nothing_changes(team_client):
    rows = [*REGION_ROWS, ["X", "Đơn vị X", "Phòng nghiệp vụ", "X", "", "", ""]]
    response = team_client.post(URL, {"file": upload(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không thay đổi gì" in page and "X → X" in page and "vòng lặp" in page
    assert Unit.objects.count() == 1  # the team's root only


def test_a_file_that_is_not_a_workbook_is_refused_without_error(team_client):
    junk = SimpleUploadedFile("don-vi.xlsx", b"PK\x03\x04 not really")
    response = team_client.post(URL, {"file": junk})
    assert response.status_code == 400
    assert Unit.objects.count() == 1


def test_blank_template_has_the_columns(team_client):
    response = team_client.get(reverse("organisation:units_template"))
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == COLUMNS


def test_the_units_loaded_download_as_a_sheet_that_imports_unchanged(team_client):
    team_client.post(URL, {"file": upload(REGION_ROWS)})
    Unit.objects.filter(code="KSC").update(name="Phòng Kiểm soát chi\x0b")  # a hand edit
    response = team_client.get(reverse("organisation:units_export"))
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == COLUMNS and len(rows) == 9  # the team's root and its seven
    assert [
        "HCH",
        "KBNN Hải Châu",
        "Kho bạc Nhà nước cấp huyện",
        "DNG",
        None,
        "14/03/2025",
        "PGD1",
    ] in rows
    again = team_client.post(
        URL, {"file": SimpleUploadedFile("don-vi.xlsx", response.content)}, follow=True
    )
    assert "Đã tạo 0 đơn vị, cập nhật 1" in again.content.decode()  # only the stray character


def test_other_roles_cannot_upload(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (
        factories.leadership(),
        factories.unit_manager(factories.make_unit("KSC"), username="m"),
    ):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"file": upload(REGION_ROWS)}).status_code == 403
        assert client.get(reverse("organisation:units_template")).status_code == 403
        assert client.get(reverse("organisation:units_export")).status_code == 403
    assert Unit.objects.count() == 2  # the test root and KSC


def test_a_regions_team_imports_only_inside_its_subtree(client, db):
    """A new root, a unit of another region, a parent or successor outside: each row named,
    nothing written; the region's own rows go in; another region's export is not offered."""
    other = factories.make_unit("KV2", name="KBNN khu vực II", parent=None)
    factories.make_unit("KV2-PGD", name="Phòng Giao dịch KV2", parent=other)
    client.force_login(factories.survey_team())
    before = Unit.objects.count()
    rows = [
        ["NEWROOT", "Gốc mới", "KBNN khu vực", "", "", "", ""],  # 2: a new root
        ["KV2-PGD", "Đổi tên", "Phòng Giao dịch", "KV2", "", "", ""],  # 3: another region's
        ["MINE", "Phòng của tôi", "Phòng Giao dịch", "KV2", "", "", ""],  # 4: parent outside
    ]
    response = client.post(URL, {"file": upload(rows)})
    assert response.status_code == 400
    found = {(e.row, e.column): e.reason for e in response.context["errors"]}
    assert set(found) == {(2, "Mã đơn vị cấp trên"), (3, "Mã đơn vị"), (4, "Mã đơn vị cấp trên")}
    assert "gốc mới" in found[(2, "Mã đơn vị cấp trên")]  # said in Vietnamese
    assert "không thuộc cây đơn vị" in found[(3, "Mã đơn vị")]
    assert Unit.objects.count() == before
    assert Unit.objects.get(code="KV2-PGD").name == "Phòng Giao dịch KV2"
    ok = [["MINE", "Phòng của tôi", "Phòng Giao dịch", factories.ROOT_CODE, "", "", ""]]
    assert client.post(URL, {"file": upload(ok)}).status_code == 302
    assert Unit.objects.get(code="MINE").parent.code == factories.ROOT_CODE
    import io

    export = client.get(reverse("organisation:units_export"))
    codes = [
        r[0].value for r in load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows()
    ]
    assert "MINE" in codes and "KV2" not in codes and "KV2-PGD" not in codes
