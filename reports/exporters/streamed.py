"""Sheets too long for openpyxl cells: their rows are written as sheet XML straight into the zip.

A plain openpyxl write-only dump costs ~8 µs a cell here (about 120 s for a million 15-column
rows). A `StreamedSheet` lets openpyxl draw only its frame — header, styles, frozen pane,
filter, widths — plus one template row whose cell styles are read back; `workbook.py` then
replaces the template with rows produced chunk by chunk from SQL. Memory stays flat (one chunk
at a time) and a sheet continues on `Title (2)`, `Title (3)`… past Excel's row limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import ClassVar
from xml.sax.saxutils import escape

from .base import SheetExporter, text

# Excel's row limit, header row included. A module constant so a test can lower it.
MAX_SHEET_ROWS = 1_048_576
CHUNK_ROWS = 5000


def inline(value: str | None, style: str | None = None) -> str:
    """An inline-string cell (no shared-strings table to keep in memory), cleaned by text()."""
    styled = f' s="{style}"' if style else ""
    return (
        f'<c t="inlineStr"{styled}><is><t xml:space="preserve">{escape(text(value))}</t></is></c>'
    )


def number(value, style: str | None = None) -> str:
    if value is None:
        return "<c/>"
    return f'<c s="{style}"><v>{value}</v></c>' if style else f"<c><v>{value}</v></c>"


class StreamedSheet(SheetExporter):
    """A sheet whose rows `workbook.py` splices in; subclasses give a row count and XML rows."""

    streamed: ClassVar[bool] = True

    def row_count(self, ctx) -> int:
        raise NotImplementedError

    def template_row(self, ctx) -> Sequence:
        """One row with a value of the right kind in every column (its styles are reused)."""
        raise NotImplementedError

    def xml_rows(self, ctx, styles: list[str | None]) -> Iterator[list[str]]:
        """Chunks of row bodies (the cells' XML, without `<row>`), in order."""
        raise NotImplementedError

    def rows(self, ctx):
        yield self.template_row(ctx)

    @staticmethod
    def rows_per_sheet() -> int:
        return MAX_SHEET_ROWS - 1

    def sheet_titles(self, ctx) -> list[str]:
        parts = max(1, math.ceil(self.row_count(ctx) / self.rows_per_sheet()))
        return [self.title] + [f"{self.title} ({i})" for i in range(2, parts + 1)]


_ROW2 = re.compile(r"<row [^>]*r=\"2\".*?</row>", re.S)
_CELL = re.compile(r"<c [^>]*>|<c/>")
_STYLE = re.compile(r'\ss="(\d+)"')
_AUTOFILTER = re.compile(r'<autoFilter ref="[A-Z]+1:([A-Z]+)\d+"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def split_frame(xml: str) -> tuple[str, str, list[str | None]]:
    """(XML before the data rows, XML after them, style id of each template cell)."""
    template = _ROW2.search(xml)
    if template is None:
        raise ValueError("streamed sheet frame has no template row")
    styles = []
    for cell in _CELL.findall(template.group(0)):
        style = _STYLE.search(cell)
        styles.append(style.group(1) if style else None)
    prefix = _DIMENSION.sub("", xml[: template.start()])
    end = xml.index("</sheetData>", template.end())
    return prefix, xml[end:], styles


def finish_suffix(suffix: str, last_row: int) -> str:
    """Stretch the filter over the rows actually written."""
    return _AUTOFILTER.sub(lambda m: f'<autoFilter ref="A1:{m.group(1)}{last_row}"', suffix)


def _row_xml(index: int, body) -> str:
    """A row from its cells' XML, or from (cells' XML, height in points) for wrapped text."""
    if isinstance(body, tuple):
        body, height = body
        if height:
            return f'<row r="{index}" ht="{height}" customHeight="1">{body}</row>'
    return f'<row r="{index}">{body}</row>'


class RowStream:
    """Row bodies in chunks, shared by a sheet's parts: what one part leaves, the next takes."""

    def __init__(self, chunks: Iterator[list[str]]):
        self.chunks, self.pending = chunks, []

    def take(self, limit: int | None) -> Iterator[tuple[str, int]]:
        """Up to `limit` rows (None: all) as numbered `<row>` XML, a chunk at a time."""
        taken = 0
        while limit is None or taken < limit:
            if not self.pending:
                chunk = next(self.chunks, None)
                if chunk is None:
                    return
                self.pending = chunk
            room = len(self.pending) if limit is None else min(len(self.pending), limit - taken)
            batch, self.pending = self.pending[:room], self.pending[room:]
            start = taken + 2  # row 1 is the header
            xml = "".join(_row_xml(start + i, body) for i, body in enumerate(batch))
            taken += room
            yield xml, room
