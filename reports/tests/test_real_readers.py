"""The real readers: LibreOffice prints the official workbook and converts the written report,
python-docx opens the DOCX. Under REQUIRE_SERVICES=1 (CI) a missing LibreOffice fails."""

from __future__ import annotations

import re
import subprocess

import docx
import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from conftest import service_missing
from reports.document import soffice_path
from reports.tests.dataset import build_dataset
from reports.tests.recompute import Recomputed


def _soffice() -> str:
    found = soffice_path()
    if found is None:
        service_missing("LibreOffice (soffice) is not installed")
    return found


def _to_pdf(soffice: str, path, tmp_path):
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / (path.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), (result.stdout, result.stderr)
    return PdfReader(str(pdf))


def _flat(value: str) -> str:
    return re.sub(r"\s+", "", value)


def vi(value: float) -> str:
    whole, frac = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


@pytest.mark.django_db
def test_official_workbook_prints_summary_on_two_pages_and_each_chart_whole(tmp_path):
    soffice = _soffice()
    data = build_dataset(per_cell=2)
    path = tmp_path / "chinh-thuc.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(path),
                 variant="official", no_progress=True)  # fmt: skip
    pdf = _to_pdf(soffice, path, tmp_path)
    pages = [page.extract_text() for page in pdf.pages]
    # Each printed page's footer names its sheet ("&A – Trang &P/&N").
    sheet_of = [re.search(r"(\S[^\n]*?) – Trang \d+/\d+", text) for text in pages]
    assert all(sheet_of), "a page without its footer"
    names = [m.group(1).strip() for m in sheet_of]
    assert 1 <= names.count("Tổng hợp") <= 2, names
    summary = "".join(t for t, n in zip(pages, names, strict=True) if n == "Tổng hợp")
    assert "Phòng Kế toán Nhà nước" in summary and "BÁO CÁO KẾT QUẢ" in summary
    # Each chart on a page of its own, title and axis together.
    chart_pages = [t for t, n in zip(pages, names, strict=True) if n == "Biểu đồ"]
    for title in ("Tỷ lệ hài lòng theo đơn vị (%)", "Chỉ số hài lòng theo khía cạnh (%)"):
        holding = [t for t in chart_pages if title in t and "100" in t]
        assert len(holding) >= 1, title
    everything = "\n".join(pages)
    for code in ("budget_user", "payer"):
        assert code not in everything
    # Repeated header rows: a sheet longer than a page shows its header on every page.
    wb = openpyxl.load_workbook(path)
    assert wb["Theo đơn vị"].print_title_rows == "$1:$1"


@pytest.mark.django_db
def test_written_report_converts_to_pdf_with_the_workbooks_rate_and_n(tmp_path):
    _soffice()
    data = build_dataset(per_cell=2)
    xlsx = tmp_path / "r.xlsx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(xlsx), no_progress=True)
    summary = {
        r[0]: r
        for r in openpyxl.load_workbook(xlsx)["Tổng hợp"].iter_rows(values_only=True)
        if r and r[0]
    }
    pooled = summary["Tỷ lệ hài lòng gộp (%) (các câu hỏi của các khía cạnh)"]
    rate, n = pooled[1], pooled[2]
    raw = Recomputed(data.campaign).measures(list(Recomputed(data.campaign).responses))
    assert (
        rate == pytest.approx(raw["Tỷ lệ hài lòng (%)"]) and n == raw["Số câu trả lời hợp lệ (N)"]
    )

    pdf_path = tmp_path / "bao-cao.pdf"
    call_command("compile_report", campaign=data.campaign.slug, out=str(pdf_path), fmt="pdf",
                 no_progress=True)  # fmt: skip
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(str(pdf_path))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert _flat(f"Tỷ lệ hài lòng: {vi(rate)}%") in text
    assert _flat(f"N = {n:,}".replace(",", ".")) in text
    assert _flat("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in text
    assert len(reader.pages) >= 3

    docx_path = tmp_path / "bao-cao.docx"
    call_command("compile_report", campaign=data.campaign.slug, out=str(docx_path), fmt="docx",
                 no_progress=True)  # fmt: skip
    document = docx.Document(str(docx_path))  # opens with python-docx
    assert any("KẾT QUẢ KHẢO SÁT" in p.text for p in document.paragraphs)
    # LibreOffice reads the DOCX as well (the same route a reviewer uses).
    converted = _to_pdf(_soffice(), docx_path, tmp_path)
    assert len(converted.pages) == len(reader.pages)
