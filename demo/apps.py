from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The KBNN Đà Nẵng demo (`seed_demo`): above the apps, it uses surveys, followups and the
    rest through their services; no app imports it."""

    name = "demo"
    verbose_name = "Demo"
