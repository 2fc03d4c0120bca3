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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from .context import ReportContext

COUNT = "#,##0"
PERCENT = "0.00"  # rates are stored as percentages (98.0 = 98%), full precision in the cell
MEAN = "0.000"
DATE = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")


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


def text(value: str | None) -> str:
    """Plain text for a cell: no characters XML forbids (openpyxl would raise)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")


class SheetExporter:
    """One sheet of the workbook. Subclasses set the class attributes and implement rows()."""

    identifier: ClassVar[str]
    title: ClassVar[str]  # the sheet name, at most 31 characters (Excel)
    order: ClassVar[int] = 500  # position in the workbook, ascending
    columns: ClassVar[Sequence[Column]] = ()
    # Estimated share of the compile time, for the progress bar.
    weight: ClassVar[int] = 1

    def get_columns(self, ctx: ReportContext) -> Sequence[Column]:
        return self.columns

    def rows(self, ctx: ReportContext) -> Iterable[Sequence]:
        raise NotImplementedError

    def render(self, ws, ctx: ReportContext) -> None:
        columns = list(self.get_columns(ctx))
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header.append(cell)
        ws.append(header)
        formats = [c.number_format for c in columns]
        count = 1
        for row in self.rows(ctx):
            ws.append([self.cell(ws, value, fmt) for value, fmt in zip(row, formats, strict=False)])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{count}"
        self.finish(ws, ctx, count)

    @staticmethod
    def cell(ws, value, number_format: str | None):
        if isinstance(value, Fmt):
            value, number_format = value.value, value.number_format
        if isinstance(value, str):
            value = text(value)
            if not value.startswith("="):
                return value
            # Typed as text explicitly: a comment starting with "=" must never become a formula.
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
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


def registered_sheets() -> list[SheetExporter]:
    return [cls() for cls in sorted(SHEETS.values(), key=lambda c: (c.order, c.identifier))]
