"""`Dữ liệu`: the anonymous raw answers, one row per response, streamed straight from SQL.

A million responses are far too many rows for openpyxl cell objects (about 120 s for a plain
write-only dump here). So openpyxl only writes this sheet's frame — header, styles, frozen
pane, filter, widths — and `workbook.py` splices the rows in: PostgreSQL pivots the answers
(one row per response, one column per question code) and streams them through a server-side
cursor; each row becomes a small piece of sheet XML written straight into the zip. Memory stays
flat (one chunk of rows at a time) and the sheet continues on `Dữ liệu (2)`… past Excel's row
limit.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.db import connection

from surveys.models import Answer, Channel, Response, channel_form

from .base import COUNT, DATE, Column, SheetExporter, register_sheet, text

# Excel's row limit, header row included. A module constant so a test can lower it.
MAX_SHEET_ROWS = 1_048_576
CHUNK_ROWS = 5000
EXCEL_EPOCH = datetime.date(1899, 12, 30)
TEMPLATE_DAY = datetime.date(2000, 1, 1)
DATE_COLUMN = 5  # 0-based position of `Ngày`


def _inline(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{escape(text(value))}</t></is></c>'


SCORE_CELLS = {None: "<c/>", **{k: f"<c><v>{k}</v></c>" for k in range(1, 6)}}


@register_sheet
class RawDataSheet(SheetExporter):
    """Streamed: `render()` draws the frame with one template row that `workbook.py` replaces."""

    identifier, title, order = "raw", "Dữ liệu", 1000
    streamed = True
    weight = 6
    fixed_columns = (
        Column("Mã phiếu", 10, COUNT),
        Column("Mã đơn vị", 11),
        Column("Nhóm khách hàng", 15),
        Column("Kênh", 9),
        Column("Hình thức", 11),
        Column("Ngày", 11, DATE),
    )

    def get_columns(self, ctx):
        return (*self.fixed_columns, *(Column(q.code, 7) for q in ctx.layout.questions))

    @staticmethod
    def rows_per_sheet() -> int:
        return MAX_SHEET_ROWS - 1

    def sheet_titles(self, ctx) -> list[str]:
        parts = max(1, math.ceil(ctx.response_total / self.rows_per_sheet()))
        return [self.title] + [f"{self.title} ({i})" for i in range(2, parts + 1)]

    def rows(self, ctx):
        codes = ["x"] * 4
        yield (0, *codes, TEMPLATE_DAY, *([1] * len(ctx.layout.questions)))

    # ---------------------------------------------------------------- streaming

    def sql(self, ctx) -> str:
        if connection.vendor == "postgresql":
            day = "(r.answered_on - DATE '1899-12-30')"
        else:
            day = "CAST(julianday(r.answered_on) - julianday('1899-12-30') AS INTEGER)"
        pivots = "".join(
            f", MAX(CASE WHEN a.question_id = {int(q.id)} THEN a.score END)"
            for q in ctx.layout.questions
        )
        return (
            f"SELECT r.id, r.unit_id, r.respondent_group_id, r.channel, {day}{pivots} "
            f"FROM {Response._meta.db_table} r "
            f"LEFT JOIN {Answer._meta.db_table} a ON a.response_id = r.id "
            "WHERE r.campaign_id = %s GROUP BY r.id ORDER BY r.id"
        )

    def fetch(self, ctx) -> Iterator[list[tuple]]:
        """Chunks of pivoted rows from a server-side cursor (PostgreSQL) or a plain one."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.sql(ctx), [ctx.campaign.pk])
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                yield chunk

    def xml_chunks(self, ctx, date_style: str) -> Iterator[tuple[int, str]]:
        """(rows in chunk, XML of the chunk's cells) without row numbers: `<row>` is added later."""
        units = {pk: _inline(code) for pk, (code, _) in ctx.unit_names.items()}
        groups = {g.pk: _inline(g.code) for g in ctx.groups}
        channels = {c: _inline(c) for c in Channel.values}
        forms = {c: _inline(channel_form(c).value) for c in Channel.values}
        score = SCORE_CELLS.__getitem__
        for chunk in self.fetch(ctx):
            rows = [
                f"<c><v>{rid}</v></c>{units[unit]}{groups[group]}{channels[ch]}{forms[ch]}"
                f'<c s="{date_style}"><v>{day}</v></c>{"".join(map(score, scores))}'
                for rid, unit, group, ch, day, *scores in chunk
            ]
            yield rows


_ROW2 = re.compile(r"<row [^>]*r=\"2\".*?</row>", re.S)
_SHEETDATA_END = "</sheetData>"
_AUTOFILTER = re.compile(r'<autoFilter ref="[A-Z]+1:([A-Z]+)\d+"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def split_frame(xml: str) -> tuple[str, str, str]:
    """(XML before the data rows, XML after them, style id of the date cell) of a frame sheet."""
    template = _ROW2.search(xml)
    if template is None:
        raise ValueError("raw-data frame has no template row")
    cells = re.findall(r"<c [^>]*>", template.group(0))
    style = re.search(r's="(\d+)"', cells[DATE_COLUMN])
    prefix = _DIMENSION.sub("", xml[: template.start()])
    end = xml.index(_SHEETDATA_END, template.end())
    return prefix, xml[end:], style.group(1) if style else "0"


def finish_suffix(suffix: str, last_row: int) -> str:
    """Stretch the filter over the rows actually written."""
    return _AUTOFILTER.sub(lambda m: f'<autoFilter ref="A1:{m.group(1)}{last_row}"', suffix)
