from __future__ import annotations

from reports.exporters import SHEETS, ReportContext
from surveys.tests import factories


def test_check_sheet_is_registered_and_lists_the_responses(db):
    assert SHEETS["check"].title == "Kiểm tra"
    unit = factories.make_unit("KT", name="Phòng Kiểm tra")
    campaign = factories.make_campaign([unit])
    coached = [factories.make_response(campaign, unit, score=5) for _ in range(5)]
    rows = list(SHEETS["check"]().rows(ReportContext(campaign)))
    assert len(rows) == 1
    day, code, name, kind, measure, detail, count, listed = rows[0]
    assert (code, count, measure) == ("KT", 5, 5)
    assert kind == "Chuỗi phiếu có câu trả lời giống hệt nhau"
    assert listed == ", ".join(str(r.pk) for r in coached)


def test_check_sheet_says_when_nothing_is_found(db):
    unit = factories.make_unit("KU")
    campaign = factories.make_campaign([unit])
    factories.make_response(campaign, unit, score=4)
    rows = list(SHEETS["check"]().rows(ReportContext(campaign)))
    assert rows == [(None, "", "", "Không có dấu hiệu bất thường (1 phiếu).")]
