"""The survey itself: a unit's survey (web link or QR code) and the survey behind an invitation."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.forms import HONEYPOT_FIELD, SurveyForm
from surveys.fragments import KEY_PLACEHOLDER, survey_fields_html, survey_page_html
from surveys.models import (
    Campaign,
    Channel,
    Invitation,
    RefusalReason,
    RespondentGroup,
    Response,
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

from . import lookups
from .unavailable import Unavailable, unavailable_page


def request_channel(request: HttpRequest) -> str:
    return Channel.QR if request.GET.get(QR_MARKER[0]) == QR_MARKER[1] else Channel.WEB


@require_http_methods(["GET", "POST"])
@unavailable_page
def unit_survey(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    campaign, unit = lookups.open_campaign_unit(slug, unit_code)
    channel = request_channel(request)
    lookups.channel_accepted(campaign, channel)
    groups = list(RespondentGroup.objects.filter(is_active=True))
    return _survey(request, campaign=campaign, unit=unit, channel=channel, groups=groups)


@require_http_methods(["GET", "POST"])
@unavailable_page
def invitation_survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = lookups.usable_invitation(token)
    return _survey(
        request,
        campaign=invitation.campaign,
        unit=invitation.unit,
        channel=invitation.source,
        groups=None,
        invitation=invitation,
    )


def _survey(
    request: HttpRequest,
    *,
    campaign: Campaign,
    unit: Unit,
    channel: str,
    groups: list[RespondentGroup] | None,
    invitation: Invitation | None = None,
) -> HttpResponse:
    questions = campaign_questions(campaign)
    if request.method != "POST":
        # The page substitutes a fresh key for the placeholder (see surveys.fragments).
        form = SurveyForm(
            questions=questions, groups=groups, initial={"idempotency_key": KEY_PLACEHOLDER}
        )
        return _render(request, form, campaign, unit, invitation)

    form = SurveyForm(request.POST, questions=questions, groups=groups)
    if form.honeypot_filled:
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
    if not form.is_valid():
        refusal_record(campaign=campaign, reason=RefusalReason.INVALID)
        return _render(request, form, campaign, unit, invitation)
    try:
        result = response_submit(
            campaign=campaign,
            unit=unit,
            respondent_group=form.cleaned_data.get("respondent_group"),
            channel=channel,
            answers=form.raw_answers(),
            comment=form.cleaned_data["comment"],
            invitation=invitation,
            idempotency_key=form.cleaned_data["idempotency_key"],
            contact=form.contact(),
            questions=questions,
        )
    except SubmissionError as exc:
        refusal_record(campaign=campaign, reason=RefusalReason.INVALID)
        form.add_service_errors(exc.errors)
        return _render(request, form, campaign, unit, invitation)
    if not result.created:
        # A double click, a reload or a replay: same thank-you page, nothing new stored.
        refusal_record(campaign=campaign, reason=RefusalReason.REPLAY)
    return redirect("surveys:thanks", key=result.response.idempotency_key, permanent=False)


def _render(request, form: SurveyForm, campaign, unit, invitation) -> HttpResponse:
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
    }
    # Everything the page shows beyond the form's fields, for the shared-page cache key.
    shown = None if invitation else (campaign.pk, campaign.name, unit.pk, unit.name)
    return HttpResponse(survey_page_html(request, form, context, shown))


def thanks(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Reached only with the form's own random key, so no one else's response is shown."""
    # Only what the page shows; a tracking code exists exactly when a comment was written.
    shown = get_object_or_404(
        Response.objects.values("tracking_code", "unit__name"), idempotency_key=key
    )
    return render(request, "surveys/thanks.html", shown)
