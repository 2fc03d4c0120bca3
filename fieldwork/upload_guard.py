"""What an uploaded .xlsx must pass before openpyxl reads a byte of its XML.

An .xlsx is a zip of XML parts. A hostile one can be small and still hold a worker for minutes:
a zip bomb (a few MB inflating to GBs), thousands of parts, or a sheet declaring a huge range
(`A1:XFD1048576`, which makes openpyxl build 16,384 cells for every row). Each is refused here
from the zip's directory and the first bytes of the sheet, in milliseconds. The XML itself is
parsed by openpyxl through defusedxml (installed, so openpyxl uses it): DTDs, entities and
external references are refused, which stops XXE and billion-laughs files.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

# Limits for a paper-form sheet of 50,000 rows (20-30 MB of XML) with room to spare. Without a
# <dimension>, openpyxl parses the whole sheet once just to size it: this bounds that too.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 200
MAX_RATIO = 200  # inflated / compressed size of one part; real sheets stay under ~30
MAX_COLUMNS = 100
# How much of a worksheet part is read to find its <dimension>, which comes before the data.
HEAD_BYTES = 4096

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*[\"']([^\"']+)[\"']")


class UploadRefused(Exception):
    """A file refused before parsing, with the reason in the user's language."""


@dataclass(frozen=True)
class Inspection:
    rows: int | None  # the first sheet's declared last row, when it declares one
    columns: int | None


def _check_parts(names: set[str], parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip that is not a workbook, or whose parts are too many or too large."""
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx)."))
    if len(parts) > MAX_PARTS:
        raise UploadRefused(
            _("The workbook has too many parts (%(n)d; at most %(max)d).")
            % {"n": len(parts), "max": MAX_PARTS}
        )
    # Declared sizes bound what reading can produce: zipfile stops at the declared size and
    # fails on a part that holds more.
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise UploadRefused(
            _("The workbook is too large once uncompressed (more than %(mb)d MB).")
            % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise UploadRefused(
                _("The workbook is compressed abnormally (a “zip bomb”): it was not read.")
            )


def xlsx_inspect(data: bytes, *, max_rows: int) -> Inspection:
    """Refuse (UploadRefused) a file that is not a zip of sane size, or whose first worksheet
    declares more than `max_rows` rows (header included) or MAX_COLUMNS columns."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx).")) from None
    names = {part.filename for part in parts}
    _check_parts(names, parts)
    sheets = sorted(
        (n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n)),
    )
    if not sheets:
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx)."))
    try:
        with archive.open(sheets[0]) as part:
            head = part.read(HEAD_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UploadRefused(_("The file is damaged and cannot be read.")) from None
    found = _DIMENSION.search(head)
    if found is None:
        return Inspection(None, None)
    try:
        min_col, min_row, max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        raise UploadRefused(_("The file is damaged and cannot be read.")) from None
    if max_row is not None and max_row > max_rows:
        raise UploadRefused(
            _("The sheet declares %(n)d rows; at most %(max)d forms can be imported at once.")
            % {"n": max_row - 1, "max": max_rows - 1}
        )
    if max_col is not None and max_col > MAX_COLUMNS:
        raise UploadRefused(
            _("The sheet declares %(n)d columns; at most %(max)d are read.")
            % {"n": max_col, "max": MAX_COLUMNS}
        )
    return Inspection(max_row, max_col)
