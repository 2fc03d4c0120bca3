from django.contrib import admin

from surveys.admin_scope import ScopedAdminMixin

from . import services
from .access import report_runs_in_scope
from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: runs are made by the task; a locked run (the version sent) is never deleted."""

    list_display = ("pk", "campaign", "status", "progress", "created_at", "locked_at", "checksum")
    list_filter = ("status", "campaign")
    list_select_related = ("campaign",)
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def scope_rows(self, scope, qs):
        return report_runs_in_scope(scope, qs)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_locked)

    def delete_model(self, request, obj):
        services.report_delete(run=obj)  # also removes the file; refuses a locked run

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would bypass the lock check
        return actions
