from __future__ import annotations

from dashboard.stuffing import signals_refresh
from reports.exporters import SHEETS, ReportContext
from surveys.tests import factories


def test_check_sheet_is_registered_and_lists_the_responses(db):
    assert SHEETS["check"].title == "Kiểm tra"
    unit = factories.make_unit("KT", name="Phòng Kiểm tra")
    campaign = factories.make_campaign([unit])
    coached = [factories.make_response(campaign, unit, score=5) for _ in range(5)]
    signals_refresh(campaign=campaign)
    rows = list(SHEETS["check"]().rows(ReportContext(campaign)))
    assert len(rows) == 2
    assert "trên 5 phiếu." in rows[0][3]
    day, code, name, kind, measure, detail, count, listed = rows[1]
    assert (code, count, measure) == ("KT", 5, 5)
    assert kind == "Chuỗi phiếu có câu trả lời giống hệt nhau"
    assert listed == ", ".join(str(r.pk) for r in coached)


def test_check_sheet_says_when_nothing_is_found_or_computed(db):
    unit = factories.make_unit("KU")
    campaign = factories.make_campaign([unit])
    factories.make_response(campaign, unit, score=4)
    rows = list(SHEETS["check"]().rows(ReportContext(campaign)))
    assert len(rows) == 1 and rows[0][3].startswith("Chưa tính dấu hiệu")
    signals_refresh(campaign=campaign)
    rows = list(SHEETS["check"]().rows(ReportContext(campaign)))
    assert [r[3] for r in rows][1:] == ["Không có dấu hiệu bất thường."]
    factories.make_response(campaign, unit, score=3)
    note = next(iter(SHEETS["check"]().rows(ReportContext(campaign))))[3]
    assert "đợt hiện có 2 phiếu, cần tính lại" in note
