from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seeding import DEMO_PASSWORD, DEMO_USERS, demo_seed


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
