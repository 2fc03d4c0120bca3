from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fieldwork.models import ImportLog
from fieldwork.services.imports import sheet_columns
from surveys.models import Response

from .conftest import today_text, xlsx

CODES = [f"C{i}" for i in range(1, 11)] + ["CHUNG"]


def sheet(bad_row: bool = False) -> bytes:
    header = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES, "Ý kiến", "Số lô"]
    rows = [
        ["KSC", "payer", today_text(), *[5] * 10, 5, "Rất tốt", "L1"],
        ["HCH", "Đơn vị sử dụng ngân sách nhà nước", today_text(), *[4] * 10, 4, None, "L1"],
        # An Excel date cell rather than text, and "no opinion" left empty.
        ["KSC", "budget_user", timezone.localdate(), None, *[3] * 9, 3, "", "L2"],
    ]
    if bad_row:
        rows[1][3 + 4] = 7  # C5 on Excel row 3
    return xlsx([header, *rows])


def write(tmp_path, data: bytes, name: str = "phieu.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_nothing_when_one_row_is_bad_then_everything_once_fixed(tmp_path, campaign):
    bad = write(tmp_path, sheet(bad_row=True), "sai.xlsx")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập"):
        call_command("import_responses", bad, "--campaign", campaign.slug, stderr=stderr)
    assert "Dòng 3, cột C5" in stderr.getvalue()
    assert "“7”" in stderr.getvalue()
    assert not Response.objects.exists() and not ImportLog.objects.exists()

    good = write(tmp_path, sheet())
    stdout = io.StringIO()
    call_command("import_responses", good, "--campaign", campaign.slug, stdout=stdout)
    assert "3" in stdout.getvalue()
    stored = Response.objects.filter(campaign=campaign, channel="paper")
    assert stored.count() == 3
    assert sorted(stored.values_list("respondent_group__code", flat=True)) == [
        "budget_user",
        "budget_user",
        "payer",
    ]
    assert stored.get(comment="Rất tốt").batch == "L1"
    no_opinion = stored.get(batch="L2").answers.get(question__code="C1")
    assert no_opinion.score is None

    # The same file again: recognised by its checksum and refused.
    with pytest.raises(CommandError):
        call_command("import_responses", good, "--campaign", campaign.slug, stderr=io.StringIO())
    assert stored.count() == 3


def test_every_bad_row_and_column_is_reported(campaign):
    from fieldwork.services.imports import responses_import
    from fieldwork.sheets import SheetRefused

    header = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES, "Ý kiến", "Số lô"]
    data = xlsx(
        [
            header,
            ["XXX", "khách", "hôm qua", *[5] * 10, "7", "", ""],
            ["KSC", "payer", "01/01/1999", *[5] * 10, 5, "", ""],
        ]
    )
    with pytest.raises(SheetRefused) as exc:
        responses_import(campaign=campaign, data=data, filename="x.xlsx")
    found = {(e.row, e.column) for e in exc.value.errors}
    assert found == {
        (2, "Mã đơn vị"),
        (2, "Nhóm khách hàng"),
        (2, "Ngày"),
        (2, "CHUNG"),
        (3, "Ngày"),
    }
    assert not Response.objects.exists()


def test_a_blank_cell_is_not_answered_for_every_question_the_overall_one_included(campaign):
    """DESIGN.md's sheet: an empty cell is always accepted on paper, stored as null (left out
    of N); 0 is no opinion; a bad value is refused with the paper rule's message."""
    from fieldwork.services.imports import responses_import
    from fieldwork.sheets import SheetRefused

    header = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES, "Ý kiến", "Số lô"]
    day = today_text()
    blank_overall = ["KSC", "payer", day, *[4] * 10, None, "", "L1"]
    blank_all = ["KSC", "payer", day, *[""] * 10, "  ", "", "L2"]
    imported = responses_import(
        campaign=campaign, data=xlsx([header, blank_overall, blank_all]), filename="b.xlsx"
    )
    assert imported.created == 2
    first = Response.objects.get(batch="L1")
    scores = dict(first.answers.values_list("question__code", "score"))
    assert scores["CHUNG"] is None and scores["C1"] == 4
    second = Response.objects.get(batch="L2")
    assert set(second.answers.values_list("score", flat=True)) == {None}

    bad = ["KSC", "payer", day, " 3", *[4] * 9, "4.5", "", "L3"]
    with pytest.raises(SheetRefused) as exc:
        responses_import(campaign=campaign, data=xlsx([header, bad]), filename="c.xlsx")
    (error,) = exc.value.errors
    assert (error.row, error.column) == (2, "CHUNG")
    assert "“4.5”" in error.reason and "1 đến 5" in error.reason


def test_missing_or_unknown_columns_and_non_excel_files_are_refused(campaign):
    from fieldwork.services.imports import responses_import
    from fieldwork.sheets import SheetRefused

    with pytest.raises(SheetRefused) as exc:
        responses_import(
            campaign=campaign, data=xlsx([["Mã đơn vị", "Lạ"], ["KSC", 1]]), filename="a.xlsx"
        )
    messages = [str(e) for e in exc.value.errors]
    assert any("Lạ" in m for m in messages) and any("CHUNG" in m for m in messages)
    with pytest.raises(SheetRefused):
        responses_import(campaign=campaign, data=b"not a workbook", filename="a.xlsx")


def test_upload_page_reports_rows_and_refuses_the_same_file(team_client, campaign):
    url = reverse("fieldwork:responses_upload")
    bad = io.BytesIO(sheet(bad_row=True))
    bad.name = "sai.xlsx"
    page = team_client.post(url, {"campaign": campaign.pk, "file": bad})
    assert page.status_code == 400
    body = page.content.decode()
    assert "Không nhập" in body and "C5" in body
    assert not Response.objects.exists()
    data = sheet()  # once: openpyxl stamps the time into every file it saves
    for expected_status in (302, 400):
        good = io.BytesIO(data)
        good.name = "dung.xlsx"
        response = team_client.post(url, {"campaign": campaign.pk, "file": good})
        assert response.status_code == expected_status
    assert Response.objects.count() == 3
    assert ImportLog.objects.get().imported_by.username == "tokhaosat"


def test_template_has_the_campaign_question_codes(team_client, campaign):
    response = team_client.get(reverse("fieldwork:responses_template", args=[campaign.slug]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header) == sheet_columns(campaign)
    assert list(header)[:3] == ["Mã đơn vị", "Nhóm khách hàng", "Ngày"]
    assert "CHUNG" in header and list(header)[-2:] == ["Ý kiến", "Số lô"]


def test_a_row_refused_while_writing_rolls_back_the_rows_before_it(campaign):
    """Rows pass the sheet checks; response_submit refuses the third (unit closed that day)."""
    import datetime

    from django.db import connection

    from fieldwork.services.imports import responses_import
    from fieldwork.sheets import SheetRefused

    closed = campaign.units.get(code="HCH")
    closed.valid_to = datetime.date.today() - datetime.timedelta(days=1)
    closed.save()
    header = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES]
    data = xlsx(
        [
            header,
            ["KSC", "payer", today_text(), *[5] * 11],
            ["KSC", "payer", today_text(), *[4] * 11],
            ["HCH", "payer", today_text(), *[4] * 11],
        ]
    )
    with pytest.raises(SheetRefused) as exc:
        responses_import(campaign=campaign, data=data, filename="x.xlsx")
    assert [(e.row, e.column) for e in exc.value.errors] == [(4, "Mã đơn vị")]
    assert not Response.objects.exists() and not ImportLog.objects.exists()
    assert connection.features.uses_savepoints  # the import gave savepoints back


def test_the_same_forms_in_another_file_are_refused_too(campaign):
    from fieldwork.services.imports import responses_import
    from fieldwork.sheets import SheetRefused

    data = sheet()
    responses_import(campaign=campaign, data=data, filename="a.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    workbook.active.title = "Lưu lại"  # opened and saved again: other bytes, same forms
    resaved = io.BytesIO()
    workbook.save(resaved)
    assert resaved.getvalue() != data
    with pytest.raises(SheetRefused) as exc:
        responses_import(campaign=campaign, data=resaved.getvalue(), filename="b.xlsx")
    assert "a.xlsx" in str(exc.value) and "đã được nhập" in str(exc.value)
    assert Response.objects.count() == 3
