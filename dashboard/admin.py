from django.contrib import admin

from followups.admin import ReadOnlyAdmin
from surveys.admin_scope import ScopedAdminMixin

from .models import StuffingSignal


@admin.register(StuffingSignal)
class StuffingSignalAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "unit"
    list_display = ["day", "unit", "kind", "measure", "response_count", "computed_at"]
    list_filter = ["kind", "campaign", "unit"]
    list_select_related = ["unit"]
    raw_id_fields = ["responses"]
    # Signals are never acted on here: the responses stay, the team decides what to do.
