from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .admin_scope import ScopedAdminMixin, ScopedChoicesMixin
from .models import (
    Answer,
    Aspect,
    Campaign,
    Channel,
    Invitation,
    Question,
    Questionnaire,
    Quota,
    RefusalCount,
    RespondentGroup,
    Response,
    ResponseContact,
    ResponseCorrection,
    StaffProfile,
    Unit,
)
from .paginators import EstimatedCountPaginator
from .quota_proposals import ProposedQuotaMixin
from .scope import scope_for
from .services.campaigns import campaign_copy, campaign_questionnaire_error
from .services.questionnaires import questionnaire_new_version


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("Valid today")), ("ended", _("No longer valid"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit = "pk"
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", ValidityFilter]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "successor"]
    autocomplete_fields = ["parent", "successor"]
    ordering = ["sort_order", "code"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "parent" in form.base_fields:
            # A unit without a parent would be a new root, outside every scope but a
            # superuser's: only they create roots.
            form.base_fields["parent"].required = obj is None or obj.parent_id is not None
        return form


@admin.register(RespondentGroup)
class RespondentGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_active", "sort_order"]
    search_fields = ["code", "name"]


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "sort_order",
        "code",
        "aspect",
        "text",
        "text_en",
        "is_required",
        "allow_no_opinion",
        "is_overall",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "aspect":
            questionnaire_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Aspect.objects.filter(questionnaire_id=questionnaire_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FrozenAwareInlineMixin:
    """An answered questionnaire is frozen: its aspects and questions are read-only."""

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class FrozenAspectInline(FrozenAwareInlineMixin, AspectInline):
    pass


class FrozenQuestionInline(FrozenAwareInlineMixin, QuestionInline):
    pass


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "created_at"]
    search_fields = ["title", "code"]
    inlines = [FrozenAspectInline, FrozenQuestionInline]
    actions = ["make_new_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return ["code", "version", "title", "title_en"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_delete_permission(
            request, obj
        )

    @admin.action(description=_("Copy as a new version"), permissions=["add"])
    def make_new_version(self, request, queryset):
        for questionnaire in queryset:
            new = questionnaire_new_version(questionnaire=questionnaire)
            self.message_user(
                request,
                _("Created %(q)s; edit it and choose it in the next campaign.") % {"q": new},
                messages.SUCCESS,
            )


class QuotaInline(ScopedChoicesMixin, ProposedQuotaMixin, admin.TabularInline):
    model = Quota
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "form", "transaction_volume", "proposed_minimum", "minimum"]


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=capfirst(_("accepted channels")),  # as Django capitalises the model's labels
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "root",
            "year",
            "round",
            "opens_on",
            "closes_on",
            "status",
            "questionnaire",
            "channels",
            "units",
            "double_entry",
        ]

    def clean_questionnaire(self):
        questionnaire = self.cleaned_data.get("questionnaire")
        error = campaign_questionnaire_error(
            campaign=self.instance, questionnaire_id=questionnaire.pk if questionnaire else None
        )
        if error:
            raise forms.ValidationError(error)
        return questionnaire


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "slug", "root", "year", "round", "opens_on", "closes_on", "status"]
    list_filter = ["status", "year"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["questionnaire", "root"]
    filter_horizontal = ["units"]
    inlines = [QuotaInline]
    actions = ["copy_round"]

    def scope_rows(self, scope, qs):
        return scope.campaigns(qs)

    def has_change_permission(self, request, obj=None):
        # A round is visible where it surveys a unit of the scope; only its root's users edit it.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or scope_for(request.user).owns_campaign(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or scope_for(request.user).owns_campaign(obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "root" in form.base_fields:
            form.base_fields["root"].required = True  # a root-less round would be no one's
        return form

    def get_readonly_fields(self, request, obj=None):
        # An answered round keeps its questionnaire (the database refuses the change too).
        if obj is not None and obj.responses.exists():
            return ["questionnaire"]
        return []

    @admin.action(description=_("Copy the round (same units, questionnaire and quotas)"),
                  permissions=["add"])  # fmt: skip
    def copy_round(self, request, queryset):
        for campaign in scope_for(request.user).owned_campaigns(queryset):
            copy = campaign_copy(campaign=campaign)
            self.message_user(
                request,
                _("Copied %(old)s as %(new)s (draft).") % {"old": campaign, "new": copy},
                messages.SUCCESS,
            )


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "score"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .order_by("question__sort_order")
        )

    def has_add_permission(self, request, obj=None):
        return False


class CorrectionInline(admin.TabularInline):
    """The response's audited corrections: before, after, who, when, why."""

    model = ResponseCorrection
    fields = ["corrected_at", "corrected_by", "reason", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Responses are immutable once submitted; corrections go through audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "unit"
    list_display = [
        "id",
        "campaign",
        "unit",
        "respondent_group",
        "channel",
        "answered_on",
        "submitted_at",
        "has_comment",
    ]
    list_filter = [
        "campaign",
        "unit",
        "channel",
        "respondent_group",
        ("answered_on", admin.DateFieldListFilter),
        "comment_triage",
    ]
    list_select_related = ["campaign", "unit", "respondent_group"]
    search_fields = ["=tracking_code", "=batch"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    exclude = ["idempotency_key"]
    inlines = [AnswerInline, CorrectionInline]

    @admin.display(boolean=True, description=_("comment"))
    def has_comment(self, obj: Response) -> bool:
        return bool(obj.comment)


@admin.register(ResponseCorrection)
class ResponseCorrectionAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "response__unit"
    list_display = ["response", "corrected_at", "corrected_by", "reason"]
    list_filter = ["response__campaign"]
    list_select_related = ["response__unit", "corrected_by"]
    raw_id_fields = ["response"]


@admin.register(ResponseContact)
class ResponseContactAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_unit = "response__unit"
    list_display = ["id", "response_id", "name", "phone", "email", "purpose", "consented_at"]
    raw_id_fields = ["response"]
    show_full_result_count = False


@admin.register(RefusalCount)
class RefusalCountAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    scope_campaign = "campaign"
    list_display = ["day", "campaign", "reason", "count"]
    list_filter = ["reason", "campaign"]
    date_hierarchy = "day"


@admin.register(Invitation)
class InvitationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit = "unit"
    list_display = [
        "__str__",
        "campaign",
        "unit",
        "respondent_group",
        "source",
        "send_status",
        "sent_at",
        "reminders_sent",
        "answered_on",
        "opted_out_at",
    ]
    list_filter = ["campaign", "source", "send_status", ("answered_on", admin.EmptyFieldListFilter)]
    list_select_related = ["campaign", "unit", "respondent_group"]
    search_fields = ["organisation", "email"]
    autocomplete_fields = ["campaign", "unit", "respondent_group"]
    readonly_fields = [
        "token",
        "reference_hash",
        "send_status",
        "send_attempts",
        "sent_at",
        "last_error",
        "reminders_sent",
        "last_reminded_at",
        "opted_out_at",
        "answered_on",
    ]
    paginator = EstimatedCountPaginator
    show_full_result_count = False


class StaffProfileInline(ScopedChoicesMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["unit"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(ScopedAdminMixin, UserAdmin):
    scope_unit = "staff_profile__unit"
    inlines = [StaffProfileInline]
    list_display = [*UserAdmin.list_display, "unit"]
    list_select_related = ["staff_profile__unit"]

    @admin.display(description=_("unit"))
    def unit(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.unit if profile else ""
