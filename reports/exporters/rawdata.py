"""`Dữ liệu`: the anonymous raw answers, one row per response, streamed straight from SQL.

The database pivots the answers (one row per response, one column per question code) and
streams them through a server-side cursor; each row becomes sheet XML (see streamed.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import connection

from surveys.models import Answer, Channel, Response, channel_form

from .base import COUNT, DATE, Column, register_sheet
from .streamed import CHUNK_ROWS, StreamedSheet, inline

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_COLUMN = 5  # 0-based position of `Ngày`
SCORE_CELLS = {None: "<c/>", **{k: f"<c><v>{k}</v></c>" for k in range(1, 6)}}


@register_sheet
class RawDataSheet(StreamedSheet):
    identifier, title, order = "raw", "Dữ liệu", 1000
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

    def row_count(self, ctx) -> int:
        return ctx.response_total

    def template_row(self, ctx):
        return (
            0,
            "x",
            "x",
            "x",
            "x",
            datetime.date(2000, 1, 1),
            *([1] * len(ctx.layout.questions)),
        )

    def sql(self, ctx) -> str:
        if connection.vendor == "postgresql":
            day = "(r.answered_on - DATE '1899-12-30')"  # the Excel serial of the day
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

    def xml_rows(self, ctx, styles) -> Iterator[list[str]]:
        units = {pk: inline(code) for pk, (code, _) in ctx.unit_names.items()}
        groups = {g.pk: inline(g.code) for g in ctx.groups}
        channels = {c: inline(c) + inline(channel_form(c).value) for c in Channel.values}
        date_style = styles[DATE_COLUMN]
        score = SCORE_CELLS.__getitem__
        for chunk in self.fetch(ctx):
            yield [
                f"<c><v>{rid}</v></c>{units[unit]}{groups[group]}{channels[ch]}"
                f'<c s="{date_style}"><v>{day}</v></c>{"".join(map(score, scores))}'
                for rid, unit, group, ch, day, *scores in chunk
            ]
