"""The survey team corrects a stored response (audited: surveys.services.corrections)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.models import Response
from surveys.scope import scope_for
from surveys.services import SubmissionError
from surveys.services.corrections import response_correct

from ..forms import CorrectionForm


@login_required
@permission_required("fieldwork.key_paper_forms", raise_exception=True)
@require_http_methods(["GET", "POST"])
def response_correction(request, pk: int):
    scope = scope_for(request.user)  # another region's response answers 404
    response = get_object_or_404(
        scope.by_unit(Response.objects.select_related("campaign", "unit", "respondent_group")),
        pk=pk,
    )
    form = CorrectionForm(request.POST or None, response=response)
    form.fields["unit"].queryset = scope.units(form.fields["unit"].queryset)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            response_correct(
                response=response,
                user=request.user,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except SubmissionError as exc:
            for key, errors in exc.errors.items():
                field = (
                    key if key in form.fields else f"q_{key}" if f"q_{key}" in form.fields else None
                )
                for error in errors:
                    form.add_error(field, error)
        else:
            messages.success(request, _("Response #%(pk)d corrected.") % {"pk": response.pk})
            return redirect("fieldwork:response_correction", pk=response.pk)
    if request.method == "POST":
        status = 400
    corrections = response.corrections.select_related("corrected_by")
    context = {"form": form, "response": response, "corrections": corrections}
    return render(request, "fieldwork/response_correction.html", context, status=status)
