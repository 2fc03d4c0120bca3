"""The history of one object: every recorded change, who, when, old → new."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .audit import AUDITED


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
    obj = model._default_manager.filter(pk=pk).first() if pk.isdigit() else None
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
