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
from .labels import channel_label, form_label
from .streamed import CHUNK_ROWS, StreamedSheet, inline

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_COLUMN = 9  # 0-based position of `Ngày`
SCORE_CELLS = {None: "<c/>", **{k: f"<c><v>{k}</v></c>" for k in range(1, 6)}}


@register_sheet
class RawDataSheet(StreamedSheet):
    identifier, title, order = "raw", "Dữ liệu", 1000
    weight = 6
    unit_scoped = True
    # The codes (for scripts and recomputation) and, beside each, its Vietnamese label.
    fixed_columns = (
        Column("Mã phiếu", 10, COUNT),
        Column("Mã đơn vị", 11),
        Column("Nhóm khách hàng", 15),
        Column("Kênh", 9),
        Column("Hình thức", 11),
        Column("Tên đơn vị", 28),
        Column("Tên nhóm khách hàng", 28),
        Column("Tên kênh", 22),
        Column("Tên hình thức", 12),
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
            f"WHERE r.campaign_id IN ({', '.join(str(int(c.pk)) for c in ctx.campaigns)})"
            f"{self.unit_clause(ctx)} GROUP BY r.id ORDER BY r.id"
        )

    @staticmethod
    def unit_clause(ctx) -> str:
        if ctx.unit_ids is None:
            return ""
        return f" AND r.unit_id IN ({', '.join(str(int(pk)) for pk in sorted(ctx.unit_ids))})"

    def fetch(self, ctx) -> Iterator[list[tuple]]:
        """Chunks of pivoted rows from a server-side cursor (PostgreSQL) or a plain one."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.sql(ctx))
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                yield chunk

    def xml_rows(self, ctx, styles) -> Iterator[list[str]]:
        units = {pk: (inline(code), inline(name)) for pk, (code, name) in ctx.unit_names.items()}
        groups = {g.pk: (inline(g.code), inline(g.name)) for g in ctx.groups}
        channels = {
            c: (
                inline(c) + inline(channel_form(c).value),
                inline(channel_label(c)) + inline(form_label(channel_form(c))),
            )
            for c in Channel.values
        }
        date_style = styles[DATE_COLUMN]
        score = SCORE_CELLS.__getitem__
        for chunk in self.fetch(ctx):
            out = []
            for rid, unit, group, ch, day, *scores in chunk:
                (unit_code, unit_name), (group_code, group_name) = units[unit], groups[group]
                channel_codes, channel_names = channels[ch]
                out.append(
                    f"<c><v>{rid}</v></c>{unit_code}{group_code}{channel_codes}"
                    f"{unit_name}{group_name}{channel_names}"
                    f'<c s="{date_style}"><v>{day}</v></c>{"".join(map(score, scores))}'
                )
            yield out
