"""Follow-ups for the survey team; read-only evidence, history and e-mail log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from surveys.admin_scope import ScopedAdminMixin

from .models import EvidenceFile, FollowUp, FollowUpEvent, Notification


@admin.register(FollowUp)
class FollowUpAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit = "unit"
    list_display = ["title", "campaign", "unit", "status", "deadline", "overdue", "updated_at"]
    list_filter = ["status", "campaign", "unit"]
    list_select_related = ["campaign", "unit"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["campaign", "unit"]
    raw_id_fields = ["responses"]
    readonly_fields = ["created_by", "created_at", "updated_at", "resolved_at"]

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj: FollowUp) -> bool:
        return obj.is_overdue


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "followup__unit"
    list_display = ["original_name", "followup", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["followup", "uploaded_by"]
    search_fields = ["original_name", "followup__title"]
    # The file itself is served by the permission-checked follow-up page, not by a media URL.
    exclude = ["file"]


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "followup__unit"
    list_display = ["followup", "kind", "recipient", "about_deadline", "sent_at", "error"]
    list_filter = ["kind"]
    list_select_related = ["followup", "recipient"]


@admin.register(FollowUpEvent)
class FollowUpEventAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "followup__unit"
    list_display = ["at", "followup", "kind", "user", "note"]
    list_filter = ["kind"]
    list_select_related = ["followup", "user"]
