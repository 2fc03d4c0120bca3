"""The year's workbook (compile_report --year): across its rounds, rolled up through a
reorganisation, quotas against the yearly plan; checked against the rounds' own workbooks and
against a recomputation from the raw answers."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import ReportRun, ReportStatus
from reports.services import ReportError, report_request
from reports.tests.recompute import FORMS, Recomputed, carried_by
from reports.tests.test_workbook import _same, _table
from reports.tests.years import build_years

LEVELS = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")


def _workbook(tmp_path, name, **options):
    path = tmp_path / f"{name}.xlsx"
    call_command("compile_report", out=str(path), no_progress=True, **options)
    return openpyxl.load_workbook(path)


def _by_code(ws) -> dict[str, dict]:
    _, rows = _table(ws)
    return {r["Mã đơn vị"]: r for r in rows}


@pytest.mark.django_db
def test_the_years_level_counts_per_unit_are_the_sum_of_its_rounds(tmp_path):
    years = build_years()
    year = _by_code(_workbook(tmp_path, "y", year=2024, root="KV")["Theo đơn vị"])
    rounds = [
        _by_code(_workbook(tmp_path, c.slug, campaign=c.slug)["Theo đơn vị"])
        for c in years.rounds_2024
    ]
    assert set(year) == {"A", "P1", "P2", "S", "N"} == set(rounds[0]) == set(rounds[1])
    for code, row in year.items():
        for column in ("Số phiếu", *LEVELS, "Không ý kiến"):
            assert row[column] == sum(r[code][column] for r in rounds), (code, column)
        assert row["Mã đơn vị cấp trên"] == "KV"


@pytest.mark.django_db
def test_a_year_across_a_reorganisation_counts_each_unit_and_its_former_units(tmp_path):
    years = build_years()
    wb = _workbook(tmp_path, "y", year=2025)  # the only root: no --root needed
    raw = Recomputed(years.rounds_2025)
    last_day = datetime.date(2025, 12, 31)
    rows = _by_code(wb["Theo đơn vị"])
    # The units valid on 31/12/2025, and S: split, its history stays under its own code.
    assert set(rows) == {"A", "M", "S", "S1", "S2", "N2"}
    formers = {code: set(filter(None, (r["Gồm đơn vị cũ"] or "").split(", ")))
               for code, r in rows.items()}  # fmt: skip
    assert formers == {"A": set(), "M": {"P1", "P2"}, "S": set(), "S1": set(), "S2": set(),
                       "N2": {"N"}}  # fmt: skip
    counted = 0
    for code, row in rows.items():
        # Exactly the raw responses of the unit and of the units it lists.
        rids = raw.slice(lambda r, codes={code} | formers[code]: r.unit.code in codes)
        _same(row, raw.measures(rids), code)
        assert rids == raw.slice(lambda r, c=code: carried_by(r.unit, last_day).code == c)
        counted += len(rids)
    assert counted == len(raw.responses) == sum(r["Số phiếu"] for r in rows.values())

    # Theo đơn vị cấp trên: the region totals its whole subtree.
    _, parents = _table(wb["Theo đơn vị cấp trên"])
    assert [p["Mã đơn vị"] for p in parents] == ["KV"]
    _same(parents[0], raw.measures(list(raw.responses)), "KV")
    assert parents[0]["Số đơn vị trong báo cáo"] == 6

    # Chỉ tiêu against the yearly plan: P1's part rolls up into M with its responses.
    _, quota = _table(wb["Chỉ tiêu"])
    got = {(q["Mã đơn vị"], q["Hình thức"]): q for q in quota}
    m_online = got[("M", "Trực tuyến")]
    online_m = raw.slice(
        lambda r: r.unit.code in ("M", "P1", "P2") and FORMS[r.channel] == "online"
    )
    assert (m_online["Chỉ tiêu"], m_online["Đã đạt"]) == (25, len(online_m))
    assert got[("A", "Trực tuyến")]["Số giao dịch"] == 90
    assert got[("S1", "Trực tuyến")]["Chỉ tiêu"] is None

    # Tổng hợp names the year and its rounds, and the participation number.
    cells = [c for row in wb["Tổng hợp"].iter_rows(values_only=True) for c in row if c]
    assert "Năm 2025" in cells
    assert any("Đợt 1 năm 2025" in str(c) and "Đợt 2 năm 2025" in str(c) for c in cells)
    summary = {r[0]: r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Số phiếu"][1] == len(raw.responses)
    assert summary["Số tham gia Sở Nội vụ giao năm 2025 (Trực tuyến)"][1] == 200

    # The previous year through the successor chains: M against P1 + P2 in 2024.
    before = Recomputed(years.rounds_2024)
    then = before.measures(before.slice(lambda r: r.unit.code in ("P1", "P2")))
    assert rows["M"]["Tỷ lệ hài lòng năm trước (%)"] == pytest.approx(then["Tỷ lệ hài lòng (%)"])
    assert rows["M"]["N năm trước"] == then["Số câu trả lời hợp lệ (N)"]
    assert rows["M"]["Tỷ lệ hài lòng đợt trước (%)"] is None  # a year has no previous round
    # Every raw answer row of the year, with the unit it was given to.
    _, data = _table(wb["Dữ liệu"])
    assert sorted(r["Mã phiếu"] for r in data) == sorted(raw.responses)
    assert {r["Mã đơn vị"] for r in data} >= {"P1", "P2", "N", "S"}


@pytest.mark.django_db
def test_a_year_report_of_a_subtree_and_its_rounds_roll_up_alike(tmp_path):
    years = build_years(per_unit=3)
    wb = _workbook(tmp_path, "m", year=2025, root="KV", unit="M")
    raw = Recomputed(years.rounds_2025)
    rows = _by_code(wb["Theo đơn vị"])
    assert set(rows) == {"M"}
    _same(rows["M"], raw.measures(raw.slice(lambda r: r.unit.code in ("M", "P1", "P2"))), "M")
    # A round's report rolls up as well: round 1 ended before the merge, so P1 and P2 are
    # listed on their own there (units valid on its last day).
    first = _by_code(_workbook(tmp_path, "r1", campaign=years.rounds_2025[0].slug)["Theo đơn vị"])
    assert {"P1", "P2", "S", "N"} <= set(first)


@pytest.mark.django_db
def test_compile_report_refuses_a_year_without_rounds_and_a_root_without_year(tmp_path):
    build_years(per_unit=1)
    with pytest.raises(CommandError, match="2019"):
        call_command("compile_report", year=2019, out=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="--year"):
        call_command("compile_report", campaign="kv-2024-1", root="KV",
                     out=str(tmp_path / "x.xlsx"))  # fmt: skip
    with pytest.raises(CommandError, match="KHONG"):
        call_command("compile_report", year=2024, root="KHONG", out=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.django_db
def test_a_year_run_is_compiled_by_the_task_like_a_round(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    years = build_years(per_unit=2)
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(year=2025, root=years.root, variant="official")
    run.refresh_from_db()  # eager Celery: compiled on commit
    assert run.status == ReportStatus.DONE, run.error
    assert run.campaign is None and run.year == 2025 and "2025" in str(run)
    wb = openpyxl.load_workbook(run.file.path)
    assert "M" in _by_code(wb["Theo đơn vị"])
    with pytest.raises(ReportError):
        report_request(year=2019, root=years.root)
    with pytest.raises(ReportError):
        report_request(year=2025, campaign=years.rounds_2025[0])
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_the_years_written_report_names_the_year_and_rolls_up(tmp_path):
    import docx

    from reports.tests.test_written_report import _all_text, _rows

    years = build_years(per_unit=2)
    path = tmp_path / "nam.docx"
    call_command("compile_report", year=2025, root="KV", fmt="docx", out=str(path),
                 no_progress=True)  # fmt: skip
    document = docx.Document(str(path))
    body = _all_text(document)
    assert "Năm 2025 (Đợt 1 năm 2025, Đợt 2 năm 2025)" in body
    assert "từ ngày 01/01/2025 đến ngày 31/12/2025" in body
    units = _rows(document, "Đơn vị")
    assert years.units["M"].name in units and years.units["P1"].name not in units
    raw = Recomputed(years.rounds_2025)
    merged = raw.slice(lambda r: r.unit.code in ("M", "P1", "P2"))
    assert units[years.units["M"].name][1] == f"{len(merged)}"
