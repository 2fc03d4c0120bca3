from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from surveys.roles import SURVEY_TEAM


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Direct survey and invitations")
    role_permissions = {
        SURVEY_TEAM: [
            "key_paper_forms",
            "view_keyingbatch",
            "view_keyedform",
            "view_formsettlement",
            "view_importlog",
        ],
    }
