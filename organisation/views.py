"""The survey team's pages for the tree of units: the unit sheet, reorganisations."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fieldwork.models import ImportJobKind
from fieldwork.services.import_jobs import import_job_start_if_large
from fieldwork.sheets import SheetRefused
from surveys.scope import scope_for, scope_form_choices

from .forms import ReorganisationForm, UnitSheetForm
from .models import Reorganisation, UnitImport
from .services.reorganisation import (
    ReorganisationRefused,
    ReorganisationSpec,
    reorganisation_apply,
    reorganisation_preview,
)
from .services.unit_import import (
    units_export,
    units_import,
    units_import_message,
    units_template,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT_PERMISSIONS = ["surveys.add_unit", "surveys.change_unit"]


def _scope_or_403(request):
    scope = scope_for(request.user)
    if scope.empty:  # a team member without a unit changes nothing (fail closed)
        raise PermissionDenied
    return scope


def _records(scope, qs):
    """Imports and reorganisations that touched a unit of the scope."""
    if scope.everything:
        return qs
    return qs.filter(
        pk__in=qs.model.units.through.objects.filter(unit_id__in=scope.ids()).values(
            f"{qs.model._meta.model_name}_id"
        )
    )


@login_required
@permission_required(UNIT_PERMISSIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def units_upload(request):
    scope = _scope_or_403(request)
    form = UnitSheetForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            job = import_job_start_if_large(
                kind=ImportJobKind.UNITS, data=data, filename=upload.name, user=request.user
            )
            if job is not None:
                return redirect("fieldwork:import_job", pk=job.pk)
            result = units_import(data=data, filename=upload.name, user=request.user, scope=scope)
        except SheetRefused as exc:
            errors = exc.errors
        else:
            notify = messages.info if result.log is None else messages.success
            notify(request, units_import_message(result))
            return redirect("organisation:units_upload")
    logs = _records(scope, UnitImport.objects.select_related("imported_by"))[:20]
    status = 400 if errors or form.errors else 200
    context = {"form": form, "errors": errors, "logs": logs}
    return render(request, "organisation/units_upload.html", context, status=status)


@login_required
@permission_required(UNIT_PERMISSIONS, raise_exception=True)
def units_template_download(request):
    response = HttpResponse(units_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-don-vi.xlsx"'
    return response


@login_required
@permission_required(UNIT_PERMISSIONS, raise_exception=True)
def units_export_download(request):
    scope = _scope_or_403(request)
    response = HttpResponse(units_export(scope=scope), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="don-vi.xlsx"'
    return response


def _digest(spec: ReorganisationSpec) -> str:
    """What the preview showed: confirming applies it only if the form still says the same."""
    return hashlib.sha256(repr(spec).encode()).hexdigest()


@login_required
@permission_required("organisation.add_reorganisation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reorganise(request):
    scope = _scope_or_403(request)
    form = scope_form_choices(ReorganisationForm(request.POST or None), scope)
    plan, digest, errors = None, "", []
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        digest = _digest(spec)
        try:
            if "apply" in request.POST and request.POST.get("digest") == digest:
                record = reorganisation_apply(spec=spec, user=request.user)
                messages.success(request, _("Applied: %(summary)s") % {"summary": record.summary})
                return redirect("organisation:reorganise")
            plan = reorganisation_preview(spec=spec)
        except ReorganisationRefused as exc:
            errors = exc.errors
    records = _records(scope, Reorganisation.objects.select_related("performed_by"))[:20]
    context = {"form": form, "plan": plan, "digest": digest, "errors": errors, "records": records}
    status = 400 if errors or form.errors else 200
    return render(request, "organisation/reorganise.html", context, status=status)
