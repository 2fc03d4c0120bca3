"""The survey team's kiosks: unit, last contact, answers per day, enrolment QR code, revoke."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from surveys.admin_scope import ScopedAdminMixin

from .models import Kiosk
from .selectors import kiosk_answers_per_day
from .services import KioskError, kiosk_enrolment_renew, kiosk_placement_errors, kiosk_revoke


class KioskForm(forms.ModelForm):
    class Meta:
        model = Kiosk
        fields = ["campaign", "unit", "label"]

    def clean(self):
        cleaned = super().clean()
        campaign, unit = cleaned.get("campaign"), cleaned.get("unit")
        if campaign and unit and not self.instance.pk:
            for message in kiosk_placement_errors(campaign=campaign, unit=unit):
                self.add_error(None, message)
        return cleaned


@admin.register(Kiosk)
class KioskAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit = "unit"
    form = KioskForm
    list_display = [
        "__str__",
        "campaign",
        "unit",
        "state",
        "last_contact_at",
        "answers_today",
        "answers_total",
    ]
    list_filter = ["campaign", "revoked_at"]
    list_select_related = ["campaign", "unit"]
    search_fields = ["label", "unit__code", "unit__name"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "state",
        "enrolled_at",
        "last_contact_at",
        "revoked_at",
        "revoked_by",
        "created_at",
        "created_by",
        "enrolment_link",
        "answers_per_day",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["campaign", "unit", "label"]
        return ["campaign", "unit", "label", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["campaign", "unit", *self.readonly_fields]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_today=Count("answers", filter=Q(answers__response__answered_on=today)),
                n_total=Count("answers"),
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:kiosk_kiosk_enrolment", args=[obj.pk]))

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: Kiosk) -> str:
        if obj.revoked_at:
            return _("revoked")
        if obj.enrolled_at:
            return _("enrolled")
        return _("waiting for its tablet")

    @admin.display(description=gettext_lazy("answers today"), ordering="n_today")
    def answers_today(self, obj: Kiosk) -> int:
        return obj.n_today

    @admin.display(description=pgettext_lazy("kiosk", "answers"), ordering="n_total")
    def answers_total(self, obj: Kiosk) -> int:
        return obj.n_total

    @admin.display(description=gettext_lazy("enrolment"))
    def enrolment_link(self, obj: Kiosk) -> str:
        if obj.revoked_at:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:kiosk_kiosk_enrolment", args=[obj.pk]),
            _("Enrolment address and QR code"),
        )

    @admin.display(description=gettext_lazy("answers per day"))
    def answers_per_day(self, obj: Kiosk) -> str:
        rows = kiosk_answers_per_day(kiosk=obj)
        if not rows:
            return _("No answers yet.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("day"),
            pgettext("kiosk", "answers"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td></tr>",
                ((d.strftime("%d/%m/%Y"), n) for d, n in rows),
            ),
        )

    @admin.action(description=gettext_lazy("Revoke the selected kiosks"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset) -> None:
        revoked = sum(kiosk_revoke(kiosk=kiosk, by=request.user) for kiosk in queryset)
        self.message_user(request, _("%(n)d kiosk(s) revoked.") % {"n": revoked}, messages.SUCCESS)

    def get_urls(self):
        enrolment = self.admin_site.admin_view(self.enrolment_view)
        return [
            path("<int:pk>/enrolment/", enrolment, name="kiosk_kiosk_enrolment"),
            *super().get_urls(),
        ]

    def enrolment_view(self, request: HttpRequest, pk: int):
        """GET offers a new address; POST creates it (the old unused one stops working) and
        shows it once, with its QR code to scan with the tablet."""
        kiosk = get_object_or_404(
            self.get_queryset(request).select_related("campaign", "unit"), pk=pk
        )  # another region's kiosk answers 404
        if not self.has_change_permission(request, kiosk):
            raise PermissionDenied
        enrolment = None
        if request.method == "POST":
            try:
                enrolment = kiosk_enrolment_renew(kiosk=kiosk)
            except KioskError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Enrolment of %(kiosk)s") % {"kiosk": kiosk},
            "kiosk": kiosk,
            "enrolment": enrolment,
            "qr_svg": mark_safe(segno.make(enrolment.url, error="m").svg_inline(scale=6))
            if enrolment
            else "",
        }
        return TemplateResponse(request, "admin/kiosk/kiosk/enrolment.html", context)
