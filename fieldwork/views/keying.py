"""The keyboard-first keying page, batch progress, and settling double-entry differences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kbnn_survey.input_guard import checks_its_own_characters
from surveys.scope import scope_for, scope_form_choices

from ..forms import BatchForm
from ..models import KeyingBatch
from ..selectors import batch_progress, batch_recent_forms, batches_with_progress
from ..services.keying import (
    COMMENT_FIELD,
    DATE_FIELD,
    KeyingError,
    batch_create,
    batch_pairs_unsettled,
    batch_pass_for,
    form_settle,
    keyed_form_undo_last,
    paper_form_key,
)
from ..services.paper import campaign_questions, date_parse

PERMISSION = "fieldwork.key_paper_forms"


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def batch_list(request):
    form = scope_form_choices(BatchForm(request.POST or None), scope_for(request.user), owned=True)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_create(user=request.user, **form.cleaned_data)
        except KeyingError as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    form.add_error(key if key in form.fields else None, error)
        else:
            return redirect("fieldwork:keying", pk=batch.pk)
    batches = batches_with_progress(scope=scope_for(request.user))[:100]
    return render(request, "fieldwork/batch_list.html", {"form": form, "batches": batches})


def _batches(request):
    """The paper batches of this user's scope: another region's batch id answers 404."""
    scope = scope_for(request.user)
    return scope.by_unit(scope.by_campaign(KeyingBatch.objects.all(), owned=True))


def _last_date_key(batch: KeyingBatch) -> str:
    return f"fieldwork-last-date-{batch.pk}"


@checks_its_own_characters  # a NUL in the comment is explained beside it
@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def keying(request, pk: int):
    batch = get_object_or_404(_batches(request).select_related("campaign"), pk=pk)
    questions = campaign_questions(batch.campaign)
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {"answered_on": request.session.get(_last_date_key(batch), "")}
    try:
        pass_no = batch_pass_for(batch, request.user)
    except KeyingError as exc:
        messages.error(request, str(exc))
        return redirect("fieldwork:batches")
    if request.method == "POST" and request.POST.get("undo"):
        return _undo_last(request, batch)
    if request.method == "POST":
        typed = {key: request.POST.get(key, "").strip() for key in request.POST}
        try:
            result = paper_form_key(
                batch=batch,
                user=request.user,
                answers={q.code: typed.get(q.code, "") for q in questions},
                comment=typed.get(COMMENT_FIELD, ""),
                answered_on=date_parse(typed.get(DATE_FIELD)),
            )
        except KeyingError as exc:
            errors = exc.errors
        else:
            request.session[_last_date_key(batch)] = typed.get(DATE_FIELD, "")
            return redirect(f"{request.path}?saved={result.form.seq}")
    progress = batch_progress(batch)
    keyed = progress.keyed_first if pass_no == 1 else progress.keyed_second
    context = {
        "batch": progress,
        "pass_no": pass_no,
        "keyed": keyed,
        "questions": [(q, typed.get(q.code, ""), errors.get(q.code, [])) for q in questions],
        "typed": typed,
        "errors": errors,
        # A refused form is the news on this page; the earlier "saved" note would contradict it.
        "saved": None if errors else request.GET.get("saved"),
        "recent": batch_recent_forms(batch=batch, pass_no=pass_no),
        "codes": [q.code for q in questions],
    }
    return render(request, "fieldwork/keying.html", context, status=400 if errors else 200)


def _undo_last(request, batch: KeyingBatch):
    try:
        seq = keyed_form_undo_last(batch=batch, user=request.user)
    except KeyingError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("Form %(seq)s was taken back; key it again.") % {"seq": seq})
    return redirect("fieldwork:keying", pk=batch.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def settle(request, pk: int):
    batch = get_object_or_404(
        _batches(request).select_related("campaign", "first_operator", "second_operator"), pk=pk
    )
    errors: dict[str, list[str]] = {}
    failed_seq = None
    if request.method == "POST":
        try:
            seq = int(request.POST.get("seq", ""))
        except ValueError:
            seq = 0
        choices = {}
        for key, value in request.POST.items():
            if key.startswith("f_") and value in ("1", "2"):
                choices[key[2:]] = int(value)
        try:
            form_settle(batch=batch, seq=seq, user=request.user, choices=choices)
        except KeyingError as exc:
            errors, failed_seq = exc.errors, seq
        else:
            messages.success(request, _("Form %(seq)s is settled and counted.") % {"seq": seq})
            return redirect("fieldwork:settle", pk=batch.pk)
    pairs = batch_pairs_unsettled(batch)
    context = {
        "batch": batch_progress(batch),
        "differing": [p for p in pairs if p.differences],
        "waiting": [p for p in pairs if not (p.first and p.second)],
        "errors": errors,
        "failed_seq": failed_seq,
        "may_settle": request.user.pk not in (batch.first_operator_id, batch.second_operator_id),
    }
    return render(request, "fieldwork/settle.html", context, status=400 if errors else 200)
