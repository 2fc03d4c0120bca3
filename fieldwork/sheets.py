"""Reading and writing the one-sheet Excel files of DESIGN.md (first row the header)."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .upload_guard import MAX_COLUMNS, UploadRefused, xlsx_inspect

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
# A refused file lists this many problems, then how many more there are (49,999 bad rows once
# made a page of 750,000 errors and 82 MB).
MAX_REPORTED_ERRORS = 200


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
    """Raised with the row errors found (the first MAX_REPORTED_ERRORS, and how many more);
    nothing has been written."""

    def __init__(self, errors: Iterable[RowError], more: int = 0):
        if isinstance(errors, ErrorList):
            errors, more = errors.kept, errors.more + more
        self.errors = list(errors)
        self.more = more
        lines = [str(e) for e in self.errors]
        if more:
            lines.append(more_problems(more))
        super().__init__("\n".join(lines))


def more_problems(count: int) -> str:
    return _("… and %(n)d more problems.") % {"n": count}


class ErrorList:
    """Collects row errors, keeping the first MAX_REPORTED_ERRORS and counting the rest."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.more = 0

    def append(self, error: RowError) -> None:
        if len(self.kept) < MAX_REPORTED_ERRORS:
            self.kept.append(error)
        else:
            self.more += 1

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def __len__(self) -> int:
        return len(self.kept) + self.more


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, header -> cell value)


def _norm(value: object) -> str:
    return " ".join(str(value or "").split())


def sheet_read(data: bytes, *, required: Sequence[str], optional: Sequence[str] = ()) -> Sheet:
    """The first sheet as rows keyed by header. Headers match without regard to case.

    A hostile or damaged file is refused (SheetRefused, never another exception): first by
    upload_guard from its zip directory, then whatever openpyxl (through defusedxml) cannot
    read. Rows are read as a stream and reading stops past MAX_ROWS.
    """
    try:
        xlsx_inspect(data, max_rows=MAX_ROWS + 1)
    except UploadRefused as exc:
        raise SheetRefused([RowError(0, "", str(exc))]) from None
    try:
        return _sheet_read(data, required=required, optional=optional)
    except SheetRefused:
        raise
    except Exception:
        # defusedxml's EntitiesForbidden/DTDForbidden (XXE, billion laughs), ParseError
        # (malformed XML), and what openpyxl raises on parts it does not expect.
        logger.info("unreadable workbook refused", exc_info=True)
        raise SheetRefused(
            [RowError(0, "", _("The file is damaged or not a valid Excel workbook (.xlsx)."))]
        ) from None


def _sheet_read(data: bytes, *, required: Sequence[str], optional: Sequence[str]) -> Sheet:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # max_col: a row of 16,384 cells is never built, whatever the sheet declares.
        header_cells = next(sheet.iter_rows(values_only=True, max_row=1, max_col=MAX_COLUMNS), ())
        while header_cells and header_cells[-1] in (None, ""):
            header_cells = header_cells[:-1]
        # A declared dimension was checked by upload_guard, but is not trusted to end the
        # rows: a smaller one would silently drop the rows past it. islice below ends them.
        sheet.reset_dimensions()
        lines = sheet.iter_rows(min_row=2, values_only=True, max_col=max(len(header_cells), 1))
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
        rows = list(itertools.islice(_rows(lines, header), MAX_ROWS + 1))
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


# Rows of the blank sheet that carry the drop-down lists.
TEMPLATE_ROWS = 2000


def workbook_bytes(
    title: str,
    header: Sequence[str],
    extra: dict[str, list[Sequence]],
    choices: dict[str, tuple[str, int]] | None = None,
) -> bytes:
    """A blank sheet with the header, and reference sheets after it (codes to copy from).

    `choices` maps a header column to (reference sheet, column number): that column of the
    blank sheet gets a drop-down list of the reference column's values (below its header)."""
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
    for column_name, (sheet_name, number) in (choices or {}).items():
        values = len(extra[sheet_name]) - 1
        letter = get_column_letter(number)
        source = f"{quote_sheetname(sheet_name)}!${letter}$2:${letter}${max(values, 1) + 1}"
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        validation.error = _("Choose a value from the list.")
        validation.errorTitle = column_name
        validation.showErrorMessage = True
        target = get_column_letter(list(header).index(column_name) + 1)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
