from django.core.management.base import BaseCommand, CommandError

from dashboard.counts import counts_differences, counts_rebuild
from surveys.models import Campaign


class Command(BaseCommand):
    help = (
        "Compare the dashboard's materialised counts with the raw answers (--check, the default) "
        "or recompute them (--rebuild)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="slug; default: every campaign")
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, campaign=None, rebuild=False, **options):
        campaigns = Campaign.objects.all()
        if campaign:
            campaigns = campaigns.filter(slug=campaign)
            if not campaigns.exists():
                raise CommandError(f"no campaign with slug {campaign!r}")
        if rebuild:
            counts_rebuild()
            self.stdout.write("counts rebuilt from the raw answers")
        failed = False
        for c in campaigns:
            problems = counts_differences(campaign=c)
            failed |= bool(problems)
            verdict = "differ: " + ", ".join(problems) if problems else "exact"
            self.stdout.write(f"{c.slug}: {verdict}")
        if failed:
            raise CommandError("the counts differ from the raw answers; run with --rebuild")
