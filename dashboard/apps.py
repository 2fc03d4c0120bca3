from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # Adds the `Kiểm tra` sheet to the report's registry.
        from . import exporters  # noqa: F401
