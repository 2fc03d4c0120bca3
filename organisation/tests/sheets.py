"""Unit sheets for tests, written with openpyxl as a user's Excel would save them."""

from __future__ import annotations

import io

from openpyxl import Workbook

from organisation.services.unit_import import COLUMNS


def unit_sheet(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A region with two offices, and the provincial tree it replaced on 15/3/2025.
REGION_ROWS = [
    ["DNG", "KBNN Đà Nẵng", "KBNN tỉnh", "", "", "14/03/2025", ""],
    ["HCH", "KBNN Hải Châu", "KBNN quận/huyện", "DNG", "", "14/03/2025", "PGD1"],
    ["TKH", "KBNN Thanh Khê", "Kho bạc Nhà nước cấp huyện", "DNG", "", "14/03/2025", "PGD1"],
    ["KV12", "KBNN khu vực XII", "KBNN khu vực", "", "15/03/2025", "", ""],
    ["KSC", "Phòng Kiểm soát chi", "Phòng nghiệp vụ", "KV12", "15/03/2025", "", ""],
    ["PGD1", "Phòng Giao dịch số 1", "Phòng Giao dịch", "KV12", "15/03/2025", "", ""],
    ["PGD2", "Phòng Giao dịch số 2", "phòng giao dịch", "KV12", "15/03/2025", "", ""],
]
