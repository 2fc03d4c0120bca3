"""Reading and writing the one-sheet Excel files of DESIGN.md (first row the header)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s: %(reason)s") % self.__dict__
        if self.row:
            return _("Row %(row)s: %(reason)s") % self.__dict__
        return self.reason


class SheetRefused(Exception):
    """Raised with every row error found; nothing has been written."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, header -> cell value)


def _norm(value: object) -> str:
    return " ".join(str(value or "").split())


def sheet_read(data: bytes, *, required: Sequence[str], optional: Sequence[str] = ()) -> Sheet:
    """The first sheet as rows keyed by header. Headers match without regard to case."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetRefused(
            [RowError(0, "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header_cells = next(lines, None) or ()
        known = {name.casefold(): name for name in (*required, *optional)}
        header: list[str] = []
        errors: list[RowError] = []
        for cell in header_cells:
            title = _norm(cell)
            if not title:
                header.append("")
                continue
            name = known.get(title.casefold())
            if name is None:
                errors.append(RowError(1, title, _("unknown column.")))
            elif name in header:
                errors.append(RowError(1, title, _("the column appears twice.")))
            header.append(name or "")
        missing = [name for name in required if name not in header]
        errors.extend(RowError(1, name, _("the column is missing.")) for name in missing)
        if errors:
            raise SheetRefused(errors)
        rows = list(_rows(lines, header))
    finally:
        workbook.close()
    if not rows:
        raise SheetRefused([RowError(0, "", _("The file has no rows under the header."))])
    if len(rows) > MAX_ROWS:
        raise SheetRefused(
            [RowError(0, "", _("The file has more than %(max)d rows.") % {"max": MAX_ROWS})]
        )
    return Sheet(header=[h for h in header if h], rows=rows)


def _rows(lines: Iterator[tuple], header: list[str]) -> Iterator[tuple[int, dict[str, object]]]:
    for number, cells in enumerate(lines, start=2):
        values = {}
        for name, cell in zip(header, cells, strict=False):
            if name:
                values[name] = cell.strip() if isinstance(cell, str) else cell
        if any(v not in (None, "") for v in values.values()):
            yield number, values


def workbook_bytes(title: str, header: Sequence[str], extra: dict[str, list[Sequence]]) -> bytes:
    """A blank sheet with the header, and reference sheets after it (codes to copy from)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for column, name in zip(sheet.iter_cols(max_row=1), header, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(8, len(name) + 4)
    sheet.freeze_panes = "A2"
    for name, rows in extra.items():
        reference = workbook.create_sheet(name)
        for row in rows:
            reference.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
