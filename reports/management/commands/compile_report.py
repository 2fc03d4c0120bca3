"""python manage.py compile_report --campaign SLUG [--out PATH]: the workbook the task builds."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from reports.exporters import snapshot, workbook_write
from surveys.models import Campaign


class Command(BaseCommand):
    help = "Compile a campaign's Excel report (the same workbook as the report page)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign slug")
        parser.add_argument("--out", help="output path (default: bao-cao-SLUG.xlsx)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, campaign: str, out: str | None, no_progress: bool, **options):
        try:
            found = Campaign.objects.select_related("questionnaire").get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(
                _("No campaign with the slug “%(slug)s”.") % {"slug": campaign}
            ) from exc
        path = out or f"bao-cao-{found.slug}.xlsx"
        partial = f"{path}.partial"
        bar = tqdm(total=100, unit="%", disable=no_progress, desc=found.slug, leave=True)

        def progress(percent: int, note: str) -> None:
            bar.set_postfix_str(note, refresh=False)
            bar.update(max(percent - bar.n, 0))

        started = time.perf_counter()
        try:
            # Written aside and renamed: an interrupted run never leaves a truncated workbook.
            with open(partial, "wb") as handle, snapshot():
                workbook_write(campaign=found, out=handle, progress=progress)
            os.replace(partial, path)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        finally:
            bar.update(100 - bar.n)
            bar.close()
            if os.path.exists(partial):
                os.unlink(partial)
        self.stdout.write(
            _("Wrote %(path)s in %(seconds).1f s.")
            % {"path": path, "seconds": time.perf_counter() - started}
        )
