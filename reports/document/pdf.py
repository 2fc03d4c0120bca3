"""DOCX → PDF with LibreOffice headless (Debian: libreoffice-writer-nogui) in the worker.

Why LibreOffice rather than a PDF library: the PDF is then the very document the DOCX is
(same layout, tables, pictures, fonts), with one layout to keep instead of two; a pure-Python
PDF writer would need the report drawn a second time. Each conversion runs with its own
throw-away profile, so workers converting at the same time do not share LibreOffice's lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


class ConversionError(RuntimeError):
    """The PDF could not be produced; the message is for the user."""


def soffice_path() -> str | None:
    configured = getattr(settings, "SOFFICE_BINARY", "") or os.environ.get("SOFFICE_BINARY", "")
    return configured or shutil.which("soffice") or shutil.which("libreoffice")


def pdf_convert(docx: Path, pdf: Path) -> None:
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError(
            _("LibreOffice is not installed on the server (Debian: libreoffice-writer-nogui).")
        )
    # Beside the PDF (a run's work directory): what a killed conversion leaves goes with it.
    with tempfile.TemporaryDirectory(prefix="lo-", dir=pdf.parent) as work:
        try:
            result = subprocess.run(
                [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                 "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", work,
                 str(docx)],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                env={**os.environ, "HOME": work},
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(
                _("LibreOffice did not finish within %(s)d seconds.") % {"s": TIMEOUT_SECONDS}
            ) from exc
        produced = Path(work) / (docx.stem + ".pdf")
        if result.returncode != 0 or not produced.exists():
            detail = (result.stderr or result.stdout or "").strip().splitlines()
            raise ConversionError(
                _("LibreOffice could not convert the document (%(detail)s).")
                % {"detail": detail[-1] if detail else result.returncode}
            )
        shutil.move(str(produced), pdf)


def pdf_verify(path: Path) -> None:
    """A PDF that is whole: its header, and the end-of-file marker in its last kilobyte."""
    from reports.exporters.workbook import CorruptFileError

    with open(path, "rb") as f:
        head = f.read(5)
        f.seek(max(0, os.path.getsize(path) - 1024))
        tail = f.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise CorruptFileError("pdf", _("not a complete PDF file"))
