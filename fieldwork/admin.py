from django.contrib import admin

# Written by the keying and import pages only; the admin shows them for audit.
from surveys.admin import ReadOnlyAdmin
from surveys.admin_scope import ScopedAdminMixin

from .models import FormSettlement, ImportLog, KeyedForm, KeyingBatch


@admin.register(KeyingBatch)
class KeyingBatchAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "unit"
    list_display = ["code", "campaign", "unit", "respondent_group", "double_entry", "created_at"]
    list_filter = ["campaign", "double_entry"]
    list_select_related = ["campaign", "unit", "respondent_group"]
    search_fields = ["code"]


@admin.register(KeyedForm)
class KeyedFormAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "batch__unit"
    list_display = ["batch", "seq", "pass_no", "keyed_by", "answered_on", "keyed_at"]
    list_select_related = ["batch", "keyed_by"]
    list_filter = ["pass_no"]


@admin.register(FormSettlement)
class FormSettlementAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "batch__unit"
    list_display = ["batch", "seq", "response", "had_differences", "settled_by", "settled_at"]
    list_select_related = ["batch", "settled_by", "response"]


@admin.register(ImportLog)
class ImportLogAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_campaign = "campaign"
    list_display = ["filename", "kind", "campaign", "rows", "created", "imported_by", "imported_at"]
    list_filter = ["kind", "campaign"]
    list_select_related = ["campaign", "imported_by"]
    search_fields = ["filename", "checksum"]
