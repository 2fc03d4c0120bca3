"""units_import and `manage.py import_units`: all rows or none, every bad row named."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fieldwork.sheets import SheetRefused
from organisation.models import UnitImport
from organisation.services.unit_import import (
    COL_CODE,
    COL_KIND,
    COL_PARENT,
    COL_SUCCESSOR,
    COL_TO,
    COLUMNS,
    units_import,
)
from surveys.models import Unit, UnitKind
from surveys.tests.factories import make_campaign, make_unit

from .sheets import REGION_ROWS, unit_sheet

D = datetime.date


def state() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list(
            "code",
            "name",
            "kind",
            "parent__code",
            "successor__code",
            "valid_from",
            "valid_to",
        )
    )


def refused(rows: list[list[object]]) -> list[tuple[int, str, str]]:
    with pytest.raises(SheetRefused) as caught:
        units_import(data=unit_sheet(rows), filename="don-vi.xlsx")
    return [(e.row, e.column, e.reason) for e in caught.value.errors]


def test_command_loads_a_region_and_the_tree_it_replaced(db, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(unit_sheet(REGION_ROWS))
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out)
    assert "7" in out.getvalue()
    assert state() == [
        ("DNG", "KBNN Đà Nẵng", UnitKind.BRANCH, None, None, None, D(2025, 3, 14)),
        ("HCH", "KBNN Hải Châu", UnitKind.DISTRICT, "DNG", "PGD1", None, D(2025, 3, 14)),
        ("KSC", "Phòng Kiểm soát chi", UnitKind.DEPARTMENT, "KV12", None, D(2025, 3, 15), None),
        ("KV12", "KBNN khu vực XII", UnitKind.REGIONAL, None, None, D(2025, 3, 15), None),
        ("PGD1", "Phòng Giao dịch số 1", UnitKind.OFFICE, "KV12", None, D(2025, 3, 15), None),
        ("PGD2", "Phòng Giao dịch số 2", UnitKind.OFFICE, "KV12", None, D(2025, 3, 15), None),
        ("TKH", "KBNN Thanh Khê", UnitKind.DISTRICT, "DNG", "PGD1", None, D(2025, 3, 14)),
    ]
    log = UnitImport.objects.get()
    assert sorted(log.created) == sorted(row[0] for row in REGION_ROWS)


def test_the_same_sheet_twice_changes_nothing(db):
    data = unit_sheet(REGION_ROWS)
    units_import(data=data, filename="a.xlsx")
    before = state()
    with CaptureQueriesContext(connection) as queries:
        result = units_import(data=data, filename="a.xlsx")
    assert (result.created, result.updated, result.unchanged) == ([], [], 7)
    assert result.log is None and UnitImport.objects.count() == 1
    assert state() == before
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_a_changed_name_or_date_updates_the_unit(db):
    units_import(data=unit_sheet(REGION_ROWS), filename="a.xlsx")
    pk = Unit.objects.get(code="PGD2").pk
    rows = [list(row) for row in REGION_ROWS]
    rows[6][1] = "Phòng Giao dịch số 2 (Sơn Trà)"
    rows[4][4] = "16/03/2025"
    result = units_import(data=unit_sheet(rows), filename="b.xlsx")
    assert sorted(result.updated) == ["KSC", "PGD2"] and result.created == []
    unit = Unit.objects.get(code="PGD2")
    assert unit.pk == pk and unit.name == "Phòng Giao dịch số 2 (Sơn Trà)"
    assert Unit.objects.get(code="KSC").valid_from == D(2025, 3, 16)


def test_rows_may_refer_to_units_already_loaded(db):
    region = make_unit("KV2", kind=UnitKind.REGIONAL)
    units_import(
        data=unit_sheet([["PGD9", "Phòng Giao dịch số 9", "Phòng Giao dịch", "kv2", "", "", ""]]),
        filename="a.xlsx",
    )
    assert Unit.objects.get(code="PGD9").parent == region


def test_kinds_are_read_by_their_vietnamese_names(db):
    names = [
        ("A1", "Kho bạc Nhà nước khu vực", UnitKind.REGIONAL),
        ("A2", "KBNN  KHU VỰC", UnitKind.REGIONAL),
        ("A3", "Phòng Giao dịch", UnitKind.OFFICE),
        ("A4", "Phòng thuộc Kho bạc thành phố", UnitKind.DEPARTMENT),
        ("A5", "KBNN quận/huyện", UnitKind.DISTRICT),
        ("A6", "Kho bạc Nhà nước tỉnh, thành phố", UnitKind.BRANCH),
        ("A7", "office", UnitKind.OFFICE),
    ]
    rows = [[code, f"Đơn vị {code}", kind, "", "", "", ""] for code, kind, _ in names]
    units_import(data=unit_sheet(rows), filename="a.xlsx")
    assert dict(Unit.objects.values_list("code", "kind")) == {c: k for c, _, k in names}


def test_every_bad_row_is_named_in_vietnamese_and_nothing_is_written(db):
    make_unit("OLD", valid_to=D(2024, 12, 31), parent=None)
    rows = [
        ["A", "Đơn vị A", "Phòng nghiệp vụ", "NOPE", "", "", ""],  # 2 unknown parent
        ["B", "Đơn vị B", "Phòng nghiệp vụ", "", "", "01/01/2025", "GONE"],  # 3
        ["C", "Đơn vị C", "Phòng nghiệp vụ", "", "", "", ""],  # 4
        ["c", "Đơn vị C lặp", "Phòng nghiệp vụ", "", "", "", ""],  # 5 duplicate
        ["E", "Đơn vị E", "Phòng nghiệp vụ", "", "01/02/2025", "01/01/2025", ""],  # 6
        ["F", "Đơn vị F", "Xã phường", "", "", "", ""],  # 7 unknown kind
        ["G", "Đơn vị G", "Phòng nghiệp vụ", "", "", "31/12/2024", "H"],  # 8
        ["H", "Đơn vị H", "Phòng nghiệp vụ", "", "01/03/2025", "", ""],  # 9 starts late
        ["I", "Đơn vị I", "Phòng nghiệp vụ", "", "", "", "C"],  # 10 successor, no end
        ["J", "Đơn vị J", "Phòng nghiệp vụ", "", "32/01/2025", "", ""],  # 11 bad date
    ]
    errors = refused(rows)
    by_row = {(row, column): reason for row, column, reason in errors}
    assert "NOPE" in by_row[(2, COL_PARENT)] and "cấp trên" in by_row[(2, COL_PARENT)]
    assert "GONE" in by_row[(3, COL_SUCCESSOR)]
    assert "hai lần" in by_row[(5, COL_CODE)] and "dòng 4" in by_row[(5, COL_CODE)]
    assert "kết thúc" in by_row[(6, COL_TO)]
    assert "Xã phường" in by_row[(7, COL_KIND)]
    assert "01/01/2025" in by_row[(8, COL_SUCCESSOR)]
    assert "Hiệu lực đến" in by_row[(10, COL_SUCCESSOR)]
    assert "dd/mm/yyyy" in by_row[(11, "Hiệu lực từ")]
    assert len(errors) == 8
    assert [code for code, *_ in state()] == ["OLD"]
    assert UnitImport.objects.count() == 0


def test_a_cycle_in_parents_is_refused_naming_each_row(db):
    rows = [
        ["A", "Đơn vị A", "Phòng nghiệp vụ", "C", "", "", ""],
        ["B", "Đơn vị B", "Phòng nghiệp vụ", "A", "", "", ""],
        ["C", "Đơn vị C", "Phòng nghiệp vụ", "B", "", "", ""],
        ["D", "Đơn vị D", "Phòng nghiệp vụ", "D", "", "", ""],
        ["E", "Đơn vị E", "Phòng nghiệp vụ", "A", "", "", ""],  # under the cycle, not in it
    ]
    errors = refused(rows)
    assert [(row, column) for row, column, _ in errors] == [
        (2, COL_PARENT),
        (3, COL_PARENT),
        (4, COL_PARENT),
        (5, COL_PARENT),
    ]
    assert "vòng" in errors[0][2] and "A → C → B → A" in errors[0][2]
    assert "D → D" in errors[3][2]
    assert Unit.objects.count() == 0


def test_a_cycle_in_successors_through_a_loaded_unit_is_refused(db):
    make_unit("X", valid_to=D(2024, 12, 31))
    Unit.objects.filter(code="X").update(successor=None)
    units_import(
        data=unit_sheet(
            [
                ["X", "Đơn vị X", "Phòng nghiệp vụ", "", "", "31/12/2024", "Y"],
                ["Y", "Đơn vị Y", "Phòng nghiệp vụ", "", "01/01/2025", "", ""],
            ]
        ),
        filename="a.xlsx",
    )
    # Now Y ends and names X as its successor: X → Y → X.
    errors = refused([["Y", "Đơn vị Y", "Phòng nghiệp vụ", "", "01/01/2025", "30/06/2025", "X"]])
    assert any(column == COL_SUCCESSOR and "X → Y" in reason for _, column, reason in errors)
    assert Unit.objects.get(code="Y").valid_to is None


def test_a_successor_changed_by_the_sheet_must_still_serve_its_loaded_predecessor(db):
    successor = make_unit("NEW", valid_from=D(2025, 1, 1))
    make_unit("OLD", valid_to=D(2024, 12, 31), successor=successor)
    errors = refused([["NEW", "Đơn vị mới", "Phòng nghiệp vụ", "", "01/02/2025", "", ""]])
    assert errors[0][:2] == (2, "Hiệu lực từ") and "OLD" in errors[0][2]


def test_a_unit_may_not_end_while_an_open_round_surveys_it(db):
    unit = make_unit("KSC")
    make_campaign([unit], name="Đợt I năm 2026", opens_on=D(2026, 1, 1), closes_on=D(2026, 6, 30))
    errors = refused([["KSC", "Phòng KSC", "Phòng nghiệp vụ", "", "", "31/03/2026", ""]])
    assert errors[0][:2] == (2, COL_TO) and "Đợt I năm 2026" in errors[0][2]
    # After the round closes it may end.
    units_import(
        data=unit_sheet([["KSC", "Phòng KSC", "Phòng nghiệp vụ", "", "", "30/06/2026", ""]]),
        filename="a.xlsx",
    )
    assert Unit.objects.get(code="KSC").valid_to == D(2026, 6, 30)


def test_header_problems_are_named(db):
    with pytest.raises(SheetRefused) as caught:
        units_import(data=unit_sheet([["A", "B"]], header=[COL_CODE, "Tên"]), filename="a.xlsx")
    columns = {e.column for e in caught.value.errors}
    assert "Tên" in columns and COL_KIND in columns


def test_command_prints_each_problem_and_fails(db, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(unit_sheet([["A", "Đơn vị A", "?", "", "", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stderr=err)
    assert "Dòng 2, cột Loại" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_units", str(tmp_path / "missing.xlsx"))
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stderr=io.StringIO())


def test_six_hundred_units_in_a_few_queries(db):
    rows = [["KV", "KBNN khu vực", "KBNN khu vực", "", "01/01/2025", "", ""]]
    for i in range(1, 600):
        parent = "KV" if i < 20 else f"P{i % 19 + 1}"
        rows.append([f"P{i}", f"Phòng {i}", "Phòng Giao dịch", parent, "01/01/2025", "", ""])
    data = unit_sheet(rows)
    with CaptureQueriesContext(connection) as queries:
        result = units_import(data=data, filename="all.xlsx")
    assert len(result.created) == 600
    assert len(queries) <= 13  # 12, and the record's top unit (who sees it: surveys.scope)
    assert Unit.objects.filter(parent__code="KV").count() == 19
    with CaptureQueriesContext(connection) as queries:
        result = units_import(data=data, filename="all.xlsx")
    assert result.unchanged == 600 and len(queries) <= 6
    assert COLUMNS[0] == COL_CODE
