from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from surveys.roles import LEADERSHIP, SURVEY_TEAM, UNIT_MANAGER, model_permissions


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")
    role_permissions = {
        SURVEY_TEAM: [*model_permissions(["followup"]), "triage_comments"],
        LEADERSHIP: ["view_followup"],
        UNIT_MANAGER: ["view_followup", "manage_own_unit_followups"],
    }
