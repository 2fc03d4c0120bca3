"""Workbook exporters (pretix-style): sheets register themselves on import."""

from . import rawdata, sheets  # noqa: F401  (registers the sheets)
from .base import SHEETS, Column, Fmt, SheetExporter, register_sheet, registered_sheets
from .context import ReportContext
from .streamed import StreamedSheet
from .workbook import workbook_write

__all__ = [
    "SHEETS",
    "Column",
    "Fmt",
    "ReportContext",
    "SheetExporter",
    "StreamedSheet",
    "register_sheet",
    "registered_sheets",
    "workbook_write",
]
