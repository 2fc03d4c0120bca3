"""The written report (DOCX/PDF): its figures against a recomputation from the raw answers,
its layout as a Vietnamese administrative document, and the unit's report."""

from __future__ import annotations

import datetime
import re

import docx
import openpyxl
import pytest
from django.core.management import call_command

from followups.models import FollowUpStatus
from reports.tests.dataset import build_dataset
from reports.tests.recompute import FORMS, Recomputed, carried_by
from surveys.models import Answer, Campaign, CampaignStatus, Channel, Response, Unit
from surveys.tests import factories


def vi(value: float) -> str:
    """The document's number style, written out here on purpose: 1234.5 -> "1.234,50"."""
    whole, frac = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def vi_n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _docx(campaign, tmp_path, **options) -> docx.document.Document:
    path = tmp_path / "bao-cao.docx"
    call_command(
        "compile_report", campaign=campaign.slug, out=str(path), fmt="docx", no_progress=True,
        **options,
    )  # fmt: skip
    return docx.Document(str(path))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _rows(document, first_header: str) -> dict[str, list[str]]:
    """The table whose first header cell is `first_header`, as label -> cells."""
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    raise AssertionError(f"no table headed {first_header!r}")


def _rate(value, n) -> str:
    if value is None:
        return "—"
    return f"{vi(value)}%" + (" (cỡ mẫu nhỏ)" if 0 < n < 30 else "")


@pytest.mark.django_db
def test_every_figure_of_the_written_report_matches_a_recomputation(tmp_path):
    data = build_dataset(per_cell=2)
    document = _docx(data.campaign, tmp_path)
    raw = Recomputed(data.campaign)
    everyone = list(raw.responses)
    total = raw.measures(everyone)
    body = _all_text(document)

    # Layout of an administrative document.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body
    assert "Số: ……/BC-" in body and "ngày …… tháng …… năm" in body and "BÁO CÁO" in body
    for heading in ("I. MỤC ĐÍCH", "II. KẾT QUẢ KHẢO SÁT", "III. NHỮNG TỒN TẠI",
                    "IV. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:", "THỦ TRƯỞNG ĐƠN VỊ"):  # fmt: skip
        assert heading in body, heading
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.left_margin.cm, 1) == 3.0

    # Overall results with N and the 95% interval.
    n = total["Số câu trả lời hợp lệ (N)"]
    assert f"Tổng số phiếu khảo sát: {vi_n(len(everyone))} phiếu" in body
    assert f"(N = {vi_n(n)} câu trả lời hợp lệ" in body
    low, high = (
        total["Khoảng tin cậy 95% - cận dưới (%)"],
        total["Khoảng tin cậy 95% - cận trên (%)"],
    )
    assert f"Tỷ lệ hài lòng: {_rate(total['Tỷ lệ hài lòng (%)'], n)} " in body
    assert f"(khoảng tin cậy 95%: {vi(low)}% – {vi(high)}%)" in body
    key = _rows(document, "Chỉ tiêu")
    assert key["Chỉ số hài lòng (%)"][1] == _rate(total["Chỉ số hài lòng (%)"], n)
    overall_n = total["Số phiếu trả lời câu hỏi chung (N)"]
    assert key["Tỷ lệ hài lòng chung (%)"][1:] == [
        _rate(total["Tỷ lệ hài lòng chung (%)"], overall_n), vi_n(overall_n)
    ]  # fmt: skip
    assert key["Tỷ lệ không hài lòng (%)"][1] == _rate(total["Tỷ lệ không hài lòng (%)"], n)

    def check(rows: dict, label: str, rids: list[int]) -> None:
        m = raw.measures(rids)
        valid, responses_n = m["Số câu trả lời hợp lệ (N)"], m["Số phiếu trả lời câu hỏi chung (N)"]
        interval = "—"
        if valid:
            interval = (f"{vi(m['Khoảng tin cậy 95% - cận dưới (%)'])}–"
                        f"{vi(m['Khoảng tin cậy 95% - cận trên (%)'])}")  # fmt: skip
        assert rows[label][1:] == [
            vi_n(m["Số phiếu"]),
            vi_n(valid),
            _rate(m["Tỷ lệ hài lòng (%)"], valid),
            interval,
            _rate(m["Chỉ số hài lòng (%)"], valid),
            _rate(m["Tỷ lệ hài lòng chung (%)"], responses_n),
        ], label

    units = _rows(document, "Đơn vị")
    listed = [u for u in data.units if u != data.old_unit]  # OLD is counted under NEW
    assert list(units) == [u.name for u in listed]
    day = data.campaign.closes_on
    for unit in listed:
        check(units, unit.name, raw.slice(lambda r, u=unit: carried_by(r.unit, day) == u))
    groups = _rows(document, "Nhóm khách hàng")
    for group in data.groups:
        check(groups, group.name, raw.slice(lambda r, g=group: r.respondent_group_id == g.pk))
    channels = _rows(document, "Kênh (hình thức)")
    assert len(channels) == len(Channel.values) + 2  # every channel, then both forms
    for label, form in (("Trực tuyến", "online"), ("Trực tiếp", "direct")):
        check(channels, label, raw.slice(lambda r, f=form: FORMS[r.channel] == f))
    for channel in Channel.values:
        label = next(k for k in channels if k.startswith(str(Channel(channel).label)))
        check(channels, label, raw.slice(lambda r, c=channel: r.channel == c))
    aspects = _rows(document, "Khía cạnh")
    for (name, cells), qids in zip(aspects.items(), raw.aspect_questions.values(), strict=True):
        index = sum(raw.question_rate(everyone, q) for q in qids) / len(qids)
        n_aspect = len([s for s in raw.scores(everyone, qids) if s is not None])
        assert cells[1:] == [_rate(index, n_aspect), vi_n(n_aspect)], name

    # Required respondents per form against the responses.
    quotas = _rows(document, "Hình thức")
    online = len(raw.slice(lambda r: FORMS[r.channel] == "online"))
    assert quotas["Trực tuyến"][1:4] == ["10", vi_n(online), f"{vi(online * 100 / 10)}%"]

    # The shortcomings and where each follow-up stands; the charts as pictures.
    followups = _rows(document, "Vấn đề")
    assert followups["Chờ lâu"][1] == "Phòng Kế toán Nhà nước"
    assert followups["Chờ lâu"][2] == "3" and followups["Chờ lâu"][4].startswith("Đang xử lý")
    assert len(document.inline_shapes) == 2


@pytest.mark.django_db
def test_comparison_with_the_previous_round_through_the_successor(tmp_path):
    data = build_dataset(per_cell=1)
    # GONE ended in mid-2025; its successor is the new regional treasury.
    Unit.objects.filter(pk=data.outside_unit.pk).update(successor=data.new_unit)
    earlier = factories.make_campaign(
        [data.outside_unit, data.units[0]], slug="dot-truoc", name="Đợt II năm 2025", year=2025,
        round=2, opens_on=datetime.date(2025, 7, 1), closes_on=datetime.date(2025, 12, 31),
        status=CampaignStatus.CLOSED,
    )  # fmt: skip
    earlier.questionnaire = data.campaign.questionnaire
    earlier.save()
    questions = list(earlier.questionnaire.questions.all())
    for _ in range(3):  # all very satisfied
        r = Response.objects.create(
            campaign=earlier, unit=data.outside_unit, respondent_group=data.groups[0],
            channel="paper", answered_on=datetime.date(2025, 8, 1),
        )  # fmt: skip
        Answer.objects.bulk_create(Answer(response=r, question=q, score=5) for q in questions)
    document = _docx(data.campaign, tmp_path)
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Đơn vị"]
    compared = {r.cells[0].text: [c.text for c in r.cells] for r in tables[1].rows[1:]}
    raw = Recomputed(data.campaign)
    # NEW counts its own responses and those of OLD, its predecessor within the round.
    rids = raw.slice(lambda r: r.unit_id in (data.new_unit.pk, data.old_unit.pk))
    now = raw.measures(rids)["Tỷ lệ hài lòng (%)"]
    # The successor carries the old unit's history (3 forms × 10 criteria, all satisfied).
    row = compared[data.new_unit.name]
    assert row[2] == "100,00% (N = 30)"
    change = now - 100.0
    sign = "+" if change > 0 else "-" if change < 0 else ""
    assert row[3].startswith(f"{sign}{vi(abs(change))} điểm")
    assert data.old_unit.name not in compared  # rolled up into NEW
    # The workbook's `Theo đơn vị` carries the same comparison.
    path = tmp_path / "r.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path), no_progress=True)
    header, *rows = list(openpyxl.load_workbook(path)["Theo đơn vị"].iter_rows(values_only=True))
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    new = by_code[data.new_unit.code]
    assert new["Tỷ lệ hài lòng đợt trước (%)"] == 100.0 and new["N đợt trước"] == 30
    assert new["Thay đổi so với đợt trước (điểm)"] == pytest.approx(change)
    assert new["Ý nghĩa so với đợt trước"] in ("đáng kể", "không đáng kể")
    assert new["Tỷ lệ hài lòng năm trước (%)"] is None  # no round 1 in 2025
    assert data.old_unit.code not in by_code
    assert new["Gồm đơn vị cũ"] == ", ".join(sorted([data.old_unit.code, data.outside_unit.code]))
    assert Campaign.objects.get(slug="dot-truoc").name in _all_text(document)


@pytest.mark.django_db
def test_a_unit_report_holds_only_the_units_subtree(tmp_path):
    data = build_dataset(per_cell=1)
    parent = data.units[0]
    data.empty_unit.parent = parent
    data.empty_unit.save()
    raw = Recomputed(data.campaign)
    document = _docx(data.campaign, tmp_path, unit=parent.code)
    units = _rows(document, "Đơn vị")
    assert list(units) == [parent.name, data.empty_unit.name]
    mine = raw.slice(lambda r: r.unit_id == parent.pk)
    assert f"Tổng số phiếu khảo sát: {vi_n(len(mine))} phiếu" in _all_text(document)

    path = tmp_path / "unit.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path), unit=parent.code,
                 no_progress=True)  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert "Kiểm tra" not in wb.sheetnames  # survey-team material, not scoped to a unit
    codes = [r[0] for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert codes == [parent.code, data.empty_unit.code]
    raw_ids = [r[0] for r in wb["Dữ liệu"].iter_rows(min_row=2, values_only=True)]
    assert sorted(raw_ids) == sorted(mine)
    comment_units = {r[2] for r in wb["Ý kiến"].iter_rows(min_row=2, values_only=True)}
    assert comment_units <= {parent.code}
    summary = {r[0]: r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Số phiếu"][1] == len(mine) and summary["Đơn vị báo cáo"][1] == parent.name


@pytest.mark.django_db
def test_official_workbook_holds_the_summary_sheets_only(tmp_path):
    data = build_dataset(per_cell=1)
    path = tmp_path / "official.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path), variant="official",
                 no_progress=True)  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Tổng hợp", "Biểu đồ", "Theo đơn vị", "Theo đơn vị cấp trên", "Theo tiêu chí",
        "Theo nhóm khách hàng", "Theo kênh", "Chỉ tiêu",
    ]  # fmt: skip
    summary = {r[0]: r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Loại bản"][1].startswith("Bản chính thức")
    every = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)
    for code in ("payer", "budget_user", "web", "online", "direct", "paper"):
        assert not re.search(rf"\b{code}\b", every), code  # Vietnamese labels, never codes


@pytest.mark.django_db
def test_small_bases_are_marked_and_response_rates_reported(tmp_path):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="it")
    from surveys.models import Quota

    Quota.objects.create(campaign=campaign, unit=unit, form="online", minimum=2,
                         transaction_volume=40)  # fmt: skip
    for _ in range(2):
        factories.make_response(campaign, unit, score=4)
    path = tmp_path / "small.xlsx"
    call_command("compile_report", campaign=campaign.slug, out=str(path), no_progress=True)
    wb = openpyxl.load_workbook(path)
    header, row = list(wb["Theo đơn vị"].iter_rows(max_row=2, values_only=True))
    assert row[header.index("Ghi chú")] == "cỡ mẫu nhỏ"  # 2 forms: N = 2 on the overall rate
    header, *rows = list(wb["Chỉ tiêu"].iter_rows(values_only=True))
    online = next(r for r in rows if r[header.index("Hình thức")] == "Trực tuyến")
    assert online[header.index("Số giao dịch")] == 40
    assert online[header.index("Tỷ lệ phản hồi (%)")] == pytest.approx(5.0)
    document = _docx(campaign, tmp_path)
    assert "(cỡ mẫu nhỏ)" in _all_text(document)
    assert _rows(document, "Hình thức")["Trực tuyến"][4:] == ["40", "5,00%"]
    assert FollowUpStatus.IN_PROGRESS  # the enum the follow-up table shows
