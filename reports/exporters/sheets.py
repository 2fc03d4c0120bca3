"""The summary sheets of the workbook (DESIGN.md, "Workbook"). All read the shared ReportContext."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from openpyxl.chart import BarChart, Reference

from reports.selectors import (
    SliceMeasures,
    comment_followups,
    comment_rows,
    interval_bounds,
    quota_progress,
)
from surveys.models import Channel, CommentTriage, Form, channel_form
from surveys.services.corrections import corrected_count
from surveys.stats import LevelCounts

from .base import COUNT, DATE, MEAN, PERCENT, Column, Fmt, SheetExporter, register_sheet
from .rawdata import EXCEL_EPOCH
from .streamed import CHUNK_ROWS, StreamedSheet, inline, number

LEVEL_HEADERS = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
RATE = "Tỷ lệ hài lòng (%)"
DISSATISFACTION = "Tỷ lệ không hài lòng (%)"
NEUTRAL = "Tỷ lệ bình thường (%)"
MEAN_SCORE = "Điểm bình quân"
CI_LOW = "Khoảng tin cậy 95% - cận dưới (%)"
CI_HIGH = "Khoảng tin cậy 95% - cận trên (%)"
INDEX = "Chỉ số hài lòng (%)"
OVERALL = "Tỷ lệ hài lòng chung (%)"
VALID_N = "Số câu trả lời hợp lệ (N)"
NO_OPINION = "Không ý kiến"
OVERALL_N = "Số phiếu trả lời câu hỏi chung (N)"
NO_RESPONSES = "Chưa có phiếu khảo sát nào trong đợt này."

# The measure columns of a row spanning several questions (unit, group, channel, form). The
# order up to OVERALL is DESIGN.md's; the N columns follow so every rate carries its N.
MEASURE_COLUMNS = (
    Column("Số phiếu", 10, COUNT),
    *(Column(h, 11, COUNT) for h in LEVEL_HEADERS),
    Column(RATE, 12, PERCENT),
    Column(DISSATISFACTION, 13, PERCENT),
    Column(MEAN_SCORE, 10, MEAN),
    Column(CI_LOW, 14, PERCENT),
    Column(CI_HIGH, 14, PERCENT),
    Column(INDEX, 12, PERCENT),
    Column(OVERALL, 13, PERCENT),
    Column(NEUTRAL, 12, PERCENT),
    Column(VALID_N, 13, COUNT),
    Column(NO_OPINION, 10, COUNT),
    Column(OVERALL_N, 14, COUNT),
)


def measure_values(m: SliceMeasures) -> tuple:
    """The MEASURE_COLUMNS of one slice: pooled counts and rates over the aspects' questions."""
    counts = m.counts
    low, high = interval_bounds(counts)
    return (
        m.responses,
        *counts.levels,
        counts.satisfaction_rate(),
        counts.dissatisfaction_rate(),
        counts.mean_score(),
        low,
        high,
        m.index,
        m.overall_rate,
        counts.neutral_rate(),
        counts.total,
        m.no_opinion_count,
        m.overall.total,
    )


def channel_label(channel: str) -> str:
    return str(Channel(channel).label)


def form_label(form: str) -> str:
    return {Form.ONLINE: "Trực tuyến", Form.DIRECT: "Trực tiếp"}[Form(form)]


@register_sheet
class SummarySheet(SheetExporter):
    identifier, title, order = "summary", "Tổng hợp", 10
    columns = (
        Column("Nội dung", 44),
        Column("Giá trị", 22),
        Column("N", 10, COUNT),
        Column(CI_LOW, 14, PERCENT),
        Column(CI_HIGH, 14, PERCENT),
    )

    def rows(self, ctx) -> Iterable[tuple]:
        c, total = ctx.campaign, ctx.total
        counts = total.counts
        lines: list[tuple] = [
            ("Đợt khảo sát", c.name),
            ("Thời gian khảo sát", f"{c.opens_on:%d/%m/%Y} – {c.closes_on:%d/%m/%Y}"),
            ("Ngày lập báo cáo", ctx.generated_at.strftime("%d/%m/%Y %H:%M")),
            ("Số phiếu", Fmt(ctx.response_total, COUNT)),
            ("Số đơn vị", Fmt(len(ctx.units), COUNT)),
            # Audited corrections (surveys.services.corrections): how many responses.
            ("Số phiếu đã hiệu chỉnh (có lưu vết)", Fmt(corrected_count(campaign=c), COUNT)),
        ]
        if not ctx.response_total:
            lines.append(("Ghi chú", NO_RESPONSES))
        lines += [
            ("Chỉ số hài lòng (%) (trung bình các khía cạnh)", Fmt(total.index, PERCENT)),
            (
                "Tỷ lệ hài lòng gộp (%) (các câu hỏi của các khía cạnh)",
                Fmt(counts.satisfaction_rate(), PERCENT),
                counts.total,
                *interval_bounds(counts),
            ),
            (
                "Tỷ lệ hài lòng chung (%) (câu hỏi chung, theo phiếu)",
                Fmt(total.overall_rate, PERCENT),
                total.overall.total,
                *total.overall_interval,
            ),
            ("Tỷ lệ bình thường (%)", Fmt(counts.neutral_rate(), PERCENT), counts.total),
            ("Tỷ lệ không hài lòng (%)", Fmt(counts.dissatisfaction_rate(), PERCENT), counts.total),
            (MEAN_SCORE, Fmt(counts.mean_score(), MEAN), counts.total),
            (),
        ]
        # The two small tables the charts plot; remember their header rows (row 1 = header).
        self.unit_rows = (len(lines) + 2, len(ctx.units))
        lines.append(("Đơn vị", RATE, "N"))
        for unit in ctx.units:
            m = ctx.measures(ctx.by_unit, unit.pk)
            lines.append((unit.name, Fmt(m.pooled_rate, PERCENT), m.counts.total))
        lines.append(())
        self.aspect_rows = (len(lines) + 2, len(ctx.layout.aspects))
        lines.append(("Khía cạnh", "Chỉ số khía cạnh (%)", "N"))
        for aspect in ctx.layout.aspects:
            index = Fmt(total.aspect_index(aspect), PERCENT)
            lines.append((aspect.name, index, total.aspect_counts(aspect).total))
        return lines

    def finish(self, ws, ctx, row_count: int) -> None:
        for (first, n), title, anchor in (
            (self.unit_rows, "Tỷ lệ hài lòng theo đơn vị (%)", "G2"),
            (self.aspect_rows, "Chỉ số hài lòng theo khía cạnh (%)", "G22"),
        ):
            if n:
                ws.add_chart(_bar_chart(ws, title, first, n), anchor)


def _bar_chart(ws, title: str, header_row: int, n: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.numFmt = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height = max(7.5, 0.6 * n + 2)
    chart.width = 18
    data = Reference(ws, min_col=2, min_row=header_row, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + n))
    return chart


class SliceSheet(SheetExporter):
    """One row per slice: two label columns, then MEASURE_COLUMNS."""

    def slices(self, ctx) -> Iterable[tuple[str, str, SliceMeasures]]:
        raise NotImplementedError

    def rows(self, ctx):
        for first, second, measures in self.slices(ctx):
            yield (first, second, *measure_values(measures))


@register_sheet
class UnitSheet(SliceSheet):
    identifier, title, order = "by_unit", "Theo đơn vị", 20
    columns = (Column("Mã đơn vị", 12), Column("Đơn vị", 36), *MEASURE_COLUMNS)

    def slices(self, ctx):
        return ((u.code, u.name, ctx.measures(ctx.by_unit, u.pk)) for u in ctx.units)


@register_sheet
class QuestionSheet(SheetExporter):
    identifier, title, order = "by_question", "Theo tiêu chí", 30
    columns = (
        Column("Mã câu hỏi", 12),
        Column("Khía cạnh", 26),
        Column("Câu hỏi", 60),
        *(Column(h, 11, COUNT) for h in LEVEL_HEADERS),
        Column(NO_OPINION, 10, COUNT),
        Column(VALID_N, 13, COUNT),
        Column(RATE, 12, PERCENT),
        Column(NEUTRAL, 12, PERCENT),
        Column(DISSATISFACTION, 13, PERCENT),
        Column(MEAN_SCORE, 10, MEAN),
        Column(CI_LOW, 14, PERCENT),
        Column(CI_HIGH, 14, PERCENT),
        Column("Chỉ số (%)", 12, PERCENT),
    )

    @staticmethod
    def _measures(counts, no_opinion, index=None) -> tuple:
        return (
            *counts.levels,
            no_opinion,
            counts.total,
            counts.satisfaction_rate(),
            counts.neutral_rate(),
            counts.dissatisfaction_rate(),
            counts.mean_score(),
            *interval_bounds(counts),
            index,
        )

    def rows(self, ctx):
        total, layout = ctx.total, ctx.layout
        aspects = {a.id: a.name for a in layout.aspects}
        for q in layout.questions:
            counts = total.by_question.get(q.id) or LevelCounts()
            aspect = aspects.get(q.aspect_id, "(Câu hỏi chung)")
            yield (q.code, aspect, q.text, *self._measures(counts, total.no_opinion.get(q.id, 0)))
        for a in layout.aspects:
            no_opinion = sum(total.no_opinion.get(qid, 0) for qid in a.question_ids)
            counts = total.aspect_counts(a)
            yield ("Khía cạnh", a.name, "Chỉ số khía cạnh (trung bình các câu hỏi)",
                   *self._measures(counts, no_opinion, total.aspect_index(a)))  # fmt: skip
        yield ("Tổng hợp", "", "Chỉ số hài lòng (trung bình các khía cạnh)",
               *self._measures(total.counts, total.no_opinion_count, total.index))  # fmt: skip


@register_sheet
class GroupSheet(SliceSheet):
    identifier, title, order = "by_group", "Theo nhóm khách hàng", 40
    columns = (Column("Mã nhóm", 12), Column("Nhóm khách hàng", 40), *MEASURE_COLUMNS)

    def slices(self, ctx):
        return ((g.code, g.name, ctx.measures(ctx.by_group, g.pk)) for g in ctx.groups)


@register_sheet
class ChannelSheet(SliceSheet):
    """One row per channel, then one per form (online = web, qr, portal; direct = email, paper)."""

    identifier, title, order = "by_channel", "Theo kênh", 50
    columns = (Column("Hình thức", 12), Column("Kênh", 32), *MEASURE_COLUMNS)

    def slices(self, ctx):
        for channel in Channel.values:
            form = form_label(channel_form(channel))
            yield (form, channel_label(channel), ctx.measures(ctx.by_channel, channel))
        for form in Form.values:
            yield (form_label(form), "Cộng hình thức", ctx.measures(ctx.by_form, form))


@register_sheet
class QuotaSheet(SheetExporter):
    identifier, title, order = "quota", "Chỉ tiêu", 60
    columns = (
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 36),
        Column("Hình thức", 12),
        Column("Chỉ tiêu", 10, COUNT),
        Column("Đã đạt", 10, COUNT),
        Column("Tỷ lệ đạt (%)", 12, PERCENT),
    )

    def rows(self, ctx):
        for p in quota_progress(campaign=ctx.campaign, response_rows=ctx.response_rows,
                                units=ctx.units):  # fmt: skip
            yield (p.unit.code, p.unit.name, form_label(p.form), p.minimum, p.counted,
                   p.reached_rate)  # fmt: skip


@register_sheet
class CommentSheet(StreamedSheet):
    """Every comment with its unit, day, channel, triage and follow-up status (streamed)."""

    identifier, title, order = "comments", "Ý kiến", 70
    weight = 2
    columns = (
        Column("Mã phiếu", 10, COUNT),
        Column("Ngày", 11, DATE),
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 30),
        Column("Kênh", 22),
        Column("Nhóm khách hàng", 30),
        Column("Ý kiến", 80),
        Column("Phân loại", 18),
        Column("Tình trạng xử lý", 24),
        Column("Vấn đề theo dõi", 40),
    )

    def row_count(self, ctx) -> int:
        return ctx.comment_total

    def template_row(self, ctx):
        return (0, datetime.date(2000, 1, 1), *(["x"] * 8))

    def xml_rows(self, ctx, styles):
        followups = comment_followups(campaign=ctx.campaign)
        units = {pk: inline(code) + inline(name) for pk, (code, name) in ctx.unit_names.items()}
        groups = {g.pk: inline(g.name) for g in ctx.groups}
        channels = {c: inline(channel_label(c)) for c in Channel.values}
        triage = {value: inline(str(label)) for value, label in CommentTriage.choices}
        no_followup = inline("Chưa có") + inline("")
        date_style = styles[1]
        rows = comment_rows(campaign=ctx.campaign).iterator(chunk_size=CHUNK_ROWS)
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            out = []
            for pk, day, unit_id, group_id, channel, comment, triaged in chunk:
                linked = followups.get(pk)
                status = no_followup
                if linked:
                    status = inline("; ".join(str(f.get_status_display()) for f in linked))
                    status += inline("; ".join(f.title for f in linked))
                out.append(
                    f"<c><v>{pk}</v></c>{number((day - EXCEL_EPOCH).days, date_style)}"
                    f"{units[unit_id]}{channels[channel]}{groups.get(group_id, '<c/>')}"
                    f"{inline(comment)}{triage.get(triaged, '<c/>')}{status}"
                )
            yield out
