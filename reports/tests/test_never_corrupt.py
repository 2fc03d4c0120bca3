"""Never a corrupt file: every text cell is cleaned where it enters the workbook, and a finished
file is read back before its run is marked done."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
import uuid
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import service_missing
from followups.models import FollowUp
from reports import services
from reports.document import soffice_path
from reports.exporters import base, streamed, workbook_write
from reports.exporters.workbook import CorruptFileError, package_verify
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset
from surveys.models import Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post, page_key

FORBIDDEN = [chr(c) for c in range(0x20) if c not in (9, 10, 13)] + ["\ufffe", "\uffff"]


def _normalised(value: str) -> str:
    """What an XML reader gives back: line ends normalised to LF (XML 1.0, 2.11)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def test_text_removes_every_character_xml_forbids_and_keeps_the_rest():
    kept = "Thái độ\ttốt\nchờ lâu\r 😀 \u2028 \ufffd \U0010fffd"
    assert base.text(kept) == kept
    assert base.text("".join(FORBIDDEN)) == ""
    assert base.text("a\ud800b\udfffc") == "abc"  # lone surrogates
    assert base.text("x\uffffy\ufffez\x0b") == "xyz"
    assert base.text(None) == "" and base.text(12) == "12"


# Any code point, surrogates included, with the forbidden ones drawn often.
any_char = st.one_of(st.characters(exclude_categories=()), st.sampled_from(FORBIDDEN + ["\ud800"]))


@given(st.text(alphabet=any_char, max_size=60))
def test_streamed_and_openpyxl_cells_of_any_text_parse(value):
    """Any Python string, surrogates included, gives cells an XML parser accepts."""
    from xml.etree import ElementTree

    xml = f'<row xmlns="urn:x">{streamed.inline(value)}</row>'
    parsed = ElementTree.fromstring(xml.encode("utf-8"))
    assert _normalised("".join(parsed.itertext())) == _normalised(base.text(value))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([base.SheetExporter.cell(ws, value, None, wrap=True)])
    out = io.BytesIO()
    wb.save(out)
    package_verify(out)


# Text PostgreSQL can store: no NUL (refused at submission) and no lone surrogates (not UTF-8).
stored_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from(FORBIDDEN[1:]),
    ),
    min_size=1,
    max_size=80,
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(comment=stored_text, unit_name=stored_text, title=stored_text, extra=stored_text)
def test_any_unicode_in_comments_unit_names_and_followups_reads_back(
    comment, unit_name, title, extra
):
    tag = uuid.uuid4().hex[:8]
    unit = factories.make_unit(f"U{tag}", name=unit_name + "\uffff")
    other = factories.make_unit(f"V{tag}", name=extra)
    campaign = factories.make_campaign([unit, other], slug=f"c-{tag}", name=extra[:150])
    # A visible word first: a comment of only invisible characters is no comment (issue 14).
    factories.make_response(campaign, unit, comment="Ý kiến: " + comment + "\ufffe")
    factories.make_response(campaign, other, comment="Ý kiến sau", score=4)
    response = Response.objects.filter(campaign=campaign, unit=unit).get()
    FollowUp.objects.create(campaign=campaign, unit=unit, title=title).responses.add(response)
    out = io.BytesIO()
    workbook_write(campaign=campaign, out=out)
    package_verify(out)
    wb = openpyxl.load_workbook(out)
    comments = list(wb["Ý kiến"].iter_rows(min_row=2, values_only=True))
    assert len(comments) == 2  # nothing after the odd comment is lost
    by_id = {row[0]: row for row in comments}
    row = by_id[response.pk]
    assert _normalised(row[6] or "") == _normalised(base.text(response.comment))
    assert _normalised(row[3] or "") == _normalised(base.text(unit.name))
    assert _normalised(row[9] or "") == _normalised(base.text(title))
    units = [r[1] for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert [_normalised(u or "") for u in units] == [
        _normalised(base.text(u.name)) for u in (unit, other)
    ]


@pytest.mark.django_db
def test_a_comment_holding_uffff_submitted_on_the_web_ends_in_a_whole_workbook(client, tmp_path):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-web")
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    comments = ["Chờ lâu\uffff quá", "Thái độ \ufffe tốt"] + [f"Ý kiến số {i}" for i in range(11)]
    for comment in comments:
        key = page_key(client.get(url).content)
        reply = client.post(url, answers_post(campaign, "4", idempotency_key=key, comment=comment))
        assert reply.status_code == 302, reply.content[:500]
    path = tmp_path / "web.xlsx"
    call_command("compile_report", campaign=campaign.slug, out=str(path), no_progress=True)
    wb = openpyxl.load_workbook(path)
    got = [row[6] for row in wb["Ý kiến"].iter_rows(min_row=2, values_only=True)]
    expected = sorted(base.text(c).strip() for c in comments)
    assert sorted(got) == expected  # all 13, whole

    # LibreOffice used to cut the sheet off at the bad row: every sheet to CSV, all 13 there.
    soffice = soffice_path()
    if soffice is None:
        service_missing("LibreOffice (soffice) is not installed")
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         every_sheet, "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    sheet = tmp_path / "csv" / "web-Ý kiến.csv"
    assert result.returncode == 0 and sheet.exists(), (result.stdout, result.stderr)
    with open(sheet, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert sorted(r[6] for r in rows[1:]) == expected


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_a_file_that_does_not_read_back_fails_the_run_and_leaves_no_file(
    media, tmp_path, monkeypatch
):
    data = build_dataset(per_cell=1)
    Response.objects.filter(campaign=data.campaign).exclude(comment="").update(
        comment="Chờ lâu\uffff quá"
    )
    # Without the cleaning, U+FFFF reaches the sheet XML: what happened before this issue.
    monkeypatch.setattr(base, "XML_FORBIDDEN", base.re.compile("(?!)"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    os.makedirs(tmp_path / "tmp")
    run = ReportRun.objects.create(campaign=data.campaign)
    assert services.report_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and not run.file and not run.checksum
    assert "không đọc lại được" in run.error and "Ý kiến (xl/worksheets/sheet" in run.error
    assert "Traceback" not in run.error
    assert os.listdir(tmp_path / "tmp") == []  # no temporary file left behind
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    out = tmp_path / "out" / "r.xlsx"
    out.parent.mkdir()
    with pytest.raises(CommandError, match="không đọc lại được"):
        call_command("compile_report", campaign=data.campaign.slug, out=str(out), no_progress=True)
    assert os.listdir(out.parent) == []


def test_package_verify_names_the_broken_part(tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>\uffff</a>")
    with pytest.raises(CorruptFileError) as caught:
        package_verify(path)
    assert caught.value.part == "xl/worksheets/sheet1.xml"
    (tmp_path / "y.xlsx").write_bytes(b"not a zip")
    with pytest.raises(CorruptFileError):
        package_verify(tmp_path / "y.xlsx")
