"""python manage.py compile_report --campaign SLUG [--out PATH] [--variant official|internal]
[--format xlsx|docx|pdf] [--unit CODE]: the same files the Celery task builds."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from reports.document import ConversionError
from reports.exporters.workbook import CorruptFileError
from reports.services import FORMATS, VARIANTS, plain_error, report_file_write
from surveys.models import Campaign, Unit


class Command(BaseCommand):
    help = "Compile a campaign's report: the Excel workbook, or the written report (DOCX/PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign slug")
        parser.add_argument("--out", help="output path (default: bao-cao-SLUG.FORMAT)")
        parser.add_argument(
            "--variant", choices=VARIANTS, default="internal",
            help="official: the summary sheets for Sở Nội vụ; internal: every sheet",
        )  # fmt: skip
        parser.add_argument(
            "--format", dest="fmt", choices=FORMATS, default="xlsx",
            help="xlsx: the workbook; docx/pdf: the written report",
        )  # fmt: skip
        parser.add_argument("--unit", help="limit the report to this unit's subtree (unit code)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, campaign: str, out: str | None, no_progress: bool, **options):
        variant, fmt, unit_code = options["variant"], options["fmt"], options.get("unit")
        try:
            found = Campaign.objects.select_related("questionnaire").get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(
                _("No campaign with the slug “%(slug)s”.") % {"slug": campaign}
            ) from exc
        unit = None
        if unit_code:
            unit = Unit.objects.filter(code=unit_code).first()
            if unit is None:
                raise CommandError(_("No unit with the code “%(code)s”.") % {"code": unit_code})
        default = f"bao-cao-{found.slug}{'-' + unit.code if unit else ''}.{fmt}"
        path = Path(out or default)
        bar = tqdm(total=100, unit="%", disable=no_progress, desc=found.slug, leave=True)

        def progress(percent: int, note: str) -> None:
            bar.set_postfix_str(note, refresh=False)
            bar.update(max(percent - bar.n, 0))

        started = time.perf_counter()
        try:
            # Written aside, read back, then renamed: a failed or interrupted run never leaves
            # a truncated or unreadable file, nor its temporary files.
            with tempfile.TemporaryDirectory(
                prefix=".bao-cao-", dir=path.parent.resolve()
            ) as workdir:
                partial = Path(workdir) / f"report.{fmt}"
                report_file_write(
                    campaign=found, path=partial, fmt=fmt, variant=variant, unit=unit,
                    progress=progress,
                )  # fmt: skip
                os.replace(partial, path)
        except (CorruptFileError, ConversionError) as exc:
            raise CommandError(plain_error(exc)) from exc
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        finally:
            bar.update(100 - bar.n)
            bar.close()
        self.stdout.write(
            _("Wrote %(path)s in %(seconds).1f s.")
            % {"path": path, "seconds": time.perf_counter() - started}
        )
