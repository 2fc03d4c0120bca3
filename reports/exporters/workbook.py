"""Assemble the workbook: openpyxl (write-only) renders every sheet; raw rows are spliced in.

`workbook_write()` is what the Celery task and `compile_report` both call, so the two produce
the same file.
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from django.db import connection, transaction
from django.utils import translation
from openpyxl import Workbook

from surveys.models import Campaign

from . import rawdata
from .base import registered_sheets
from .context import ProgressCallback, ReportContext

# Raw rows compress very well; level 1 is much faster than the default for a few % of size.
RAW_COMPRESSLEVEL = 1
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class DataChangedError(RuntimeError):
    """More responses than counted at the start: the snapshot was not consistent."""


def _sheet_parts(src: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> zip member of its XML, read from workbook.xml and its relationships."""
    book = ElementTree.fromstring(src.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(src.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in book.find("m:sheets", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name")] = posixpath.normpath(path)
    return parts


class _Progress:
    """Maps each sheet's share of the work onto 0..100 and throttles the callback."""

    def __init__(self, callback: ProgressCallback, weights: list[int]):
        self.callback, self.total = callback, max(sum(weights), 1)
        self.done, self.last = 0, 0.0

    def step(self, weight: int, fraction: float, note: str, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= 1.0:
            self.last = now
            percent = int(99 * (self.done + weight * min(fraction, 1.0)) / self.total)
            self.callback(percent, note)

    def finished(self, weight: int) -> None:
        self.done += weight


def workbook_write(
    *, campaign: Campaign, out: io.BufferedIOBase, progress: ProgressCallback | None = None
) -> None:
    """Write the campaign's workbook (xlsx) to the binary file `out`.

    Call it inside `snapshot()` so every sheet reads the same data. Progress goes to
    `progress(percent, note)` at most once a second.
    """
    with translation.override("vi"):
        ctx = ReportContext(campaign, progress)
        sheets = registered_sheets()
        track = _Progress(ctx.progress, [s.weight for s in sheets] + [1])
        track.step(0, 0, "Tổng hợp số liệu", force=True)
        wb = Workbook(write_only=True)
        raw_titles: list[str] = []
        raw_sheet = None
        for sheet in sheets:
            track.step(0, 0, sheet.title, force=True)
            if getattr(sheet, "streamed", False):
                raw_sheet = sheet
                raw_titles = sheet.sheet_titles(ctx)
                for title in raw_titles:
                    sheet.render(wb.create_sheet(title), ctx)
                continue  # its rows come with the splice below
            sheet.render(wb.create_sheet(sheet.title), ctx)
            track.finished(sheet.weight)
        frame = io.BytesIO()
        wb.save(frame)
        _splice(frame, out, raw_sheet, raw_titles, ctx, track)
        track.finished(1)


def _splice(frame, out, raw_sheet, raw_titles, ctx, track: _Progress) -> None:
    with (
        zipfile.ZipFile(frame) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=RAW_COMPRESSLEVEL) as dst,
    ):
        parts = _sheet_parts(src)
        raw_parts = [parts[title] for title in raw_titles]
        for info in src.infolist():
            if info.filename not in raw_parts:
                dst.writestr(info, src.read(info.filename))
        if raw_sheet is None:
            return
        rows = _Rows(raw_sheet.xml_chunks(ctx, _date_style(src, raw_parts[0])))
        capacity = raw_sheet.rows_per_sheet()
        expected = max(ctx.response_total, 1)
        written = 0
        for index, member in enumerate(raw_parts):
            prefix, suffix, _ = rawdata.split_frame(src.read(member).decode())
            last = index == len(raw_parts) - 1
            with dst.open(member, "w") as f:
                f.write(prefix.encode())
                in_sheet = 0
                for xml, n in _take(rows, None if last else capacity):
                    f.write(xml.encode())
                    in_sheet += n
                    written += n
                    if in_sheet > capacity:
                        raise DataChangedError("more responses than counted")
                    track.step(raw_sheet.weight, written / expected, raw_sheet.title)
                f.write(rawdata.finish_suffix(suffix, in_sheet + 1).encode())
        track.finished(raw_sheet.weight)


def _date_style(src: zipfile.ZipFile, member: str) -> str:
    return rawdata.split_frame(src.read(member).decode())[2]


class _Rows:
    """Row bodies in chunks, shared by the raw sheets: what one sheet leaves, the next takes."""

    def __init__(self, chunks: Iterator[list[str]]):
        self.chunks, self.pending = chunks, []


def _take(rows: _Rows, limit: int | None) -> Iterator[tuple[str, int]]:
    """Up to `limit` rows (None: all) as numbered `<row>` XML, a chunk at a time."""
    taken = 0
    while limit is None or taken < limit:
        if not rows.pending:
            chunk = next(rows.chunks, None)
            if chunk is None:
                return
            rows.pending = chunk
        room = len(rows.pending) if limit is None else min(len(rows.pending), limit - taken)
        batch, rows.pending = rows.pending[:room], rows.pending[room:]
        start = taken + 2  # row 1 is the header
        xml = "".join(f'<row r="{start + i}">{body}</row>' for i, body in enumerate(batch))
        taken += room
        yield xml, room


def snapshot():
    """A transaction that sees one snapshot of the data (PostgreSQL REPEATABLE READ).

    Responses keep arriving while a report compiles; inside it the counts of `Tổng hợp` and
    the rows of `Dữ liệu` come from the same moment. Elsewhere (SQLite) a plain transaction.
    """
    return _Snapshot()


class _Snapshot:
    def __enter__(self):
        outermost = not connection.in_atomic_block
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Not READ ONLY: a registered sheet may refresh a summary table it reads.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)
