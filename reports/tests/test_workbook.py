"""The workbook, read back with openpyxl, against a plain-Python recomputation of every figure."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import service_missing
from reports.exporters import rawdata, streamed, workbook_write
from reports.tests.dataset import build_dataset
from reports.tests.recompute import CHANNEL_ORDER, FORMS, Recomputed, carried_by
from surveys.models import Form, Quota
from surveys.tests import factories

SHEETS = [
    "Tổng hợp",
    "Biểu đồ",
    "Theo đơn vị",
    "Theo đơn vị cấp trên",
    "Theo tiêu chí",
    "Theo nhóm khách hàng",
    "Theo kênh",
    "Chỉ tiêu",
    "Ý kiến",
    "Dữ liệu",
]
UNIT_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Số phiếu",
    "Rất không hài lòng",
    "Không hài lòng",
    "Bình thường",
    "Hài lòng",
    "Rất hài lòng",
    "Tỷ lệ hài lòng (%)",
    "Tỷ lệ không hài lòng (%)",
    "Điểm bình quân",
    "Khoảng tin cậy 95% - cận dưới (%)",
    "Khoảng tin cậy 95% - cận trên (%)",
    "Chỉ số hài lòng (%)",
    "Tỷ lệ hài lòng chung (%)",
]


def _contract_sheets(wb) -> list[str]:
    """The contract's sheets, in order (other apps may register more, e.g. `Kiểm tra`)."""
    assert wb.sheetnames[0] == SHEETS[0]
    return [name for name in wb.sheetnames if name in SHEETS]


def _compile(campaign, tmp_path) -> openpyxl.Workbook:
    path = tmp_path / "report.xlsx"
    call_command("compile_report", campaign=campaign.slug, out=str(path), no_progress=True)
    return openpyxl.load_workbook(path)


def _table(ws) -> tuple[list[str], list[dict]]:
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _same(row: dict, expected: dict, where: str) -> None:
    for column, value in expected.items():
        got = row[column]
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-12, abs=1e-12), (where, column)
        else:
            assert got == value, (where, column, got, value)


@pytest.mark.django_db
def test_every_figure_matches_a_recomputation_from_raw_answers(tmp_path):
    data = build_dataset(per_cell=4)
    wb = _compile(data.campaign, tmp_path)
    raw = Recomputed(data.campaign)
    assert _contract_sheets(wb) == SHEETS
    checked = 0

    header, rows = _table(wb["Theo đơn vị"])
    assert header[: len(UNIT_HEADERS)] == UNIT_HEADERS
    # The units valid on the last day, also without responses; never a unit outside the
    # period; OLD's responses are counted under its successor NEW (roll-up).
    assert [r["Mã đơn vị"] for r in rows] == ["A", "NEW", "EMPTY"]
    assert [r["Gồm đơn vị cũ"] or "" for r in rows] == ["", "OLD", ""]
    last_day = data.campaign.closes_on
    for row in rows:
        rids = raw.slice(lambda r, code=row["Mã đơn vị"]: carried_by(r.unit, last_day).code == code)
        _same(row, raw.measures(rids), row["Mã đơn vị"])
        checked += 1
    assert rows[1]["Số phiếu"] == len(raw.slice(lambda r: r.unit.code in ("OLD", "NEW")))
    assert rows[2]["Số phiếu"] == 0 and rows[2]["Tỷ lệ hài lòng (%)"] is None

    _, rows = _table(wb["Theo nhóm khách hàng"])
    assert [r["Nhóm khách hàng"] for r in rows] == [g.name for g in data.groups]
    for row in rows:
        name = row["Nhóm khách hàng"]
        rids = raw.slice(lambda r, name=name: r.respondent_group.name == name)
        _same(row, raw.measures(rids), name)
        checked += 1

    _, rows = _table(wb["Theo kênh"])
    assert len(rows) == len(CHANNEL_ORDER) + 2
    for row, channel in zip(rows, CHANNEL_ORDER, strict=False):
        _same(row, raw.measures(raw.slice(lambda r, c=channel: r.channel == c)), channel)
        checked += 1
    for row, form in zip(rows[len(CHANNEL_ORDER) :], Form.values, strict=True):
        _same(row, raw.measures(raw.slice(lambda r, f=form: FORMS[r.channel] == f)), form)
        checked += 1

    everyone = list(raw.responses)
    _, rows = _table(wb["Theo tiêu chí"])
    by_code = {r["Mã câu hỏi"]: r for r in rows}
    for q in raw.questions:
        _same(by_code[q.code], raw.question_measures(everyone, [q.id]), q.code)
        checked += 1
    aspect_rows = [r for r in rows if r["Mã câu hỏi"] == "Khía cạnh"]
    assert len(aspect_rows) == len(raw.aspect_questions)
    for row, qids in zip(aspect_rows, raw.aspect_questions.values(), strict=True):
        index = sum(raw.question_rate(everyone, q) for q in qids) / len(qids)
        _same(row, raw.question_measures(everyone, qids, index), row["Khía cạnh"])
        checked += 1
    pooled = [q for qids in raw.aspect_questions.values() for q in qids]
    _same(by_code["Tổng hợp"], raw.question_measures(everyone, pooled, raw.index(everyone)), "all")

    total = raw.measures(everyone)
    summary = {r[0]: r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Số phiếu"][1] == len(everyone)
    assert summary["Số đơn vị"][1] == 3
    assert summary["Chỉ số hài lòng (%) (trung bình các khía cạnh)"][1] == pytest.approx(
        total["Chỉ số hài lòng (%)"]
    )
    pooled_row = summary["Tỷ lệ hài lòng gộp (%) (các câu hỏi của các khía cạnh)"]
    assert pooled_row[1:5] == pytest.approx(
        (
            total["Tỷ lệ hài lòng (%)"],
            total["Số câu trả lời hợp lệ (N)"],
            total["Khoảng tin cậy 95% - cận dưới (%)"],
            total["Khoảng tin cậy 95% - cận trên (%)"],
        )
    )
    overall_row = summary["Tỷ lệ hài lòng chung (%) (câu hỏi chung, theo phiếu)"]
    assert overall_row[1] == pytest.approx(total["Tỷ lệ hài lòng chung (%)"])
    assert overall_row[2] == total["Số phiếu trả lời câu hỏi chung (N)"]
    assert summary["Tỷ lệ không hài lòng (%)"][1] == pytest.approx(
        total["Tỷ lệ không hài lòng (%)"]
    )
    assert summary["Tỷ lệ bình thường (%)"][1] == pytest.approx(total["Tỷ lệ bình thường (%)"])
    assert summary["Điểm bình quân"][1] == pytest.approx(total["Điểm bình quân"])
    for unit in data.units:  # the table the chart plots
        if unit == data.old_unit:
            assert unit.name not in summary  # counted under its successor
            continue
        rate = raw.measures(raw.slice(lambda r, u=unit: carried_by(r.unit, last_day) == u))[
            "Tỷ lệ hài lòng (%)"
        ]
        assert summary[unit.name][1] == pytest.approx(rate)

    _, rows = _table(wb["Chỉ tiêu"])
    quotas = {(q.unit.code, q.form): q.minimum for q in Quota.objects.select_related("unit")}
    assert len(rows) == 3 * 2
    for row in rows:
        form = "online" if row["Hình thức"] == "Trực tuyến" else "direct"
        counted = len(
            raw.slice(
                lambda r, c=row["Mã đơn vị"], f=form: (
                    carried_by(r.unit, last_day).code == c and FORMS[r.channel] == f
                )
            )
        )
        minimum = quotas.get((row["Mã đơn vị"], form))
        assert (row["Chỉ tiêu"], row["Đã đạt"]) == (minimum, counted)
        assert row["Tỷ lệ đạt (%)"] == (pytest.approx(counted * 100 / minimum) if minimum else None)
        checked += 1

    _, rows = _table(wb["Ý kiến"])
    commented = {rid: r for rid, r in raw.responses.items() if r.comment}
    assert sorted(r["Mã phiếu"] for r in rows) == sorted(commented)
    for row in rows:
        response = commented[row["Mã phiếu"]]
        assert row["Ý kiến"] == response.comment  # "=1+1 …" stays text, never a formula
        assert row["Mã đơn vị"] == response.unit.code
        assert row["Ngày"].date() == response.answered_on
        followups = list(response.followups.all())
        assert row["Tình trạng xử lý"] == (
            "; ".join(str(f.get_status_display()) for f in followups) or "Chưa có"
        )

    header, rows = _table(wb["Dữ liệu"])
    codes = [q.code for q in raw.questions]
    assert header == [
        "Mã phiếu", "Mã đơn vị", "Nhóm khách hàng", "Kênh", "Hình thức",
        "Tên đơn vị", "Tên nhóm khách hàng", "Tên kênh", "Tên hình thức", "Ngày", *codes,
    ]  # fmt: skip
    assert [r["Mã phiếu"] for r in rows] == sorted(raw.responses)
    for row in rows:
        response = raw.responses[row["Mã phiếu"]]
        assert row["Mã đơn vị"] == response.unit.code
        assert row["Nhóm khách hàng"] == response.respondent_group.code
        assert (row["Kênh"], row["Hình thức"]) == (response.channel, FORMS[response.channel])
        assert row["Tên đơn vị"] == response.unit.name
        assert row["Tên nhóm khách hàng"] == response.respondent_group.name
        assert row["Tên hình thức"] in ("Trực tuyến", "Trực tiếp")
        assert row["Ngày"].date() == response.answered_on
        assert [row[q.code] for q in raw.questions] == [
            raw.answers[response.pk].get(q.id) for q in raw.questions
        ]
    assert checked > 20


@pytest.mark.django_db
def test_sheets_have_frozen_filtered_headers_formats_and_charts(tmp_path):
    data = build_dataset(per_cell=1)
    path = tmp_path / "r.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path), no_progress=True)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert "&A" in ws.oddFooter.center.text and "&P" in ws.oddFooter.center.text
        if ws.title in ("Tổng hợp", "Biểu đồ"):  # a title block and charts, not a table
            continue
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.auto_filter.ref.endswith(str(ws.max_row)), ws.title
    assert wb["Theo đơn vị"]["I2"].number_format == "0.00"
    assert wb["Dữ liệu"]["J2"].number_format == "dd/mm/yyyy"
    assert wb["Ý kiến"]["G2"].alignment.wrap_text
    # Wrapped text gets the height it needs (LibreOffice does not recompute it on opening).
    assert wb["Theo tiêu chí"].row_dimensions[2].height > 2 * 12
    comments = wb["Ý kiến"]
    for row in range(2, comments.max_row + 1):
        lines = (comments.cell(row, 7).value or "").count("\n") + 1
        assert (comments.row_dimensions[row].height or 15) >= 12 * lines
    assert wb["Theo đơn vị"].column_dimensions["B"].width > 20
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


@pytest.mark.django_db
def test_raw_data_continues_on_further_sheets_past_the_row_limit(tmp_path, monkeypatch):
    data = build_dataset(per_cell=1)  # 36 responses (3 units × 2 groups × 6 channels)
    monkeypatch.setattr(streamed, "MAX_SHEET_ROWS", 14)  # 13 rows per sheet + header
    wb = _compile(data.campaign, tmp_path)
    assert wb.sheetnames[-3:] == ["Dữ liệu", "Dữ liệu (2)", "Dữ liệu (3)"]
    ids = []
    for title in wb.sheetnames[-3:]:
        rows = list(wb[title].iter_rows(values_only=True))
        assert rows[0][0] == "Mã phiếu" and len(rows) <= 14
        ids += [r[0] for r in rows[1:]]
    assert sorted(ids) == ids and len(ids) == len(set(ids)) == 36


@pytest.mark.django_db
def test_campaign_without_responses_gives_a_valid_workbook_that_says_so(tmp_path):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="trong")
    wb = _compile(campaign, tmp_path)
    assert _contract_sheets(wb) == SHEETS
    values = [c for row in wb["Tổng hợp"].iter_rows(values_only=True) for c in row]
    assert "Chưa có phiếu khảo sát nào trong đợt này." in values
    assert list(wb["Theo đơn vị"].iter_rows(values_only=True))[1][:3] == ("KSC", unit.name, 0)
    assert wb["Dữ liệu"].max_row == 1


@pytest.mark.django_db
def test_compile_report_command_rejects_an_unknown_campaign(tmp_path):
    with pytest.raises(CommandError, match="khong-co"):
        call_command("compile_report", campaign="khong-co", out=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.django_db
def test_workbook_write_reports_progress_up_to_the_end():
    data = build_dataset(per_cell=1)
    seen = []
    workbook_write(campaign=data.campaign, out=io.BytesIO(), progress=lambda p, n: seen.append(p))
    assert seen == sorted(seen) and seen[0] == 0 and 0 < seen[-1] <= 99


@pytest.mark.django_db
def test_workbook_opens_in_libreoffice_without_repair(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        service_missing("LibreOffice (soffice) is not installed")
    data = build_dataset(per_cell=2)
    path = tmp_path / "report.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path), no_progress=True)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000, (result.stdout, result.stderr)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_date_cells_are_excel_serials():
    assert (datetime.date(2026, 1, 1) - rawdata.EXCEL_EPOCH).days == 46023
