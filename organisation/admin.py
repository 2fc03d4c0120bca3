from __future__ import annotations

from django.contrib import admin

from .models import Reorganisation, UnitImport


class RecordAdmin(admin.ModelAdmin):
    """A record of what was done: read only, never edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reorganisation)
class ReorganisationAdmin(RecordAdmin):
    list_display = ["effective_on", "kind", "summary", "performed_by", "performed_at"]
    list_filter = ["kind"]
    list_select_related = ["performed_by"]
    search_fields = ["summary"]
    date_hierarchy = "effective_on"


@admin.register(UnitImport)
class UnitImportAdmin(RecordAdmin):
    list_display = ["filename", "rows", "imported_by", "imported_at"]
    list_select_related = ["imported_by"]
