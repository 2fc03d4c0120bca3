from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .roles import LEADERSHIP, SURVEY_TEAM, model_permissions

_CONFIGURED = [
    "unit",
    "respondentgroup",
    "campaign",
    "quota",
    "questionnaire",
    "aspect",
    "question",
    "invitation",
]
_RESULTS = ["view_response", "view_answer", "view_refusalcount", "view_all_results"]


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")
    role_permissions = {
        SURVEY_TEAM: [
            *model_permissions(_CONFIGURED),
            *_RESULTS,
            "view_responsecontact",
            "view_staffprofile",
            # The survey team edits the schedules the apps' migrations create.
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
            "django_celery_beat.view_crontabschedule",
            "django_celery_beat.add_crontabschedule",
            "django_celery_beat.change_crontabschedule",
            "django_celery_beat.view_intervalschedule",
            "django_celery_beat.add_intervalschedule",
        ],
        LEADERSHIP: [*model_permissions(_CONFIGURED, actions=("view",)), *_RESULTS],
    }

    def ready(self) -> None:
        from .roles import roles_sync

        post_migrate.connect(roles_sync, dispatch_uid="surveys.roles_sync")

        from kbnn_survey.audit import audit_register

        audit_register()
