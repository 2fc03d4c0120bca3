"""The page of a large import done by a worker: progress (polled as JSON), then the outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from surveys.scope import scope_for

from ..models import ImportJob, ImportJobKind
from ..services.import_jobs import import_job_is_stale, import_job_retry

# Who may see a job: whoever may upload its kind of file.
PERMISSIONS = {
    ImportJobKind.RESPONSES: ["fieldwork.key_paper_forms"],
    ImportJobKind.UNITS: ["surveys.add_unit", "surveys.change_unit"],
}
BACK = {
    ImportJobKind.RESPONSES: "fieldwork:responses_upload",
    ImportJobKind.UNITS: "organisation:units_upload",
}


def _job(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("campaign", "requested_by"), pk=pk)
    if not request.user.has_perms(PERMISSIONS[job.kind]):
        raise PermissionDenied
    if not _in_scope(request.user, job):
        raise Http404  # another region's job: its id reveals nothing
    return job


def _in_scope(user, job: ImportJob) -> bool:
    """A round's import is seen by the scope that owns the round (surveys.scope); a unit
    sheet, by whoever sent it and by a superuser (its rows may span the uploader's subtree)."""
    scope = scope_for(user)
    if job.kind == ImportJobKind.RESPONSES:
        return job.campaign is not None and scope.owns_campaign(job.campaign)
    return scope.everything or job.requested_by_id == user.pk


@login_required
def import_job(request, pk: int):
    job = _job(request, pk)
    errors = [
        {"row": row, "column": column, "reason": reason} for row, column, reason in job.errors
    ]
    context = {
        "job": job,
        "back": reverse(BACK[job.kind]),
        "errors": errors,
        "more_errors": job.more_errors,
        "error_total": len(errors) + job.more_errors,
        "can_retry": import_job_is_stale(job),
    }
    return render(request, "fieldwork/import_job.html", context, status=200)


@login_required
def import_job_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "note": job.progress_note,
            "finished": job.finished,
        }
    )


@login_required
@require_POST
def import_job_retry_view(request, pk: int):
    job = _job(request, pk)
    import_job_retry(job=job)
    return redirect("fieldwork:import_job", pk=job.pk)
