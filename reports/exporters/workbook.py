"""Assemble the workbook: openpyxl (write-only) renders every sheet; raw rows are spliced in.

`workbook_write()` is what the Celery task and `compile_report` both call, so the two produce
the same file.
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils import translation
from openpyxl import Workbook

from surveys.models import Campaign, Unit

from . import streamed
from .base import FONT_NAME, registered_sheets
from .context import ProgressCallback, report_context
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


class CorruptFileError(ValueError):
    """The finished file does not read back (a zip member or an XML part is unreadable)."""

    def __init__(self, part: str, reason: str):
        super().__init__(f"{part}: {reason}")
        self.part, self.reason = part, reason


def package_verify(path_or_file) -> None:
    """Read an OOXML package (xlsx, docx) back: the zip's checksums and every XML part parse.

    Raises CorruptFileError naming the part. The XML goes through expat without building a
    tree, so a sheet of a million rows is checked in constant memory.
    """
    try:
        with zipfile.ZipFile(path_or_file) as package:
            broken = package.testzip()
            if broken is not None:
                raise CorruptFileError(broken, "CRC")
            for info in package.infolist():
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                parser = expat.ParserCreate()
                with package.open(info) as part:
                    try:
                        while block := part.read(1 << 20):
                            parser.Parse(block, False)
                        parser.Parse(b"", True)
                    except expat.ExpatError as exc:
                        raise CorruptFileError(
                            _part_name(package, info.filename), str(exc)
                        ) from exc
    except zipfile.BadZipFile as exc:
        raise CorruptFileError("zip", str(exc)) from exc


def _part_name(package: zipfile.ZipFile, member: str) -> str:
    """A sheet's XML part as its reader knows it: `Ý kiến (xl/worksheets/sheet7.xml)`."""
    try:
        titles = {part: title for title, part in _sheet_parts(package).items()}
    except (KeyError, ElementTree.ParseError, TypeError):
        return member
    return f"{titles[member]} ({member})" if member in titles else member


def _styles_with_font(xml: str) -> str:
    """styles.xml with our font as the workbook's default and in every font without a name.

    openpyxl's default font is Calibri from the theme (scheme "minor"), which LibreOffice
    replaces with a serif face where Carlito is not installed.
    """
    xml = xml.replace('<name val="Calibri"/>', f'<name val="{FONT_NAME}"/>')
    xml = xml.replace('<scheme val="minor"/>', "")
    return re.sub(r"<font>(?!<name )", f'<font><name val="{FONT_NAME}"/>', xml)


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
    *,
    campaign: Campaign | None = None,
    out: io.BufferedIOBase,
    progress: ProgressCallback | None = None,
    variant: str = "internal",
    unit: Unit | None = None,
    run_id: int | None = None,
    year: int | None = None,
    root: Unit | None = None,
) -> None:
    """Write the campaign's workbook (xlsx) to the binary file `out`.

    With `year` instead of `campaign`: the year's workbook across every non-draft round of
    that year (of `root`, or of every root), quotas against the yearly plan.

    `variant`: "internal" (every sheet) or "official" (the summary sheets, for Sở Nội vụ);
    `unit`: limit the report to that unit's subtree. Call it inside `snapshot()` so every
    sheet reads the same data. Progress goes to `progress(percent, note)` at most once a
    second; the note names the sheet being written.
    """
    with translation.override("vi"):
        ctx = report_context(
            campaign=campaign, year=year, root=root, progress=progress, unit=unit,
            variant=variant, run_id=run_id,
        )  # fmt: skip
        sheets = registered_sheets(variant=variant, unit=unit is not None)
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
                if info.filename == "xl/styles.xml":
                    dst.writestr(info, _styles_with_font(src.read(info.filename).decode()))
                elif info.filename not in spliced:
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

