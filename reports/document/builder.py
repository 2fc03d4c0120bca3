"""The written report (Báo cáo kết quả khảo sát sự hài lòng) as a Word document (python-docx).

Laid out as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP): A4 portrait,
Times New Roman 13, margins 2/2/3/1.5 cm; the issuing unit and the national motto side by
side, number and date left as placeholders for the clerk, the title, numbered sections, the
recipients and the signature block. Every figure comes from `Figures` (the workbook's
roll-ups) and every piece of text passes through `text()`, the workbook's cleaning function.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.comparison import Compared, Earlier
from reports.exporters.base import SMALL_BASE, SMALL_BASE_MARK, small_base, text
from reports.exporters.context import ProgressCallback, ReportContext, report_context
from reports.selectors import interval_bounds
from surveys.models import Campaign, Unit

from .charts import bar_chart_png
from .figures import Figures, vi_count, vi_interval, vi_number, vi_rate

FONT = "Times New Roman"
TITLE = "Báo cáo kết quả khảo sát sự hài lòng"


def _font(run, *, size: float = 13, bold: bool = False, italic: bool = False) -> None:
    run.font.name, run.font.size = FONT, Pt(size)
    run.font.bold, run.font.italic = bold, italic
    # East-Asian and complex-script slots too, or Word picks another face for some letters.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs", "w:hAnsi", "w:ascii"):
        fonts.set(qn(slot), FONT)


class _Writer:
    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(13)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(4)
        self._page_numbers(section)

    def _page_numbers(self, section) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        _font(run, size=11)
        for kind, value in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = value
            run._element.append(element)

    def para(self, content: str = "", *, bold=False, italic=False, size=13, align=None,
             indent=True, space_after=4):  # fmt: skip
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(space_after)
        if align is not None:
            paragraph.alignment = align
        elif indent:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
        if content:
            _font(paragraph.add_run(text(content)), size=size, bold=bold, italic=italic)
        return paragraph

    def heading(self, content: str) -> None:
        paragraph = self.para(content, bold=True, indent=False)
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.paragraph_format.keep_with_next = True

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths=None) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, value in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, value, bold=True, center=True)
        _repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
                self._cell(cell, value, center=i > 0)
        _widths(table, widths or _default_widths(len(header)))
        self.para(space_after=2, indent=False)

    @staticmethod
    def _cell(cell, value: str, *, bold=False, center=False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text(value)), size=11, bold=bold)

    def picture(self, png: bytes, width_cm: float = 16) -> None:
        paragraph = self.para(align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))


TEXT_WIDTH_CM = 16.5  # A4 less the 3 cm and 1.5 cm margins


def _default_widths(columns: int) -> list[float]:
    """The first (label) column wide, the figures sharing the rest."""
    if columns == 1:
        return [TEXT_WIDTH_CM]
    first = 4.5 if columns > 3 else 8
    return [first] + [(TEXT_WIDTH_CM - first) / (columns - 1)] * (columns - 1)


def _widths(table, widths: Sequence[float]) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _borderless(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _lines(cell, lines: Sequence[tuple[str, dict]]) -> None:
    first = True
    for content, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _font(paragraph.add_run(text(content)), **{"size": 13, **style})


def _rate_cells(m) -> list[str]:
    counts = m.counts
    return [
        vi_count(m.responses),
        vi_count(counts.total),
        vi_rate(m.pooled_rate, counts.total),
        vi_interval(interval_bounds(m.counts), compact=True),
        vi_rate(m.index, counts.total),
        vi_rate(m.overall_rate, m.overall.total),
    ]


RATE_HEADER = [
    "Số phiếu",
    "Số câu trả lời hợp lệ (N)",
    "Tỷ lệ hài lòng (%)",
    "Khoảng tin cậy 95% (%)",
    "Chỉ số hài lòng (%)",
    "Tỷ lệ hài lòng chung (%)",
]


def _change(earlier: Compared | None, now: Compared) -> str:
    if earlier is None or earlier.rate is None or now.rate is None:
        return "—"
    change = earlier.change(now)
    sign = "+" if change > 0 else ""
    significant = earlier.significant(now)
    note = " (không đáng kể)" if significant is False else ""
    return f"{sign}{vi_number(change)} điểm{note}"


def _compared_cells(earlier: Earlier | None, key, now: Compared) -> list[str]:
    if earlier is None:
        return ["—", "—"]
    then = earlier.total if key is None else earlier.by_unit.get(key)
    if then is None or then.rate is None:
        return ["—", "—"]
    return [f"{vi_rate(then.rate, then.n)} (N = {vi_count(then.n)})", _change(then, now)]


def document_write(
    *,
    campaign: Campaign | None = None,
    out: io.BufferedIOBase,
    progress: ProgressCallback | None = None,
    unit: Unit | None = None,
    run_id: int | None = None,
    year: int | None = None,
    root: Unit | None = None,
) -> None:
    """Write the written report (DOCX) of the campaign, or of a unit's subtree, to `out`."""
    with translation.override("vi"):
        ctx = report_context(
            campaign=campaign, year=year, root=root, progress=progress, unit=unit,
            variant="official", run_id=run_id,
        )  # fmt: skip
        ctx.progress(0, "Tổng hợp số liệu")
        f = Figures(ctx)
        w = _Writer()
        _front(w, ctx)
        ctx.progress(30, "Mục đích và phương pháp")
        _method(w, ctx, f)
        _results(w, ctx, f)
        ctx.progress(60, "So sánh")
        _comparison(w, ctx, f)
        ctx.progress(80, "Tồn tại, hạn chế")
        _shortcomings(w, ctx, f)
        _proposals_and_signature(w, ctx)
        w.doc.save(out)


def _front(w: _Writer, ctx: ReportContext) -> None:
    root = ctx.root
    table = w.doc.add_table(rows=2, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    _lines(
        left,
        [
            ("KHO BẠC NHÀ NƯỚC", {"size": 12}),
            ((root.name if root else "").upper(), {"size": 12, "bold": True}),
            ("———————", {"size": 11}),
        ],
    )
    _lines(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"size": 12, "bold": True}),
            ("Độc lập - Tự do - Hạnh phúc", {"size": 13, "bold": True}),
            ("———————————", {"size": 11}),
        ],
    )
    number, place = table.rows[1].cells
    _lines(number, [("Số: ……/BC-……", {"size": 13})])
    _lines(place, [("……, ngày …… tháng …… năm ……", {"size": 13, "italic": True})])
    _widths(table, [6.3, 10.2])
    w.para(space_after=6, indent=False)
    w.para("BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    w.para(
        f"Kết quả khảo sát sự hài lòng của tổ chức, cá nhân đối với sự phục vụ của "
        f"{root.name if root else 'Kho bạc Nhà nước'} – {_period_name(ctx)}",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=0,
    )
    w.para("———————", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)


def _period_name(ctx: ReportContext) -> str:
    """The round's name, or the year and its rounds."""
    if not ctx.is_year:
        return ctx.campaign.name
    return f"Năm {ctx.year} ({', '.join(c.name for c in ctx.campaigns)})"


def _method(w: _Writer, ctx: ReportContext, f: Figures) -> None:
    w.heading("I. MỤC ĐÍCH, PHƯƠNG PHÁP KHẢO SÁT")
    w.heading("1. Mục đích")
    w.para(
        "Đo lường khách quan mức độ hài lòng của tổ chức, cá nhân đối với sự phục vụ của các đơn "
        "vị; xác định những tồn tại, hạn chế mà khách hàng phản ánh để khắc phục, nâng cao chất "
        "lượng phục vụ."
    )
    w.heading("2. Phạm vi, thời gian, phương pháp")
    w.para(
        f"Thời gian khảo sát: từ ngày {ctx.opens_on:%d/%m/%Y} đến ngày {ctx.closes_on:%d/%m/%Y}; "
        f"số đơn vị được khảo sát: {vi_count(len(ctx.units))}."
    )
    w.para(
        "Kênh khảo sát: " + "; ".join(f.channels_accepted) + ". Hình thức trực tuyến gồm đường "
        "dẫn, mã QR tại quầy và Cổng Dịch vụ công; hình thức trực tiếp gồm thư mời qua thư điện "
        "tử và phiếu giấy. Phiếu khảo sát ẩn danh; thang đo 5 mức, từ Rất không hài lòng đến "
        "Rất hài lòng; câu trả lời “không ý kiến” không tính vào tỷ lệ."
    )
    rows = []
    for q in f.quotas():
        rows.append(
            [
                q.label,
                vi_count(q.minimum) if q.minimum else "—",
                vi_count(q.counted),
                vi_rate(q.reached) if q.reached is not None else "—",
                vi_count(q.transactions) if q.transactions else "—",
                vi_rate(q.response_rate) if q.response_rate is not None else "—",
            ]
        )
    w.para("Số phiếu thu được so với số phiếu tối thiểu phải khảo sát, theo hình thức:")
    w.table(
        ["Hình thức", "Số phiếu tối thiểu", "Số phiếu thu được", "Tỷ lệ đạt (%)",
         "Số giao dịch", "Tỷ lệ phản hồi (%)"],
        rows,
    )  # fmt: skip


def _results(w: _Writer, ctx: ReportContext, f: Figures) -> None:
    total = f.total
    counts = total.counts
    w.heading("II. KẾT QUẢ KHẢO SÁT")
    w.heading("1. Kết quả chung")
    if not ctx.response_total:
        w.para("Chưa có phiếu khảo sát nào trong đợt này.")
    w.para(
        f"Tổng số phiếu khảo sát: {vi_count(ctx.response_total)} phiếu "
        f"(N = {vi_count(counts.total)} câu trả lời hợp lệ cho các tiêu chí). "
        f"Tỷ lệ hài lòng: {vi_rate(counts.satisfaction_rate(), counts.total)} "
        f"(khoảng tin cậy 95%: {vi_interval(interval_bounds(counts))}). "
        f"Chỉ số hài lòng (trung bình các khía cạnh): {vi_rate(total.index, counts.total)}. "
        f"Tỷ lệ hài lòng chung (câu hỏi chung, theo phiếu): "
        f"{vi_rate(total.overall_rate, total.overall.total)} trên N = "
        f"{vi_count(total.overall.total)} phiếu (khoảng tin cậy 95%: "
        f"{vi_interval(total.overall_interval)})."
    )
    w.table(
        ["Chỉ tiêu", "Giá trị", "N"],
        [
            ["Tỷ lệ hài lòng (%)", vi_rate(counts.satisfaction_rate(), counts.total),
             vi_count(counts.total)],
            ["Tỷ lệ bình thường (%)", vi_rate(counts.neutral_rate(), counts.total),
             vi_count(counts.total)],
            ["Tỷ lệ không hài lòng (%)", vi_rate(counts.dissatisfaction_rate(), counts.total),
             vi_count(counts.total)],
            ["Điểm bình quân", vi_number(counts.mean_score(), 3), vi_count(counts.total)],
            ["Chỉ số hài lòng (%)", vi_rate(total.index, counts.total), vi_count(counts.total)],
            ["Tỷ lệ hài lòng chung (%)", vi_rate(total.overall_rate, total.overall.total),
             vi_count(total.overall.total)],
        ],
        widths=[8, 5, 3],
    )  # fmt: skip
    w.para(
        f"Ghi chú: tỷ lệ tính trên dưới {SMALL_BASE} câu trả lời được ghi “{SMALL_BASE_MARK}”, "
        "cần thận trọng khi so sánh."
    , italic=True, size=11)  # fmt: skip

    w.heading("2. Kết quả theo khía cạnh")
    w.table(
        ["Khía cạnh", "Chỉ số khía cạnh (%)", "N"],
        [[name, vi_rate(index, n), vi_count(n)] for name, index, n in f.aspects],
        widths=[9, 4, 3],
    )
    w.heading("3. Kết quả theo đơn vị")
    w.table(["Đơn vị", *RATE_HEADER], [[r.label, *_rate_cells(r.m)] for r in f.units])
    w.heading("4. Kết quả theo nhóm khách hàng")
    w.table(["Nhóm khách hàng", *RATE_HEADER], [[r.label, *_rate_cells(r.m)] for r in f.groups])
    w.heading("5. Kết quả theo kênh và hình thức khảo sát")
    w.table(
        ["Kênh (hình thức)", *RATE_HEADER],
        [[r.label, *_rate_cells(r.m)] for r in [*f.channels, *f.forms]],
    )
    w.heading("6. Biểu đồ")
    ctx.progress(45, "Biểu đồ")
    w.picture(
        bar_chart_png(
            "Tỷ lệ hài lòng theo đơn vị (%)", [(r.label, r.m.pooled_rate) for r in f.units]
        )
    )
    w.picture(
        bar_chart_png(
            "Chỉ số hài lòng theo khía cạnh (%)", [(name, index) for name, index, _n in f.aspects]
        )
    )


def _comparison(w: _Writer, ctx: ReportContext, f: Figures) -> None:
    w.heading("7. So sánh với đợt trước và cùng kỳ năm trước")
    previous, last_year = f.earlier()
    names = [
        f"Đợt trước: {previous.campaign.name}" if previous else "Không có đợt trước",
        f"Cùng kỳ năm trước: {last_year.campaign.name}"
        if last_year
        else "Không có số liệu năm trước",
    ]
    w.para(
        "; ".join(names) + ". Tỷ lệ hài lòng gộp của các tiêu chí; đơn vị đã sáp nhập được so "
        "sánh qua đơn vị kế thừa. Thay đổi “không đáng kể” khi hai khoảng tin cậy 95% giao nhau."
    )
    rows = []
    now_total = Compared.of(f.total)
    rows.append(
        ["Toàn bộ", vi_rate(now_total.rate, now_total.n),
         *_compared_cells(previous, None, now_total), *_compared_cells(last_year, None, now_total)]
    )  # fmt: skip
    for pk, row in zip(f.unit_ids, f.units, strict=True):
        now = Compared.of(row.m)
        rows.append(
            [row.label, vi_rate(now.rate, now.n), *_compared_cells(previous, pk, now),
             *_compared_cells(last_year, pk, now)]
        )  # fmt: skip
    w.table(
        ["Đơn vị", "Đợt này", "Đợt trước", "Thay đổi", "Năm trước", "Thay đổi"],
        rows,
    )


def _shortcomings(w: _Writer, ctx: ReportContext, f: Figures) -> None:
    w.heading("III. NHỮNG TỒN TẠI, HẠN CHẾ KHÁCH HÀNG PHẢN ÁNH VÀ TÌNH HÌNH XỬ LÝ")
    followups = f.followups()
    w.para(
        f"Số phiếu có ý kiến góp ý: {vi_count(ctx.comment_total)}. Các vấn đề đã được ghi nhận "
        f"để theo dõi xử lý: {vi_count(len(followups))}."
    )
    if followups:
        w.table(
            ["Vấn đề", "Đơn vị xử lý", "Số ý kiến", "Hạn xử lý", "Tình trạng"],
            [
                [line.title, line.unit, vi_count(line.comments), line.deadline,
                 line.status + (" (quá hạn)" if line.overdue else "")]
                for line in followups
            ],
            widths=[5.5, 4, 2, 2.5, 2.5],
        )  # fmt: skip


def _proposals_and_signature(w: _Writer, ctx: ReportContext) -> None:
    w.heading("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    w.para("(Tổ khảo sát bổ sung các đề xuất, kiến nghị.)", italic=True)
    for _ in range(3):
        w.para("……………………………………………………………………………………………", indent=False)
    w.para(space_after=8, indent=False)
    table = w.doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [8, 8.5])
    recipients, signer = table.rows[0].cells
    _lines(
        recipients,
        [
            ("Nơi nhận:", {"size": 12, "bold": True, "italic": True}),
            ("- Sở Nội vụ;", {"size": 11}),
            ("- Lãnh đạo đơn vị;", {"size": 11}),
            ("- Lưu: VT, Tổ khảo sát.", {"size": 11}),
        ],
    )
    for paragraph in recipients.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _lines(
        signer,
        [
            ("THỦ TRƯỞNG ĐƠN VỊ", {"size": 13, "bold": True}),
            ("(Ký, ghi rõ họ tên, đóng dấu)", {"size": 13, "italic": True}),
        ],
    )
    generated = ctx.generated_at.strftime("%d/%m/%Y %H:%M")
    run = f", lần lập số {ctx.run_id}" if ctx.run_id else ""
    w.para(
        f"Số liệu lập lúc {generated}{run}, cùng số liệu với bảng tổng hợp Excel của đợt.",
        italic=True,
        size=10,
        indent=False,
    )


__all__ = ["TITLE", "document_write", "small_base"]
