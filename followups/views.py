"""Comment triage, follow-up work, evidence files and the public status page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from surveys.ratelimiting import rate_exceeded
from surveys.scope import scope_for, scope_form_choices
from surveys.services.personal_data import contact_consent_withdraw

from . import services
from .access import can_act_on, can_see_followups, can_triage
from .forms import (
    ActionForm,
    AssignForm,
    CommentFilterForm,
    EscalateForm,
    EvidenceForm,
    FollowUpFilterForm,
    ResolveForm,
    TriageForm,
)
from .models import OPEN_FOLLOWUP_STATUSES, FollowUpStatus
from .selectors import (
    comments_filtered,
    default_campaign_id,
    followup_choices_for_join,
    followups_filtered,
    followups_visible,
    overdue_count,
    public_status_for_code,
)

PAGE_SIZE = 50
# The filter form above has fields of the same names: distinct ids keep each label on its input.
TRIAGE_IDS = "triage_%s"
STATUS_RATE = "20/m"
STATUS_GROUP = "followups.status"
logger = logging.getLogger(__name__)


def _require_viewer(user) -> None:
    if not can_see_followups(user):
        raise PermissionDenied


def _visible_units(user):
    return scope_for(user).units()


def _scoped(form, user):
    scope_form_choices(form, scope_for(user))
    return form


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def comment_list(request):
    _require_viewer(request.user)
    triage = can_triage(request.user)
    if request.method == "POST":
        if not triage:
            raise PermissionDenied
        return _triage_post(request)
    units = _visible_units(request.user)
    query = request.GET
    if "campaign" not in query:
        # The current round by default: one campaign's comments, read through its index.
        query = query.copy()
        query["campaign"] = str(default_campaign_id(scope=scope_for(request.user)) or "")
    filters = _scoped(CommentFilterForm(query, units=units), request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    comments = comments_filtered(request.user, cleaned)
    page = Paginator(comments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "can_triage": triage,
        "triage_form": _scoped(
            TriageForm(auto_id=TRIAGE_IDS, followups=followup_choices_for_join(request.user)),
            request.user,
        )
        if triage
        else None,
        "query": _query_without_page(request),
    }
    return render(request, "followups/comment_list.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _triage_post(request):
    user = request.user
    ids = [pk for pk in request.POST.getlist("comments") if pk.isdigit()]
    visible_ids = list(comments_filtered(user, {}).filter(pk__in=ids).values_list("pk", flat=True))
    form = _scoped(
        TriageForm(
            request.POST,
            auto_id=TRIAGE_IDS,
            comment_ids=visible_ids,
            followups=followup_choices_for_join(user),
        ),
        user,
    )
    back = request.get_full_path()
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["op"] == "open":
            first = comments_filtered(user, {}).get(pk=data["comments"][0])
            followup = services.followup_open(
                campaign=first.campaign,
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                response_ids=data["comments"],
                deadline=data["deadline"],
                user=user,
            )
            messages.success(request, _("Follow-up opened and assigned."))
            return redirect("followups:detail", followup.pk)
        if data["op"] == "join":
            n = services.followup_join_comments(
                followup=data["followup"], response_ids=data["comments"], user=user
            )
            messages.success(request, _("%(n)d comment(s) joined to the follow-up.") % {"n": n})
        else:
            n = services.comment_triage_mark(
                response_ids=data["comments"], triage=data["op"], user=user
            )
            messages.success(request, _("%(n)d comment(s) marked.") % {"n": n})
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect(back)


@login_required
def followup_list(request):
    _require_viewer(request.user)
    filters = _scoped(
        FollowUpFilterForm(request.GET or None, units=_visible_units(request.user)), request.user
    )
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    followups = followups_filtered(request.user, cleaned)
    page = Paginator(followups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "overdue": overdue_count(request.user),
        "query": _query_without_page(request),
    }
    return render(request, "followups/followup_list.html", context)


def _visible_followup(request, pk: int):
    _require_viewer(request.user)
    return get_object_or_404(
        followups_visible(request.user).select_related("campaign", "unit", "created_by"), pk=pk
    )


@login_required
def followup_detail(request, pk: int):
    followup = _visible_followup(request, pk)
    acts = can_act_on(request.user, followup)
    context = {
        "followup": followup,
        "comments": followup.responses.select_related("unit").order_by("submitted_at"),
        "evidence": followup.evidence.select_related("uploaded_by"),
        "events": followup.events.select_related("user"),
        "can_act": acts,
        "is_open": followup.status in OPEN_FOLLOWUP_STATUSES,
        "can_assign": can_triage(request.user),
    }
    if acts:
        context.update(
            action_form=ActionForm(initial={"action_taken": followup.action_taken}),
            resolve_form=ResolveForm(),
            escalate_form=EscalateForm(initial={"escalation_reason": followup.escalation_reason}),
            evidence_form=EvidenceForm(),
        )
    if context["can_assign"]:
        context["assign_form"] = _scoped(
            AssignForm(initial={"unit": followup.unit_id, "deadline": followup.deadline}),
            request.user,
        )
    return render(request, "followups/followup_detail.html", context)


# op -> (form, service, keyword of the form field, success message)
_OPS = {
    "action": (ActionForm, services.followup_record_action, "action_taken"),
    "resolve": (ResolveForm, services.followup_resolve, "resolution"),
    "escalate": (EscalateForm, services.followup_escalate, "escalation_reason"),
}
_OP_DONE = {
    "action": gettext_lazy("Action recorded."),
    "resolve": gettext_lazy("Follow-up resolved."),
    "escalate": gettext_lazy("Follow-up escalated to the competent authority."),
}
_ESCALATION_PROPOSED = gettext_lazy(
    "Escalation proposed; the survey team will decide whether to escalate it."
)


@login_required
@require_POST
def followup_update(request, pk: int, op: str):
    followup = _visible_followup(request, pk)
    if op not in _OPS:
        raise Http404
    if not can_act_on(request.user, followup):
        raise PermissionDenied
    form_class, service, field = _OPS[op]
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors[field])
        kwarg = "reason" if op == "escalate" else field
        updated = service(followup=followup, user=request.user, **{kwarg: form.cleaned_data[field]})
        proposed = op == "escalate" and updated.status != FollowUpStatus.ESCALATED
        messages.success(request, _ESCALATION_PROPOSED if proposed else _OP_DONE[op])
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("followups:detail", followup.pk)


@login_required
@require_POST
def followup_assign(request, pk: int):
    followup = _visible_followup(request, pk)
    if not can_triage(request.user):
        raise PermissionDenied
    form = _scoped(AssignForm(request.POST), request.user)
    try:
        if not form.is_valid():
            raise ValidationError([m for errs in form.errors.values() for m in errs])
        services.followup_assign(followup=followup, user=request.user, **form.cleaned_data)
        messages.success(request, _("Follow-up assigned."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("followups:detail", followup.pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    followup = _visible_followup(request, pk)
    if not can_act_on(request.user, followup):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([m for errs in form.errors.values() for m in errs])
        services.evidence_attach(
            followup=followup, upload=form.cleaned_data["file"], user=request.user
        )
        messages.success(request, _("Evidence file attached."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("followups:detail", followup.pk)


@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    followup = _visible_followup(request, pk)
    evidence = get_object_or_404(followup.evidence.all(), pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _status_rate_exceeded(request) -> bool:
    """Count this look-up against the (hashed) address; True once the allowance is used up.

    Codes are 31^10: at 20 look-ups a minute per address, enumerating them is hopeless. If the
    cache (Redis) is down the limit fails open, like the survey's, rather than answering 500.
    """
    return rate_exceeded(request, group=STATUS_GROUP, rate=STATUS_RATE)


def public_status(request, code: str):
    if _status_rate_exceeded(request):
        return render(request, "followups/status_limited.html", status=429)
    status = public_status_for_code(code.strip().upper())
    if status is None:
        return render(request, "followups/status_unknown.html", status=404)
    response = render(request, "followups/status.html", {"status": status, "code": code})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def consent_withdraw(request, code: str):
    """The respondent, holding the tracking code, withdraws consent: contact details erased."""
    if _status_rate_exceeded(request):
        return render(request, "followups/status_limited.html", status=429)
    code = code.strip().upper()
    if public_status_for_code(code) is None:  # same 404 for malformed and unknown codes
        return render(request, "followups/status_unknown.html", status=404)
    if contact_consent_withdraw(tracking_code=code):
        messages.success(request, _("Your contact details have been erased."))
    return redirect("followups:status", code=code)


def status_lookup(request):
    """A small form to type a code; redirects to /tra-cuu/<code>/."""
    code = "".join(request.GET.get("code", "").split()).upper()[:32]
    if code:
        return redirect("followups:status", code=code)
    return render(request, "followups/status_lookup.html")
