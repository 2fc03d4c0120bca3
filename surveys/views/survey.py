"""The survey itself: a unit's survey (web link or QR code) and the survey behind an invitation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kbnn_survey.input_guard import checks_its_own_characters
from surveys.forms import HONEYPOT_FIELD, SurveyForm, honeypot_filled
from surveys.fragments import (
    KEY_PLACEHOLDER,
    PAGE_TEMPLATE,
    RENDERED_PLACEHOLDER,
    survey_fields_html,
    survey_page_html,
)
from surveys.models import (
    Campaign,
    Channel,
    Invitation,
    Question,
    RefusalReason,
    RespondentGroup,
    Unit,
)
from surveys.posters import QR_MARKER
from surveys.ratelimiting import submit_rate_exceeded
from surveys.services import (
    COMMENT_MAX_LENGTH,
    SubmissionError,
    refusal_record,
    response_submit,
)
from surveys.services.response_submit import campaign_questions
from surveys.snapshots import campaign_snapshot

from . import lookups
from .thanks import thanks_url
from .unavailable import Unavailable, unavailable_page


def request_channel(request: HttpRequest) -> str:
    if not request.META.get("QUERY_STRING"):  # most requests: no query string to parse
        return Channel.WEB
    return Channel.QR if request.GET.get(QR_MARKER[0]) == QR_MARKER[1] else Channel.WEB


@checks_its_own_characters  # a NUL in the comment is explained beside it
@require_http_methods(["GET", "POST"])
@unavailable_page
def unit_survey(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    # Showing the form may use a snapshot confirmed a moment ago; a submission never does.
    recheck_after = 0.0 if request.method == "POST" else settings.SURVEY_PAGE_RECHECK_SECONDS
    snapshot, unit = lookups.open_campaign_unit(slug, unit_code, recheck_after=recheck_after)
    channel = request_channel(request)
    lookups.channel_accepted(snapshot.campaign, channel)
    return _survey(
        request,
        campaign=snapshot.campaign,
        unit=unit,
        channel=channel,
        groups=snapshot.groups,
        questions=snapshot.questions,
        unit_ids=snapshot.unit_ids,
        pages=snapshot.pages,
    )


@checks_its_own_characters
@require_http_methods(["GET", "POST"])
@unavailable_page
def invitation_survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = lookups.usable_invitation(token)
    campaign = invitation.campaign
    snapshot = campaign_snapshot(campaign.slug)
    if snapshot is not None and snapshot.campaign.questionnaire_id != campaign.questionnaire_id:
        snapshot = None  # changed since the invitation was read: read the questions directly
    return _survey(
        request,
        campaign=campaign,
        unit=invitation.unit,
        channel=invitation.source,
        groups=None,
        questions=snapshot.questions if snapshot else campaign_questions(campaign),
        unit_ids=snapshot.unit_ids if snapshot else None,
        pages=None,  # its own address, answered once: never shared
        invitation=invitation,
    )


def _survey(
    request: HttpRequest,
    *,
    campaign: Campaign,
    unit: Unit,
    channel: str,
    groups: list[RespondentGroup] | None,
    questions: list[Question],
    unit_ids: frozenset[int] | None,
    pages: dict | None,
    invitation: Invitation | None = None,
) -> HttpResponse:
    if request.method != "POST":

        def render_unbound(extra: dict) -> str:
            # The page substitutes a fresh key and render time (see surveys.fragments).
            initial = {"idempotency_key": KEY_PLACEHOLDER, "t": RENDERED_PLACEHOLDER}
            form = SurveyForm(questions=questions, groups=groups, initial=initial)
            return _page_html(request, form, campaign, unit, invitation, extra)

        return HttpResponse(survey_page_html(request, render_unbound, pages))

    _refuse_automated(request, campaign)
    form = SurveyForm(request.POST, questions=questions, groups=groups)
    form.is_valid()
    if form.has_errors:
        refusal_record(campaign=campaign, reason=RefusalReason.INVALID)
        return _render(request, form, campaign, unit, invitation)
    entry = form.entry()
    now = timezone.now()
    try:
        result = response_submit(
            campaign=campaign,
            unit=unit,
            respondent_group=entry.respondent_group,
            channel=channel,
            answers=entry.answers,
            comment=entry.comment,
            invitation=invitation,
            idempotency_key=entry.idempotency_key,
            contact=entry.contact,
            questions=questions,
            campaign_unit_ids=unit_ids,
            now=now,
            duration_seconds=entry.duration_seconds(now),
        )
    except SubmissionError as exc:
        refusal_record(campaign=campaign, reason=RefusalReason.INVALID)
        form.add_service_errors(exc.errors)
        return _render(request, form, campaign, unit, invitation)
    if not result.created:
        # A double click, a reload or a replay: same thank-you page, nothing new stored.
        refusal_record(campaign=campaign, reason=RefusalReason.REPLAY)
    if result.response.unit_id != unit.pk:  # a replay of another unit's form: look it up
        return redirect("surveys:thanks", key=result.response.idempotency_key)
    return HttpResponseRedirect(thanks_url(result.response, unit.name))


def _refuse_automated(request: HttpRequest, campaign: Campaign) -> None:
    """A robot's submission (honeypot filled) or too many from one address: refused, counted."""
    if honeypot_filled(request.POST):
        raise Unavailable(
            400,
            _("Your answers could not be accepted"),
            _("Please fill in the survey again without automatic tools."),
            reason=RefusalReason.HONEYPOT,
            campaign=campaign,
        )
    if submit_rate_exceeded(request):
        raise Unavailable(
            429,
            _("Too many answers from your network"),
            _("Many answers were just sent from the same network. Please try again later."),
            reason=RefusalReason.RATE_LIMIT,
            campaign=campaign,
        )


def _render(request, form: SurveyForm, campaign, unit, invitation) -> HttpResponse:
    """The form again, with the customer's entries and the errors beside them."""
    return HttpResponse(_page_html(request, form, campaign, unit, invitation, {}))


def _page_html(request, form: SurveyForm, campaign, unit, invitation, extra: dict) -> str:
    fields_context = {
        "form": form,
        "aspect_blocks": form.aspect_blocks,  # called only when the fragment is rendered
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
    context = {
        "form": form,
        "campaign": campaign,
        "unit": unit,
        "invitation": invitation,
        "honeypot_field": form[HONEYPOT_FIELD],
        "fields_html": survey_fields_html(form, fields_context),
        **extra,
    }
    return render_to_string(PAGE_TEMPLATE, context, request=request)
