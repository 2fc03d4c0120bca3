"""Assemble the workbook: openpyxl (write-only) renders every sheet; raw rows are spliced in.

`workbook_write()` is what the Celery task and `compile_report` both call, so the two produce
the same file.
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
from xml.etree import ElementTree

from django.db import connection, transaction
from django.utils import translation
from openpyxl import Workbook

from surveys.models import Campaign

from . import streamed
from .base import registered_sheets
from .context import ProgressCallback, ReportContext
from .streamed import StreamedSheet

# Sheet XML compresses very well; level 1 is much faster than the default for a few % of size.
COMPRESSLEVEL = 1
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
    `progress(percent, note)` at most once a second; the note names the sheet being written.
    """
    with translation.override("vi"):
        ctx = ReportContext(campaign, progress)
        sheets = registered_sheets()
        track = _Progress(ctx.progress, [s.weight for s in sheets])
        track.step(0, 0, "Tổng hợp số liệu", force=True)
        wb = Workbook(write_only=True)
        streamed: list[tuple[StreamedSheet, list[str]]] = []
        for sheet in sheets:
            if isinstance(sheet, StreamedSheet):
                # Only the frame now; the rows are spliced into the zip below.
                titles = sheet.sheet_titles(ctx)
                for title in titles:
                    sheet.render(wb.create_sheet(title), ctx)
                streamed.append((sheet, titles))
                continue
            track.step(0, 0, sheet.title, force=True)
            sheet.render(wb.create_sheet(sheet.title), ctx)
            track.finished(sheet.weight)
        frame = io.BytesIO()
        wb.save(frame)
        with (
            zipfile.ZipFile(frame) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as dst,
        ):
            parts = _sheet_parts(src)
            spliced = {parts[title] for _, titles in streamed for title in titles}
            for info in src.infolist():
                if info.filename not in spliced:
                    dst.writestr(info, src.read(info.filename))
            for sheet, titles in streamed:
                track.step(0, 0, sheet.title, force=True)
                _splice(src, dst, sheet, [parts[t] for t in titles], ctx, track)
                track.finished(sheet.weight)


def _splice(src, dst, sheet: StreamedSheet, members: list[str], ctx, track: _Progress) -> None:
    """Write the sheet's parts, each its frame with the rows in place of the template row."""
    frames = [streamed.split_frame(src.read(member).decode()) for member in members]
    rows = streamed.RowStream(sheet.xml_rows(ctx, frames[0][2]))
    capacity = sheet.rows_per_sheet()
    expected = max(sheet.row_count(ctx), 1)
    written = 0
    for index, (member, (prefix, suffix, _)) in enumerate(zip(members, frames, strict=True)):
        last = index == len(members) - 1
        with dst.open(member, "w") as f:
            f.write(prefix.encode())
            in_sheet = 0
            for xml, n in rows.take(None if last else capacity):
                f.write(xml.encode())
                in_sheet += n
                written += n
                if in_sheet > capacity:
                    raise DataChangedError("more rows than counted")
                track.step(sheet.weight, written / expected, sheet.title)
            f.write(streamed.finish_suffix(suffix, in_sheet + 1).encode())


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
