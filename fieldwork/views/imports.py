"""Upload pages for paper-form files and invitation lists, and their blank templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.models import Channel
from surveys.scope import scope_for, scope_form_choices

from ..forms import UploadForm
from ..models import ImportJob, ImportJobKind, ImportKind, ImportLog
from ..selectors import invitation_counts
from ..services.import_jobs import import_job_start_if_large
from ..services.imports import responses_import, responses_import_message, responses_template
from ..services.invitation_lists import invitation_list_template, invitations_import
from ..services.mailing import invitations_requeue_failed, invitations_send_start
from ..sheets import SheetRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INVITE_PERMISSION = "surveys.add_invitation"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _owned(request):
    """The rounds this user's scope owns: another region's slug answers 404."""
    return scope_for(request.user).owned_campaigns()


def _upload(request, *, channel: str, importer, job_kind: str | None = None):
    """Validate the upload form and run `importer`; (form, result or None, its refusal).

    With `job_kind`, a large file is handed to a worker instead: the result is its ImportJob.
    """
    form = UploadForm(request.POST or None, request.FILES or None, channel=channel)
    scope_form_choices(form, scope_for(request.user), owned=True)
    if request.method != "POST" or not form.is_valid():
        return form, None, None
    upload = form.cleaned_data["file"]
    data = upload.read()
    kwargs = {"campaign": form.cleaned_data["campaign"], "filename": upload.name}
    try:
        if job_kind is not None:
            job = import_job_start_if_large(kind=job_kind, data=data, user=request.user, **kwargs)
            if job is not None:
                return form, job, None
        result = importer(data=data, user=request.user, **kwargs)
    except SheetRefused as exc:
        return form, None, exc
    return form, result, None


def _refusal(refused: SheetRefused | None) -> dict:
    """The template's view of a refusal: the first errors, how many more, the total."""
    if refused is None:
        return {"errors": [], "more_errors": 0, "error_total": 0}
    total = len(refused.errors) + refused.more
    return {"errors": refused.errors, "more_errors": refused.more, "error_total": total}


@login_required
@permission_required("fieldwork.key_paper_forms", raise_exception=True)
@require_http_methods(["GET", "POST"])
def responses_upload(request):
    form, result, refused = _upload(
        request, channel=Channel.PAPER, importer=responses_import, job_kind=ImportJobKind.RESPONSES
    )
    if isinstance(result, ImportJob):
        return redirect("fieldwork:import_job", pk=result.pk)
    if result is not None:
        messages.success(request, responses_import_message(result))
        return redirect("fieldwork:responses_upload")
    logs = (
        scope_for(request.user)
        .by_campaign(ImportLog.objects.filter(kind=ImportKind.RESPONSES), owned=True)
        .select_related("campaign", "imported_by")[:20]
    )
    context = {"form": form, "logs": logs, **_refusal(refused)}
    return render(
        request, "fieldwork/responses_upload.html", context, status=400 if refused else 200
    )


@login_required
@permission_required("fieldwork.key_paper_forms", raise_exception=True)
def responses_template_download(request, slug: str):
    campaign = get_object_or_404(_owned(request), slug=slug)
    return _xlsx(responses_template(campaign), f"phieu-giay-{campaign.slug}.xlsx")


@login_required
@permission_required(INVITE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def invitations(request):
    form, result, refused = _upload(request, channel=Channel.EMAIL, importer=invitations_import)
    if result is not None:
        messages.success(
            request,
            _(
                "%(created)d invitations created; %(existing)d e-mails were already "
                "invited; %(merged)d repeated rows merged."
            )
            % {
                "created": result.created,
                "existing": result.already_invited,
                "merged": result.merged,
            },
        )
        return redirect("fieldwork:invitations")
    campaigns = invitation_counts(form.fields["campaign"].queryset)
    context = {"form": form, "campaigns": campaigns, **_refusal(refused)}
    return render(request, "fieldwork/invitations.html", context, status=400 if refused else 200)


@login_required
@permission_required(INVITE_PERMISSION, raise_exception=True)
def invitation_template_download(request, slug: str):
    campaign = get_object_or_404(_owned(request), slug=slug)
    return _xlsx(invitation_list_template(campaign), f"danh-sach-moi-{campaign.slug}.xlsx")


@login_required
@permission_required(INVITE_PERMISSION, raise_exception=True)
@require_POST
def invitations_send(request, slug: str):
    campaign = get_object_or_404(_owned(request), slug=slug)
    if request.POST.get("requeue_failed"):
        count = invitations_requeue_failed(campaign=campaign)
        messages.info(request, _("%(n)d failed invitations queued again.") % {"n": count})
    invitations_send_start(campaign=campaign)
    messages.success(request, _("Sending has started; refresh this page to follow it."))
    return redirect("fieldwork:invitations")
