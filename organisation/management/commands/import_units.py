"""python manage.py import_units PATH.xlsx: the unit sheet of DESIGN.md, all rows or none."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fieldwork.sheets import SheetRefused

from ...services.unit_import import units_import


class Command(BaseCommand):
    help = "Create or update units from the unit sheet (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file (format of DESIGN.md)")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            result = units_import(data=file.read_bytes(), filename=file.name)
        except SheetRefused as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                pgettext("unit sheet", "Nothing was imported: %(n)d problems.")
                % {"n": len(exc.errors)}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d units created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": result.unchanged,
                }
            )
        )
