"""The summary sheets of the workbook (DESIGN.md, "Workbook"). All read the shared ReportContext."""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from reports.comparison import Compared
from reports.selectors import (
    SliceMeasures,
    comment_followups,
    comment_rows,
    interval_bounds,
)
from surveys.models import Channel, CommentTriage, Form, channel_form
from surveys.services.corrections import corrected_count
from surveys.stats import LevelCounts

from .base import (
    COUNT,
    DATE,
    FONT_NAME,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    MEAN,
    PERCENT,
    Column,
    Fmt,
    SheetExporter,
    print_setup,
    register_sheet,
    row_height,
    small_base,
    text,
)
from .labels import channel_label, form_label
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
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)

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


def row_note(*ns: int | None) -> str:
    """`cỡ mẫu nhỏ` when any rate of the row rests on 1..29 answers."""
    return next((mark for n in ns if (mark := small_base(n))), "")


NOTE = Column("Ghi chú", 14)
OFFICIAL = frozenset({"official", "internal"})
LOCK_NOTE = (
    "Chưa khóa khi lập. Khi khóa làm bản gửi Sở Nội vụ, người khóa và thời điểm được ghi tại "
    "trang báo cáo; tệp không đổi (mã SHA-256 giữ nguyên)."
)
VARIANT_NAMES = {"official": "Bản chính thức (gửi Sở Nội vụ)", "internal": "Bản nội bộ (đầy đủ)"}


def title_block(ctx) -> list[tuple]:
    """Whose report, which round (or year and its rounds) and period, when and by which run."""
    c = ctx.campaign
    root = ctx.root
    if ctx.is_year:
        rounds = "; ".join(
            f"{r.name} ({r.opens_on:%d/%m/%Y} – {r.closes_on:%d/%m/%Y})" for r in ctx.campaigns
        )
        when = [("Năm khảo sát", f"Năm {ctx.year}"), ("Các đợt khảo sát", rounds)]
    else:
        when = [("Đợt khảo sát", c.name if str(c.year) in c.name else f"{c.name} (năm {c.year})")]
    return [
        ("Đơn vị báo cáo", root.name if root else "Kho bạc Nhà nước"),
        *when,
        ("Thời gian khảo sát", f"{ctx.opens_on:%d/%m/%Y} – {ctx.closes_on:%d/%m/%Y}"),
        ("Ngày lập báo cáo", ctx.generated_at.strftime("%d/%m/%Y %H:%M")),
        ("Lần lập báo cáo", f"số {ctx.run_id}" if ctx.run_id else "lập bằng lệnh compile_report"),
        ("Loại bản", VARIANT_NAMES.get(ctx.variant, ctx.variant)),
        ("Trạng thái khóa", LOCK_NOTE),
    ]


@register_sheet
class SummarySheet(SheetExporter):
    identifier, title, order = "summary", "Tổng hợp", 10
    variants, unit_scoped = OFFICIAL, True
    columns = (
        Column("Nội dung", 46, wrap=True),
        Column("Giá trị", 24, wrap=True),
        Column("N", 10, COUNT),
        Column(CI_LOW, 14, PERCENT),
        Column(CI_HIGH, 14, PERCENT),
        NOTE,
    )
    TITLE = "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG"

    def render(self, ws, ctx) -> None:
        columns = self.columns
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        print_setup(ws, title_rows=None)
        heading = WriteOnlyCell(ws, self.TITLE)
        heading.font = TITLE_FONT
        ws.append([heading])
        for label, value in title_block(ctx):
            key = WriteOnlyCell(ws, label)
            key.font = HEADER_FONT
            ws.append([key, self.cell(ws, value, None)])  # runs over the empty cells beside
        ws.append([])
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header.append(cell)
        ws.append(header)
        for row in self.rows(ctx):
            ws.append(
                [
                    self.cell(ws, value, column.number_format, column.wrap)
                    for value, column in zip(row, columns, strict=False)
                ]
            )

    def rows(self, ctx) -> Iterable[tuple]:
        total = ctx.total
        counts = total.counts
        lines: list[tuple] = [
            ("Số phiếu", Fmt(ctx.response_total, COUNT)),
            ("Số đơn vị", Fmt(len(ctx.units), COUNT)),
            # Audited corrections (surveys.services.corrections): how many responses.
            (
                "Số phiếu đã hiệu chỉnh (có lưu vết)",
                Fmt(sum(corrected_count(campaign=c) for c in ctx.campaigns), COUNT),
            ),
        ]
        for form, participation in sorted(ctx.yearly_participation.items()):
            lines.append(
                (f"Số tham gia Sở Nội vụ giao năm {ctx.year} ({form_label(form)})",
                 Fmt(participation, COUNT))
            )  # fmt: skip
        if not ctx.response_total:
            lines.append(("Ghi chú", NO_RESPONSES))
        n, n_overall = counts.total, total.overall.total
        lines += [
            ("Chỉ số hài lòng (%) (trung bình các khía cạnh)", Fmt(total.index, PERCENT), n,
             None, None, small_base(n)),
            (
                "Tỷ lệ hài lòng gộp (%) (các câu hỏi của các khía cạnh)",
                Fmt(counts.satisfaction_rate(), PERCENT),
                n,
                *interval_bounds(counts),
                small_base(n),
            ),
            (
                "Tỷ lệ hài lòng chung (%) (câu hỏi chung, theo phiếu)",
                Fmt(total.overall_rate, PERCENT),
                n_overall,
                *total.overall_interval,
                small_base(n_overall),
            ),
            ("Tỷ lệ bình thường (%)", Fmt(counts.neutral_rate(), PERCENT), n, None, None,
             small_base(n)),
            ("Tỷ lệ không hài lòng (%)", Fmt(counts.dissatisfaction_rate(), PERCENT), n, None,
             None, small_base(n)),
            (MEAN_SCORE, Fmt(counts.mean_score(), MEAN), n, None, None, small_base(n)),
            (),
        ]  # fmt: skip
        lines.append(("Đơn vị", RATE, "N", None, None, NOTE.header))
        for unit in ctx.units:
            m = ctx.measures(ctx.by_unit, unit.pk)
            lines.append((unit.name, Fmt(m.pooled_rate, PERCENT), m.counts.total, None, None,
                          small_base(m.counts.total)))  # fmt: skip
        lines.append(())
        lines.append(("Khía cạnh", "Chỉ số khía cạnh (%)", "N", None, None, NOTE.header))
        for aspect in ctx.layout.aspects:
            index = Fmt(total.aspect_index(aspect), PERCENT)
            n_aspect = total.aspect_counts(aspect).total
            lines.append((aspect.name, index, n_aspect, None, None, small_base(n_aspect)))
        return lines


@register_sheet
class ChartSheet(SheetExporter):
    """`Biểu đồ`: each chart on a page of its own (A4 landscape), then the tables they plot."""

    identifier, title, order = "charts", "Biểu đồ", 15
    variants, unit_scoped = OFFICIAL, True
    ROW_CM = 0.53  # a default row (15 pt)
    CHART_WIDTH_CM, MAX_HEIGHT_CM = 25.0, 15.5

    def render(self, ws, ctx) -> None:
        ws.column_dimensions["A"].width = 46
        ws.column_dimensions["B"].width = 16
        ws.column_dimensions["C"].width = 10
        print_setup(ws, title_rows=None)
        tables = [
            ("Tỷ lệ hài lòng theo đơn vị (%)", ("Đơn vị", RATE, "N"),
             [(u.name, ctx.measures(ctx.by_unit, u.pk)) for u in ctx.units], "pooled"),
            ("Chỉ số hài lòng theo khía cạnh (%)", ("Khía cạnh", "Chỉ số khía cạnh (%)", "N"),
             [(a.name, a) for a in ctx.layout.aspects], "aspect"),
        ]  # fmt: skip
        heights = [min(self.MAX_HEIGHT_CM, max(7.5, 0.6 * len(t[2]) + 2.5)) for t in tables]
        page_rows = math.ceil((self.MAX_HEIGHT_CM + 1.5) / self.ROW_CM)
        heading = WriteOnlyCell(ws, "Biểu đồ")
        heading.font = TITLE_FONT
        ws.append([heading])
        # Page 1: chart 1 (anchored at A2); page 2: chart 2; then the tables.
        for _ in range(2 * page_rows - 1):
            ws.append([])
        ws.row_breaks.append(Break(id=page_rows))
        ws.row_breaks.append(Break(id=2 * page_rows))
        row = 2 * page_rows
        anchors = []
        for title, header, items, kind in tables:
            row += 1
            ws.append([self._bold(ws, title)])
            row += 1
            ws.append([self._bold(ws, h) for h in header])
            first = row
            for name, item in items:
                if kind == "pooled":
                    value, n = item.pooled_rate, item.counts.total
                else:
                    value, n = ctx.total.aspect_index(item), ctx.total.aspect_counts(item).total
                ws.append([text(name), self.cell(ws, value, PERCENT), n])
                row += 1
            ws.append([])
            row += 1
            anchors.append((first, len(items)))
        for index, ((first, n), (title, *_), height) in enumerate(
            zip(anchors, tables, heights, strict=True)
        ):
            if n:
                chart = _bar_chart(ws, title, first, n, width=self.CHART_WIDTH_CM, height=height)
                ws.add_chart(chart, f"A{2 + index * page_rows}")

    @staticmethod
    def _bold(ws, value):
        cell = WriteOnlyCell(ws, text(value))
        cell.font = HEADER_FONT
        return cell


def _bar_chart(ws, title: str, header_row: int, n: int, *, width: float, height: float):
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.numFmt = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first unit on top, as in the table
    chart.height = height
    chart.width = width
    data = Reference(ws, min_col=2, min_row=header_row, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + n))
    return chart


class SliceSheet(SheetExporter):
    """One row per slice: its label columns, then MEASURE_COLUMNS and the small-base note."""

    variants, unit_scoped = OFFICIAL, True

    def slices(self, ctx) -> Iterable[tuple[tuple, SliceMeasures]]:
        raise NotImplementedError

    def rows(self, ctx):
        for labels, m in self.slices(ctx):
            yield (*labels, *measure_values(m), row_note(m.counts.total, m.overall.total))


def _compared(earlier, unit_id: int, m: SliceMeasures) -> tuple:
    """(rate, N, change in points, significance) against an earlier round, blanks without one."""
    then = earlier.by_unit.get(unit_id) if earlier is not None else None
    if then is None or then.rate is None:
        return (None, None, None, "")
    now = Compared.of(m)
    significant = then.significant(now)
    label = "" if significant is None else ("đáng kể" if significant else "không đáng kể")
    return (then.rate, then.n, then.change(now), label)


COMPARISON_COLUMNS = tuple(
    column
    for when in ("đợt trước", "năm trước")
    for column in (
        Column(f"Tỷ lệ hài lòng {when} (%)", 12, PERCENT),
        Column(f"N {when}", 10, COUNT),
        Column(f"Thay đổi so với {when} (điểm)", 12, PERCENT),
        Column(f"Ý nghĩa so với {when}", 13),
    )
)
PARENT_CODE = Column("Mã đơn vị cấp trên", 12)
FORMER_CODES = Column("Gồm đơn vị cũ", 24, wrap=True)


@register_sheet
class UnitSheet(SliceSheet):
    """One row per unit valid on the period's last day, counting its former units' responses
    (rolled up through the successor chains; `Gồm đơn vị cũ` lists them)."""

    identifier, title, order = "by_unit", "Theo đơn vị", 20
    columns = (
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 36, wrap=True),
        *MEASURE_COLUMNS,
        NOTE,
        PARENT_CODE,
        FORMER_CODES,
        *COMPARISON_COLUMNS,
    )

    def slices(self, ctx):
        return (((u.code, u.name), ctx.measures(ctx.by_unit, u.pk)) for u in ctx.units)

    def rows(self, ctx):
        for unit, row in zip(ctx.units, super().rows(ctx), strict=True):
            m = ctx.measures(ctx.by_unit, unit.pk)
            yield (
                *row,
                ctx.parent_code(unit),
                ", ".join(ctx.former_codes.get(unit.pk, ())),
                *_compared(ctx.previous_round, unit.pk, m),
                *_compared(ctx.previous_year, unit.pk, m),
            )


@register_sheet
class ParentSheet(SliceSheet):
    """`Theo đơn vị cấp trên`: one row per unit with units under it, totalling its subtree."""

    identifier, title, order = "by_parent", "Theo đơn vị cấp trên", 25
    columns = (
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 36, wrap=True),
        PARENT_CODE,
        Column("Số đơn vị trong báo cáo", 12, COUNT),
        *MEASURE_COLUMNS,
        NOTE,
    )

    def slices(self, ctx):
        return (
            ((u.code, u.name, ctx.parent_code(u), n), ctx.measures(ctx.by_parent, u.pk))
            for u, n in ctx.parents
        )


@register_sheet
class QuestionSheet(SheetExporter):
    identifier, title, order = "by_question", "Theo tiêu chí", 30
    variants, unit_scoped = OFFICIAL, True
    columns = (
        Column("Mã câu hỏi", 12),
        Column("Khía cạnh", 26, wrap=True),
        Column("Câu hỏi", 60, wrap=True),
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
        NOTE,
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
            small_base(counts.total),
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
    columns = (Column("Nhóm khách hàng", 44, wrap=True), *MEASURE_COLUMNS, NOTE)

    def slices(self, ctx):
        return (((g.name,), ctx.measures(ctx.by_group, g.pk)) for g in ctx.groups)


@register_sheet
class ChannelSheet(SliceSheet):
    """One row per channel, then one per form (online = web, qr, portal; direct = email, paper)."""

    identifier, title, order = "by_channel", "Theo kênh", 50
    columns = (Column("Hình thức", 12), Column("Kênh", 32, wrap=True), *MEASURE_COLUMNS, NOTE)

    def slices(self, ctx):
        for channel in Channel.values:
            form = form_label(channel_form(channel))
            yield ((form, channel_label(channel)), ctx.measures(ctx.by_channel, channel))
        for form in Form.values:
            yield ((form_label(form), "Cộng hình thức"), ctx.measures(ctx.by_form, form))


@register_sheet
class QuotaSheet(SheetExporter):
    identifier, title, order = "quota", "Chỉ tiêu", 60
    variants, unit_scoped = OFFICIAL, True
    columns = (
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 36, wrap=True),
        Column("Hình thức", 12),
        Column("Chỉ tiêu", 10, COUNT),
        Column("Đã đạt", 10, COUNT),
        Column("Tỷ lệ đạt (%)", 12, PERCENT),
        Column("Số giao dịch", 12, COUNT),
        Column("Tỷ lệ phản hồi (%)", 12, PERCENT),
    )

    def rows(self, ctx):
        for p in ctx.quota_progress:
            yield (p.unit.code, p.unit.name, form_label(p.form), p.minimum, p.counted,
                   p.reached_rate, p.transactions, p.response_rate)  # fmt: skip


@register_sheet
class CommentSheet(StreamedSheet):
    """Every comment with its unit, day, channel, triage and follow-up status (streamed)."""

    identifier, title, order = "comments", "Ý kiến", 70
    weight = 2
    unit_scoped = True  # internal only: it carries the triage status
    columns = (
        Column("Mã phiếu", 10, COUNT),
        Column("Ngày", 11, DATE),
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 30, wrap=True),
        Column("Kênh", 30, wrap=True),
        Column("Nhóm khách hàng", 40, wrap=True),
        Column("Ý kiến", 80, wrap=True),
        Column("Phân loại", 18),
        Column("Tình trạng xử lý", 24, wrap=True),
        Column("Vấn đề theo dõi", 40, wrap=True),
    )

    def row_count(self, ctx) -> int:
        return ctx.comment_total

    def template_row(self, ctx):
        return (0, datetime.date(2000, 1, 1), *(["x"] * 8))

    def xml_rows(self, ctx, styles):
        followups = comment_followups(campaign=ctx.scope)
        wrap = styles[6]  # the template's wrapped text cell
        # The wrapped columns, in order: unit name, channel, group, comment, status, follow-ups.
        wrapped = [self.columns[i] for i in (3, 4, 5, 6, 8, 9)]
        unit_names = {pk: name for pk, (_code, name) in ctx.unit_names.items()}
        group_names = {g.pk: g.name for g in ctx.groups}
        channel_names = {c: channel_label(c) for c in Channel.values}
        units = {
            pk: inline(code) + inline(name, wrap) for pk, (code, name) in ctx.unit_names.items()
        }
        groups = {g.pk: inline(g.name, wrap) for g in ctx.groups}
        channels = {c: inline(channel_label(c), wrap) for c in Channel.values}
        triage = {value: inline(str(label)) for value, label in CommentTriage.choices}
        no_followup = inline("Chưa có", wrap) + inline("", wrap)
        date_style = styles[1]
        rows = comment_rows(campaign=ctx.scope, unit_ids=ctx.unit_ids).iterator(
            chunk_size=CHUNK_ROWS
        )
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            out = []
            for pk, day, unit_id, group_id, channel, comment, triaged in chunk:
                linked = followups.get(pk)
                status, statuses, titles = no_followup, "", ""
                if linked:
                    statuses = "; ".join(str(f.get_status_display()) for f in linked)
                    titles = "; ".join(f.title for f in linked)
                    status = inline(statuses, wrap) + inline(titles, wrap)
                xml = (
                    f"<c><v>{pk}</v></c>{number((day - EXCEL_EPOCH).days, date_style)}"
                    f"{units[unit_id]}{channels[channel]}{groups.get(group_id, '<c/>')}"
                    f"{inline(comment, wrap)}{triage.get(triaged, '<c/>')}{status}"
                )
                shown = (unit_names.get(unit_id), channel_names[channel],
                         group_names.get(group_id), comment, statuses, titles)  # fmt: skip
                out.append((xml, row_height(shown, wrapped)))
            yield out
