"""Read-only views of evidence, history and the e-mail log (written only by the services)."""

from django.contrib import admin

from .models import EvidenceFile, FollowUpEvent, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "followup", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["followup", "uploaded_by"]
    search_fields = ["original_name", "followup__title"]
    # The file itself is served by the permission-checked follow-up page, not by a media URL.
    exclude = ["file"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["followup", "kind", "recipient", "about_deadline", "sent_at", "error"]
    list_filter = ["kind"]
    list_select_related = ["followup", "recipient"]


@admin.register(FollowUpEvent)
class FollowUpEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "followup", "kind", "user", "note"]
    list_filter = ["kind"]
    list_select_related = ["followup", "user"]
