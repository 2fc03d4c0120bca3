from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from surveys.roles import LEADERSHIP, SURVEY_TEAM

_REPORTS = ["view_reportrun", "request_report", "lock_report"]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    role_permissions = {SURVEY_TEAM: _REPORTS, LEADERSHIP: _REPORTS}
