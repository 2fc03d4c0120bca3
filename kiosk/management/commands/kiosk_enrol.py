"""python manage.py kiosk_enrol --campaign SLUG --unit CODE: a counter tablet's one-time address."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kiosk.services import KioskError, kiosk_create
from surveys.models import Campaign, Unit


class Command(BaseCommand):
    help = "Enrol a counter tablet for a unit and a round; prints its one-time enrolment address."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the round's slug")
        parser.add_argument("--unit", required=True, help="the unit's code")
        parser.add_argument("--label", default="", help="where it stands, e.g. 'Quầy 3'")

    def handle(self, *args, campaign: str, unit: str, label: str, **options):
        round_ = Campaign.objects.filter(slug=campaign).first()
        if round_ is None:
            raise CommandError(f"no campaign with slug {campaign!r}")
        where = Unit.objects.filter(code=unit).first()
        if where is None:
            raise CommandError(f"no unit with code {unit!r}")
        try:
            enrolment = kiosk_create(campaign=round_, unit=where, label=label)
        except KioskError as exc:
            raise CommandError(str(exc)) from exc
        kiosk = enrolment.kiosk
        self.stderr.write(
            f"kiosk #{kiosk.pk} for {where.code} in {round_.slug}; the address works once, "
            f"until {kiosk.enrol_expires_at:%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(enrolment.url)
