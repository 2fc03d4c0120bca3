"""python manage.py import_responses PATH.xlsx --campaign SLUG: all rows or none."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.models import Campaign

from ...services.imports import responses_import
from ...sheets import SheetRefused, more_problems


class Command(BaseCommand):
    help = "Import keyed paper forms from an Excel sheet (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file (format of DESIGN.md)")
        parser.add_argument("--campaign", required=True, help="the campaign's slug")

    def handle(self, *args, path: str, campaign: str, **options):
        found = Campaign.objects.filter(slug=campaign).first()
        if found is None:
            raise CommandError(_("No survey round with the slug “%(slug)s”.") % {"slug": campaign})
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        shown = [-10]

        def progress(percent: int, note: str) -> None:
            # A large file takes a while: say how far it got, every tenth (on stderr).
            if percent >= shown[0] + 10:
                shown[0] = percent
                self.stderr.write(f"{percent}% {note}")

        try:
            result = responses_import(
                campaign=found, data=file.read_bytes(), filename=file.name,
                progress=progress if options["verbosity"] >= 1 else None,
            )  # fmt: skip
        except SheetRefused as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.more:
                self.stderr.write(more_problems(exc.more))
            raise CommandError(
                _("Nothing was imported: %(n)d problems.") % {"n": len(exc.errors) + exc.more}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d forms imported into %(campaign)s.")
                % {"n": result.created, "campaign": found.name}
            )
        )
