"""python manage.py compile_report (--campaign SLUG | --year YYYY [--root CODE]) [--out PATH]
[--variant official|internal] [--format xlsx|docx|pdf] [--unit CODE]: the same files the
Celery task builds. `--year`: every non-draft round of that year (of the root, or of all)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from reports.comparison import rounds_of_year
from reports.document import ConversionError
from reports.exporters.workbook import CorruptFileError
from reports.services import FORMATS, VARIANTS, plain_error, report_file_write
from surveys.models import Campaign, Unit


class Command(BaseCommand):
    help = "Compile a campaign's report: the Excel workbook, or the written report (DOCX/PDF)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--campaign", help="campaign slug")
        which.add_argument("--year", type=int, help="the year: every non-draft round of it")
        parser.add_argument("--root", help="with --year: only that root's rounds (unit code)")
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

    def handle(self, *args, campaign: str | None, out: str | None, no_progress: bool, **options):
        variant, fmt = options["variant"], options["fmt"]
        year, root = options.get("year"), self._unit(options.get("root"))
        unit = self._unit(options.get("unit"))
        if root is not None and year is None:
            raise CommandError(_("--root goes with --year."))
        found = None
        if year is not None:
            if not rounds_of_year(year, root=root):
                raise CommandError(
                    _("There is no campaign in %(year)d to report on.") % {"year": year}
                )
            name = f"nam-{year}{'-' + root.code if root else ''}"
        else:
            try:
                found = Campaign.objects.select_related("questionnaire").get(slug=campaign)
            except Campaign.DoesNotExist as exc:
                raise CommandError(
                    _("No campaign with the slug “%(slug)s”.") % {"slug": campaign}
                ) from exc
            name = found.slug
        default = f"bao-cao-{name}{'-' + unit.code if unit else ''}.{fmt}"
        path = Path(out or default)
        bar = tqdm(total=100, unit="%", disable=no_progress, desc=name, leave=True)

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
                    progress=progress, year=year, root=root,
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

    @staticmethod
    def _unit(code: str | None) -> Unit | None:
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(_("No unit with the code “%(code)s”.") % {"code": code})
        return unit
