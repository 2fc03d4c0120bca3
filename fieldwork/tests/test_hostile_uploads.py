"""Uploads that cannot hurt: hostile and broken files, built here, are each refused with a
clear message in Vietnamese (400 on the page), fast, and never with a 500."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.urls import reverse

from fieldwork.services.imports import responses_import
from fieldwork.sheets import MAX_REPORTED_ERRORS, SheetRefused
from surveys.models import Response

from .conftest import today_text, xlsx
from .test_import import CODES

HEADER = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES, "Ý kiến", "Số lô"]
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _good_row() -> list:
    return ["KSC", "payer", today_text(), *[5] * 11, "", "L1"]


def _with_part(data: bytes, name: str, content: bytes | None = None, *, chunks=None) -> bytes:
    """The workbook `data` with part `name` replaced by `content` (or streamed `chunks`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        with target.open(name, "w", force_zip64=True) as part:
            if content is not None:
                part.write(content)
            for chunk in chunks or ():
                part.write(chunk)
    return out.getvalue()


def _sheet_xml(body: str, *, dimension: str | None = None, prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}>{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'


def _base() -> bytes:
    return xlsx([HEADER, _good_row()])


def zip_bomb(megabytes: int = 150) -> bytes:
    # Blanks inside the sheet: a few hundred KB once compressed.
    head = _sheet_xml("").split(b"<sheetData>")[0] + b"<sheetData>"
    blanks = b" " * (1024 * 1024)
    tail = [b"</sheetData></worksheet>"]
    return _with_part(_base(), SHEET, head, chunks=[blanks] * megabytes + tail)


def dimension_bomb() -> bytes:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 2000))
    return _with_part(_base(), SHEET, _sheet_xml(_header_row() + rows, dimension="A1:XFD1048576"))


def xxe() -> bytes:
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return _with_part(_base(), SHEET, _sheet_xml(_header_row() + row, prolog=prolog))


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return _with_part(_base(), SHEET, _sheet_xml(_header_row() + row, prolog=prolog))


def malformed() -> bytes:
    return _with_part(_base(), SHEET, f"<worksheet {NS}><sheetData><row><c>".encode())


def many_parts() -> bytes:
    out = io.BytesIO(_base())
    with zipfile.ZipFile(out, "a") as archive:
        for n in range(300):
            archive.writestr(f"xl/media/extra{n}.bin", b"x")
    return out.getvalue()


def not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return out.getvalue()


HOSTILE = {
    "zip bomb": (zip_bomb, "quá lớn khi giải nén"),
    "dense zip bomb": (lambda: zip_bomb(20), "nén bất thường"),
    "dimension bomb": (dimension_bomb, "1048575 dòng"),
    "XXE": (xxe, "bị hỏng"),
    "billion laughs": (billion_laughs, "bị hỏng"),
    "malformed XML": (malformed, "bị hỏng"),
    "too many parts": (many_parts, "quá nhiều thành phần"),
    "zip that is no workbook": (not_a_workbook_zip, "không phải bảng tính Excel"),
    "PDF renamed .xlsx": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "không phải"),
    "empty file": (lambda: b"PK\x05\x06" + b"\x00" * 18, "không phải bảng tính Excel"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_files_are_refused_fast_with_a_clear_message(campaign, kind):
    build, words = HOSTILE[kind]
    data = build()
    started = time.monotonic()
    with pytest.raises(SheetRefused) as refused:
        responses_import(campaign=campaign, data=data, filename="x.xlsx")
    assert time.monotonic() - started < 5
    message = " ".join(str(e) for e in refused.value.errors)
    assert words in message, message
    assert "passwd" not in message and "root:" not in message
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", ["zip bomb", "dimension bomb", "XXE", "malformed XML"])
def test_the_upload_page_answers_400_in_vietnamese(team_client, campaign, kind):
    build, words = HOSTILE[kind]
    upload = io.BytesIO(build())
    upload.name = "phieu.xlsx"
    started = time.monotonic()
    page = team_client.post(
        reverse("fieldwork:responses_upload"), {"campaign": campaign.pk, "file": upload}
    )
    assert time.monotonic() - started < 5
    assert page.status_code == 400
    assert words in page.content.decode()


def test_the_invitation_list_page_refuses_a_hostile_file_too(team_client, campaign):
    upload = io.BytesIO(dimension_bomb())
    upload.name = "danh-sach.xlsx"
    page = team_client.post(
        reverse("fieldwork:invitations"), {"campaign": campaign.pk, "file": upload}
    )
    assert page.status_code == 400


def test_rows_past_the_limit_stop_the_reading(campaign, monkeypatch):
    from fieldwork import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 1000)
    # A dimension that lies (500 rows declared) and broken XML after row 1,500: the stream
    # stops one row past the limit and never meets the broken part.
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>KSC</t></is></c></row>'
        for n in range(2, 1500)
    )
    xml = _sheet_xml(_header_row() + rows, dimension="A1:P500")
    xml = xml.replace(b"</sheetData>", b"<row><c></sheetData>")
    with pytest.raises(SheetRefused) as refused:
        responses_import(campaign=campaign, data=_with_part(_base(), SHEET, xml), filename="x")
    assert "hơn 1000 dòng" in str(refused.value.errors[0]).replace(".", "")
    # The same file declaring its 1,499 rows is refused from its first bytes.
    declared = xml.replace(b"A1:P500", b"A1:P1499")
    with pytest.raises(SheetRefused) as refused:
        responses_import(campaign=campaign, data=_with_part(_base(), SHEET, declared), filename="x")
    assert "1498 dòng" in str(refused.value.errors[0])


def test_many_bad_rows_report_the_first_200_and_count_the_rest(team_client, campaign):
    bad = ["???", "payer", today_text(), *[9] * 11, "", "L1"]  # 12 errors a row
    upload = io.BytesIO(xlsx([HEADER, *[bad] * 1000]))
    upload.name = "sai.xlsx"
    page = team_client.post(
        reverse("fieldwork:responses_upload"), {"campaign": campaign.pk, "file": upload}
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert body.count("<tr><td>") == MAX_REPORTED_ERRORS
    assert f"{12 * 1000 - MAX_REPORTED_ERRORS} vấn đề khác" in body
    assert "12000" in body.replace(".", "")
    assert len(body) < 200_000
