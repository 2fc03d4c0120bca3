"""The admin, scoped (surveys.scope): every list, change page, autocomplete, filter, action,
inline and choice shows and accepts only the user's subtree.

- `get_queryset` keeps the rows of the scope (`scope_unit`: the path to the row's unit, "pk"
  for Unit itself; `scope_campaign`: the path to its campaign; or `scope_rows(scope, qs)`);
  the autocomplete, the actions and the change page all read it, so another region's id
  answers 404 (`get_object`), like an id that does not exist.
- Foreign keys and many-to-many choices to Unit or Campaign are narrowed (rounds: those the
  scope owns), so a forged POST naming another region's unit or round is refused.
- List filters on a unit or a campaign offer only the scope's.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import Http404

from .models import Campaign, Unit
from .scope import Scope, scope_for


def _narrow(formfield, scope: Scope):
    if formfield is None or not hasattr(formfield, "queryset"):
        return formfield
    model = formfield.queryset.model
    if model is Unit:
        formfield.queryset = scope.units(formfield.queryset)
    elif model is Campaign:
        formfield.queryset = scope.owned_campaigns(formfield.queryset)
    return formfield


class ScopedChoicesMixin:
    """For inlines and admins: narrow the unit and campaign choices to the user's scope."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _narrow(field, scope_for(request.user))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _narrow(field, scope_for(request.user))


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a unit or a campaign that offers only the scope's."""

    def field_choices(self, field, request, model_admin):
        scope = scope_for(request.user)
        model = field.related_model
        ordering = self.field_admin_ordering(field, request, model_admin)
        if scope.everything or model not in (Unit, Campaign):
            return field.get_choices(include_blank=False, ordering=ordering)
        visible = scope.units() if model is Unit else scope.campaigns()
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to=Q(pk__in=visible.values("pk")),
        )


class ScopedAdminMixin(ScopedChoicesMixin):
    scope_unit: str | None = None
    scope_campaign: str | None = None

    def scope_rows(self, scope: Scope, qs):
        if self.scope_unit is not None:
            qs = scope.by_unit(qs, self.scope_unit)
        if self.scope_campaign is not None:
            qs = scope.by_campaign(qs, self.scope_campaign)
        return qs

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_for(request.user)
        return qs if scope.everything else self.scope_rows(scope, qs)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:  # outside the scope or not there: the same answer
            raise Http404
        return obj

    def get_list_filter(self, request):
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and self._points_to_scoped(item):
                item = (item, ScopedRelatedFilter)
            filters.append(item)
        return filters

    def _points_to_scoped(self, path: str) -> bool:
        model = self.model
        field = None
        for name in path.split("__"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # not a field path (a custom filter name)
                return False
            model = field.related_model
            if model is None:
                return False
        return field is not None and field.is_relation and model in (Unit, Campaign)
