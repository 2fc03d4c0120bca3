"""The exporter base, pretix-style: one class per sheet, one renderer, a registry by identifier.

A sheet exporter declares its `identifier`, its sheet `title` (fixed by DESIGN.md's contract),
its `columns` and a generator of rows. `SheetExporter.render()` writes any of them to an
openpyxl write-only worksheet with a bold, frozen, filtered header, column widths and number
formats. To add a sheet to the workbook, subclass and register it — one line::

    @register_sheet
    class CheckSheet(SheetExporter):
        identifier, title, order = "check", "Kiểm tra", 900
        columns = (Column("Kiểm tra", 40), Column("Kết quả", 20))
        def rows(self, ctx): yield ("Tổng số phiếu", ctx.total.responses)

Sheet names and headers are the public contract of the workbook (DESIGN.md), so they are
Vietnamese literals, like the paper-form columns, not translated UI text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

if TYPE_CHECKING:
    from .context import ReportContext

COUNT = "#,##0"
PERCENT = "0.00"  # rates are stored as percentages (98.0 = 98%), full precision in the cell
MEAN = "0.000"
DATE = "dd/mm/yyyy"
# Arial carries every Vietnamese letter, and LibreOffice maps it to the metric-compatible
# Liberation Sans; a font without a name falls back to a serif face there.
FONT_NAME = "Arial"
BODY_FONT = Font(name=FONT_NAME, size=10)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
SMALL_BASE = 30  # DESIGN.md "Small bases": a rate whose N is below this carries the mark
SMALL_BASE_MARK = "cỡ mẫu nhỏ"


@dataclass(frozen=True)
class Fmt:
    """A value with its own number format, for sheets whose columns mix kinds (Tổng hợp)."""

    value: object
    number_format: str | None = None


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    number_format: str | None = None
    wrap: bool = False  # long text: wrapped on screen and on paper


# Every character XML 1.0 forbids: C0 controls but tab, LF and CR; surrogates (a Python str
# only holds them unpaired); U+FFFE and U+FFFF. openpyxl's own ILLEGAL_CHARACTERS_RE misses
# the last three, and one U+FFFF in a comment made the sheet's XML unreadable.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: object) -> str:
    """Text as it may enter the workbook or the written report: the one cleaning function.

    Every text cell (openpyxl-written or streamed), header, sheet note and paragraph of the
    written report goes through here.
    """
    if value is None:
        return ""
    return XML_FORBIDDEN.sub("", str(value))


def small_base(n: int | None) -> str:
    """The mark of a rate computed on fewer than SMALL_BASE answers ("" when N is 0 or enough)."""
    return SMALL_BASE_MARK if n and n < SMALL_BASE else ""


LINE_POINTS = 12.75  # one line of 10-pt Arial


def row_height(values, columns) -> float | None:
    """The height a row of wrapped text needs, or None for one line.

    LibreOffice does not recompute row heights when it opens an xlsx, so wrapped text would
    overlap the next row: the height is written with the row.
    """
    lines = 1
    for value, column in zip(values, columns, strict=False):
        if isinstance(value, Fmt):
            value = value.value
        if not (column.wrap and isinstance(value, str) and value):
            continue
        per_line = max(column.width * 1.1 - 1, 1)  # characters of Arial 10 in the width
        lines = max(
            lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.splitlines())
        )
    return round(LINE_POINTS * min(lines, 30) + 3, 2) if lines > 1 else None


def print_setup(ws, *, title_rows: str | None = "1:1") -> None:
    """A4 landscape, fitted to the page width, header rows repeated, page number in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    # The sheet's name on every page: a reader (and the LibreOffice test) knows which it is.
    footer = ws.oddFooter.center
    footer.text, footer.font, footer.size = "&A – Trang &P/&N", FONT_NAME, 8
    if title_rows:
        ws.print_title_rows = title_rows


class SheetExporter:
    """One sheet of the workbook. Subclasses set the class attributes and implement rows()."""

    identifier: ClassVar[str]
    title: ClassVar[str]  # the sheet name, at most 31 characters (Excel)
    order: ClassVar[int] = 500  # position in the workbook, ascending
    columns: ClassVar[Sequence[Column]] = ()
    # Estimated share of the compile time, for the progress bar.
    weight: ClassVar[int] = 1
    # Which workbooks hold the sheet: "official" (for Sở Nội vụ: summary sheets only) and/or
    # "internal" (everything). A sheet of another app is internal unless it says otherwise.
    variants: ClassVar[frozenset[str]] = frozenset({"internal"})
    # Whether the sheet limits itself to a unit's subtree (ctx.unit_ids); a unit's report holds
    # only such sheets.
    unit_scoped: ClassVar[bool] = False

    def get_columns(self, ctx: ReportContext) -> Sequence[Column]:
        return self.columns

    def rows(self, ctx: ReportContext) -> Iterable[Sequence]:
        raise NotImplementedError

    def render(self, ws, ctx: ReportContext) -> None:
        columns = list(self.get_columns(ctx))
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.freeze_panes = "A2"
        print_setup(ws)
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, text(column.header))
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header.append(cell)
        as_wrapped = [Column(c.header, c.width, wrap=True) for c in columns]
        if height := row_height([c.header for c in columns], as_wrapped):
            ws.row_dimensions[1].height = height
        ws.append(header)
        formats = [c.number_format for c in columns]
        wraps = [c.wrap for c in columns]
        count = 1
        for row in self.rows(ctx):
            if height := row_height(row, columns):
                ws.row_dimensions[count + 1].height = height
            ws.append(
                [
                    self.cell(ws, value, fmt, wrap)
                    for value, fmt, wrap in zip(row, formats, wraps, strict=False)
                ]
            )
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{count}"
        self.finish(ws, ctx, count)

    @staticmethod
    def cell(ws, value, number_format: str | None, wrap: bool = False):
        if isinstance(value, Fmt):
            value, number_format = value.value, value.number_format
        if isinstance(value, str):
            value = text(value)
            if not value.startswith("=") and not wrap:
                return value
            cell = WriteOnlyCell(ws, value)
            # Typed as text explicitly: a comment starting with "=" must never become a formula.
            cell.data_type = "s"
            if wrap:
                cell.alignment = WRAP_ALIGN
            return cell
        if value is None or number_format is None:
            return value
        cell = WriteOnlyCell(ws, value)
        cell.number_format = number_format
        return cell

    def finish(self, ws, ctx: ReportContext, row_count: int) -> None:
        """Hook after the rows (charts, notes)."""


SHEETS: dict[str, type[SheetExporter]] = {}


def register_sheet(cls: type[SheetExporter]) -> type[SheetExporter]:
    """Add a sheet exporter to the workbook (usable as a class decorator)."""
    SHEETS[cls.identifier] = cls
    return cls


VARIANTS = ("internal", "official")


def registered_sheets(*, variant: str = "internal", unit: bool = False) -> list[SheetExporter]:
    """The sheets of one workbook, in order: those of the variant (and, for a unit, scoped)."""
    return [
        cls()
        for cls in sorted(SHEETS.values(), key=lambda c: (c.order, c.identifier))
        if variant in cls.variants and (cls.unit_scoped or not unit)
    ]
