"""Every change made by staff, with old and new values (django-auditlog).

The models staff edit in the admin and the staff pages are registered here. Answers and
responses are not: the public survey writes them (an audit row per answer would double the
submit path's writes), they are immutable, and their corrections keep their own audited record
(ResponseCorrection, itself registered). Writes done with queryset.update() (claims, counters)
send no signal and are not logged, on purpose.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

AUDITED = {
    "surveys.Unit": {},
    "surveys.RespondentGroup": {},
    "surveys.Campaign": {},
    "surveys.Quota": {},
    "surveys.Questionnaire": {},
    "surveys.Aspect": {},
    "surveys.Question": {},
    "surveys.Invitation": {"exclude_fields": ["token"]},
    "surveys.StaffProfile": {},
    "surveys.ResponseCorrection": {},
    "followups.FollowUp": {},
    "followups.EvidenceFile": {},
    "organisation.Reorganisation": {},
    "organisation.YearlyPlan": {},
    "organisation.YearlyPlanUnit": {},
    "kiosk.Kiosk": {"exclude_fields": ["enrol_token_hash"]},
    "auth.User": {"exclude_fields": ["password", "last_login"]},
    "auth.Group": {},
    "django_celery_beat.PeriodicTask": {"exclude_fields": ["last_run_at", "total_run_count"]},
}


def audit_register() -> None:
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, **options)
