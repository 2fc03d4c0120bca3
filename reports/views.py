"""Report runs: list and request, progress page and its JSON, download, lock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from surveys.roles import user_unit
from surveys.scope import scope_for

from . import services
from .access import report_runs_visible
from .forms import UNIT_KINDS, ReportRequestForm
from .models import ReportRun, ReportStatus

REQUEST = "reports.request_report"
LOCK = "reports.lock_report"


def _visible_run(request, pk: int, queryset=None) -> ReportRun:
    """The run if it is in this user's scope (reports.access), else 404: an id reveals
    nothing. Reports staff see their rounds' runs, a unit manager those of their subtree."""
    if not (request.user.has_perm(REQUEST) or user_unit(request.user) is not None):
        raise PermissionDenied
    qs = queryset if queryset is not None else ReportRun.objects.all()
    return get_object_or_404(report_runs_visible(request.user, qs), pk=pk)


def _requested_message(request, run: ReportRun) -> None:
    """Say what the run's state is now: with tasks in-process it is already done or failed,
    and "being compiled" beside a status "Done" would contradict the page."""
    run.refresh_from_db(fields=["status"])
    if run.status == ReportStatus.DONE:
        messages.success(request, _("The report has been compiled; it can be downloaded below."))
    elif run.status != ReportStatus.FAILED:  # a failed run's page says so itself
        messages.success(request, _("The report has been requested; it is being compiled."))


@login_required
def report_list(request):
    if not request.user.has_perm(REQUEST):
        return _unit_report_list(request)
    scope = scope_for(request.user)
    if scope.empty:
        raise PermissionDenied
    form = ReportRequestForm(request.POST or None, campaigns=scope.owned_campaigns())
    if request.method == "POST" and form.is_valid():
        fmt, variant = form.format_and_variant
        try:
            run = services.report_request(
                **form.period, user=request.user, fmt=fmt, variant=variant
            )
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect("reports:list")
        _requested_message(request, run)
        return redirect("reports:detail", pk=run.pk)
    runs = report_runs_visible(
        request.user,
        ReportRun.objects.select_related("campaign", "root", "requested_by", "locked_by"),
    )[:50]
    status = 400 if form.errors else 200
    return render(
        request, "reports/report_list.html", {"runs": runs, "form": form, "unit": None},
        status=status,
    )  # fmt: skip


def _unit_report_list(request):
    """A unit manager's page: compile and download the report of their unit's subtree."""
    unit = user_unit(request.user)
    if unit is None:
        raise PermissionDenied
    form = ReportRequestForm(
        request.POST or None, kinds=UNIT_KINDS, campaigns=scope_for(request.user).campaigns()
    )
    if request.method == "POST" and form.is_valid():
        fmt, variant = form.format_and_variant
        try:
            run = services.report_request(
                **form.period, user=request.user, fmt=fmt, variant=variant, unit=unit
            )
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect("reports:list")
        _requested_message(request, run)
        return redirect("reports:detail", pk=run.pk)
    runs = report_runs_visible(
        request.user,
        ReportRun.objects.filter(params__unit_id=unit.pk).select_related(
            "campaign", "root", "requested_by", "locked_by"
        ),
    )[:50]
    status = 400 if form.errors else 200
    return render(
        request, "reports/report_list.html", {"runs": runs, "form": form, "unit": unit},
        status=status,
    )  # fmt: skip


@require_GET
@login_required
def report_detail(request, pk: int):
    run = _visible_run(
        request, pk, ReportRun.objects.select_related("campaign", "root", "requested_by")
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "run": run,
            "can_lock": request.user.has_perm(LOCK) and services.run_is_lockable(run),
            "format": services.run_format(run),
        },
    )


@require_GET
@login_required
def report_progress(request, pk: int):
    run = _visible_run(request, pk)
    done = run.status == ReportStatus.DONE
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "progress": run.progress,
            "note": run.progress_note,
            "error": run.error,
            "finished": run.status in (ReportStatus.DONE, ReportStatus.FAILED),
            "download_url": reverse("reports:download", args=[run.pk]) if done else None,
            "checksum": run.checksum,
        }
    )


@require_GET
@login_required
def report_download(request, pk: int):
    run = _visible_run(request, pk, ReportRun.objects.select_related("campaign", "root"))
    if run.status != ReportStatus.DONE or not run.file:
        raise Http404(_("This report has no file yet."))
    try:
        handle = run.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The report file is missing.")) from exc
    # FileResponse writes Content-Disposition with an RFC 5987 filename* for non-ASCII names.
    return FileResponse(handle, as_attachment=True, filename=services.download_name(run))


@require_POST
@login_required
@permission_required(LOCK, raise_exception=True)
def report_lock(request, pk: int):
    run = get_object_or_404(report_runs_visible(request.user), pk=pk)
    try:
        services.report_lock(run=run, user=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The report is locked as the version sent to the Department of Home Affairs."),
        )
    return redirect("reports:detail", pk=run.pk)
