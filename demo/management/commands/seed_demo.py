from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seeding import DEMO_PASSWORD, DEMO_USERS, demo_seed
from kbnn_survey.addresses import site_url, site_url_is_assumed


class Command(BaseCommand):
    help = "Load the KBNN Đà Nẵng demo: units, groups, questionnaire, campaign 'demo', responses."

    def add_arguments(self, parser):
        parser.add_argument(
            "--responses",
            type=int,
            default=300,
            help="random responses to add if the demo campaign has none",
        )

    def handle(self, *args, responses: int, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError(
                "seed_demo creates logins with published passwords; "
                "set DEMO_ALLOWED=1 to run it outside the local profile (KBNN_PROFILE=local)."
            )
        if responses < 0:
            raise CommandError("--responses must be 0 or more")
        result = demo_seed(responses=responses)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {result['units']} units, {result['responses']} responses "
                f"({result['responses_added']} added now)."
            )
        )
        users = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"Logins: {users} (password {DEMO_PASSWORD})")
        # No request here: the links of the notification e-mails printed above are built on
        # SITE_URL; say which, and that it is a guess when nobody set it.
        line = f"Links in e-mails printed by this command point to {site_url()}"
        if site_url_is_assumed():
            line += (
                " (assumed: SITE_URL is not set; set it to the address the portal is served"
                " on, e.g. SITE_URL=http://127.0.0.1:8080; pages served to a browser use the"
                " browser's address)"
            )
        self.stdout.write(line + ".")
