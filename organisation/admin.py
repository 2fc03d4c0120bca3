from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from surveys.admin_scope import ScopedAdminMixin, ScopedChoicesMixin
from surveys.quota_proposals import ProposedQuotaMixin
from surveys.tree import subtree_ids

from .models import Reorganisation, UnitImport, YearlyPlan, YearlyPlanUnit
from .selectors import yearly_plan_progress


class RecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A record of what was done: read only, never edited or deleted. Seen by the users whose
    subtree holds one of the units it touched."""

    def scope_rows(self, scope, qs):
        through = qs.model.units.through
        touched = through.objects.filter(unit_id__in=scope.ids())
        return qs.filter(pk__in=touched.values(f"{qs.model._meta.model_name}_id"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What a reorganisation record's `details` hold (organisation.services.reorganisation), in the
# order and words the survey team reads them; the JSON keys are never shown.
DETAIL_LABELS = {
    "ended": _("Units ending"),
    "last_day": _("Their last day"),
    "successor": _("Successor"),
    "created": _("Units created"),
    "children_moved": _("Units moved under a new parent"),
    "campaigns": _("Campaigns affected"),
}


def _detail_text(key: str, value) -> str:
    if key == "last_day":
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    if key == "created":
        return ", ".join(f"{c.get('code')} – {c.get('name', '')}" for c in value)
    if key == "children_moved":
        return ", ".join(f"{code} → {parent}" for code, parent in value)
    if key == "campaigns":
        return "; ".join(
            _("%(slug)s: %(ending)d units ending, %(quotas)d quotas moved")
            % {"slug": c.get("slug"), "ending": len(c.get("ending", [])),
               "quotas": len(c.get("quotas", []))}
            for c in value
        )  # fmt: skip
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


@admin.register(Reorganisation)
class ReorganisationAdmin(RecordAdmin):
    list_display = ["effective_on", "kind", "summary", "performed_by", "performed_at"]
    list_filter = ["kind"]
    list_select_related = ["performed_by"]
    search_fields = ["summary"]
    date_hierarchy = "effective_on"
    exclude = ["details"]
    readonly_fields = ["details_shown"]

    @admin.display(description=_("What changed"))
    def details_shown(self, obj):
        details = obj.details or {}
        rows = [
            (label, _detail_text(key, details[key]))
            for key, label in DETAIL_LABELS.items()
            if details.get(key)
        ]
        if not rows:
            return "—"
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


@admin.register(UnitImport)
class UnitImportAdmin(RecordAdmin):
    list_display = ["filename", "rows", "imported_by", "imported_at"]
    list_select_related = ["imported_by"]


class YearlyPlanUnitFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        root = getattr(self.instance, "root", None)
        if root is None:
            return
        inside = subtree_ids(root)
        for form in self.forms:
            unit = form.cleaned_data.get("unit") if hasattr(form, "cleaned_data") else None
            if unit is not None and not form.cleaned_data.get("DELETE") and unit.pk not in inside:
                form.add_error(
                    "unit",
                    _("%(unit)s is not under %(root)s.") % {"unit": unit.code, "root": root.code},
                )


class YearlyPlanUnitInline(ScopedChoicesMixin, ProposedQuotaMixin, admin.TabularInline):
    model = YearlyPlanUnit
    formset = YearlyPlanUnitFormSet
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "transaction_volume", "proposed_minimum", "minimum"]


@admin.register(YearlyPlan)
class YearlyPlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit = "root"
    list_display = ["root", "year", "form", "participation", "assigned", "reference"]
    list_filter = ["year", "form"]
    list_select_related = ["root"]
    search_fields = ["root__code", "root__name", "reference"]
    autocomplete_fields = ["root"]
    readonly_fields = ["assigned", "progress", "created_at"]
    inlines = [YearlyPlanUnitInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(assigned_total=Sum("units__minimum"))

    @admin.display(description=_("assigned to units"), ordering="assigned_total")
    def assigned(self, obj: YearlyPlan) -> int:
        total = getattr(obj, "assigned_total", None)
        return total or 0

    @admin.display(description=_("responses counted so far"))
    def progress(self, obj: YearlyPlan) -> str:
        """Each unit's part and the responses of the year's rounds counted toward it (in this
        form, rolled up through the successor chains): organisation.selectors."""
        if obj.pk is None:
            return "—"
        rows = yearly_plan_progress(plan=obj)
        if not rows:
            return "—"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td class='text-end'>{}</td><td class='text-end'>{}"
            "</td><td class='text-end'>{}</td></tr>",
            (
                (p.unit.code, p.unit.name, p.assigned, p.counted,
                 "—" if p.reached_rate is None else f"{p.reached_rate:.2f}")
                for p in rows
            ),
        )  # fmt: skip
        return format_html(
            "<table class='yearly-plan-progress'><thead><tr><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Code"), _("Unit"), pgettext_lazy("yearly plan", "Assigned"),
            pgettext_lazy("yearly plan", "Counted"), _("Reached (%)"), body,
        )  # fmt: skip
