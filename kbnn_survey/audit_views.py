"""The history of one object: every recorded change, who, when, old → new."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from surveys.scope import scope_for

from .audit import AUDITED


def _scoped_rows(request, model, scope):
    """The rows of `model` this user sees: what its admin lists (surveys.admin_scope), or,
    for a model edited inline only, the rows of the scope's units."""
    if scope.everything:
        return model._default_manager.all()
    try:
        return admin.site.get_model_admin(model).get_queryset(request)
    except NotRegistered:
        pass
    if any(field.name == "unit" for field in model._meta.get_fields()):
        return scope.by_unit(model._default_manager.all())
    return model._default_manager.all()  # questionnaires and their parts: every region's


@login_required
def object_history(request, app_label: str, model_name: str, pk: str):
    label = next((k for k in AUDITED if k.lower() == f"{app_label}.{model_name}".lower()), None)
    if label is None:
        raise Http404
    try:
        model = apps.get_model(label)
    except LookupError:
        raise Http404 from None
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    scope = scope_for(request.user)
    obj = _scoped_rows(request, model, scope).filter(pk=pk).first() if pk.isdigit() else None
    if obj is None and not scope.everything:
        raise Http404  # outside the user's subtree, or deleted: whose it was is not known
    entries = (
        LogEntry.objects.get_for_object(obj).select_related("actor")
        if obj is not None
        else LogEntry.objects.none()
    )
    if obj is None and not entries:
        raise Http404
    rows = [
        {
            "entry": entry,
            "changes": [
                (field, values[0] if values else "", values[1] if len(values) > 1 else "")
                for field, values in (entry.changes_dict or {}).items()
            ],
        }
        for entry in entries
    ]
    return render(
        request,
        "audit/object_history.html",
        {"object": obj, "verbose_name": opts.verbose_name, "rows": rows},
    )
