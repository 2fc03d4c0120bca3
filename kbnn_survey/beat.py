"""django-celery-beat in Vietnamese: its app and model names come from our catalogue
(kbnn_survey/locale); what it writes in plain English in code is given Vietnamese here.

- the "Task Name" label of PeriodicTask.task is a plain string, not translatable;
- the admin describes a crontab with cron-descriptor in the server's locale (English):
  described here in Vietnamese, which cron-descriptor ships.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig


def crontab_words(crontab) -> str:
    """The schedule in words in the active language, e.g. "Lúc 07:30 AM Asia/Ho_Chi_Minh"."""
    from cron_descriptor import ExpressionDescriptor, Options

    if crontab is None:
        return ""
    options = Options()
    options.use_24hour_time_format = True
    options.locale_code = "vi_VN" if (get_language() or "vi").startswith("vi") else "en_US"
    expression = " ".join(
        (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year)
        + (crontab.day_of_week,)
    )
    try:
        words = ExpressionDescriptor(expression, options).get_description()
    except Exception:  # cron-descriptor refuses what celery accepts (e.g. "mon-fri/2")
        words = expression
    return f"{words} {crontab.timezone}"


class PeriodicTasksConfig(BeatConfig):
    def ready(self):
        super().ready()
        from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        PeriodicTask._meta.get_field("task").verbose_name = _("Task Name")

        class VietnamesePeriodicTaskAdmin(PeriodicTaskAdmin):
            @admin.display(description=_("Schedule in words"))
            def crontab_translation(self, obj):
                return crontab_words(obj.crontab)

            def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
                # The parent fills readable_crontabs with English descriptions; ours instead.
                extra_context = dict(extra_context or {})
                extra_context["readable_crontabs"] = {
                    crontab.pk: crontab_words(crontab) for crontab in CrontabSchedule.objects.all()
                }
                return admin.ModelAdmin.changeform_view(
                    self, request, object_id, form_url, extra_context
                )

        class VietnameseCrontabScheduleAdmin(CrontabScheduleAdmin):
            @admin.display(description=_("Schedule in words"))
            def human_readable(self, obj):
                return crontab_words(obj)

        # The admin has discovered django-celery-beat's admin.py by now (admin is the first
        # installed app, and its ready() runs first).
        for model, model_admin in (
            (PeriodicTask, VietnamesePeriodicTaskAdmin),
            (CrontabSchedule, VietnameseCrontabScheduleAdmin),
        ):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
            admin.site.register(model, model_admin)
