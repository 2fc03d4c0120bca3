"""Find what a public URL names, or raise Unavailable with the page the customer should see."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.models import Campaign, CampaignStatus, Invitation, RefusalReason, Unit
from surveys.rules import campaign_open_on, invitation_problem
from surveys.snapshots import CampaignSnapshot, campaign_snapshot

from .unavailable import Unavailable


def home_link() -> tuple[str, str]:
    return reverse("surveys:home"), _("See the open surveys")


def open_campaign(slug: str) -> Campaign:
    """The campaign if it accepts answers today: 404 unknown or not yet open, 410 closed."""
    campaign = Campaign.objects.select_related("questionnaire").filter(slug=slug).first()
    return campaign_accepting(campaign)


def campaign_accepting(campaign: Campaign | None, today: datetime.date | None = None) -> Campaign:
    today = today or timezone.localdate()
    if campaign is not None and campaign_open_on(campaign, today):  # response_submit's rule
        return campaign
    # Not open: which page says why.
    if campaign is None or campaign.status == CampaignStatus.DRAFT:
        raise Unavailable(
            404,
            _("Survey not found"),
            _("There is no survey at this address. Please check the link or the QR code."),
            links=[home_link()],
        )
    if campaign.status == CampaignStatus.CLOSED or campaign.closes_on < today:
        raise Unavailable(
            410,
            _("This survey is closed"),
            _("The survey “%(name)s” closed on %(day)s. Thank you for your interest.")
            % {"name": campaign.name, "day": date_format(campaign.closes_on, "SHORT_DATE_FORMAT")},
            campaign=campaign,
            links=[home_link()],
        )
    raise Unavailable(  # open, but its first day is still to come
        404,
        _("This survey is not open yet"),
        _("The survey “%(name)s” opens on %(day)s.")
        % {"name": campaign.name, "day": date_format(campaign.opens_on, "SHORT_DATE_FORMAT")},
        campaign=campaign,
        links=[home_link()],
    )


def open_campaign_unit(
    slug: str, code: str, *, recheck_after: float = 0.0
) -> tuple[CampaignSnapshot, Unit]:
    """The campaign's snapshot and the unit, if both accept answers today."""
    snapshot = campaign_snapshot(slug, recheck_after=recheck_after)
    today = timezone.localdate()
    campaign = campaign_accepting(snapshot.campaign if snapshot else None, today)
    return snapshot, campaign_unit(campaign, snapshot.units_by_code.get(code), today)


def campaign_unit(campaign: Campaign, unit: Unit | None, today: datetime.date) -> Unit:
    """`unit`, the campaign's unit with this code, if valid today: 404 none, 410 out of service."""
    if unit is not None and unit.is_valid_on(today):
        return unit
    picker = (reverse("surveys:unit_picker", args=[campaign.slug]), _("Choose your unit"))
    if unit is None:
        raise Unavailable(
            404,
            _("Unit not found"),
            _("No unit with this code takes part in this survey."),
            reason=RefusalReason.INVALID,
            campaign=campaign,
            links=[picker],
        )
    raise Unavailable(
        410,
        _("This unit no longer exists"),
        _("“%(name)s” no longer serves customers. Please choose the unit that served you.")
        % {"name": unit.name},
        reason=RefusalReason.INVALID,
        campaign=campaign,
        links=[picker],
    )


def channel_accepted(campaign: Campaign, channel: str) -> None:
    if not campaign.accepts_channel(channel):
        raise Unavailable(
            404,
            _("This survey cannot be answered this way"),
            _("This survey is not collecting answers through this link."),
            reason=RefusalReason.INVALID,
            campaign=campaign,
            links=[home_link()],
        )


def usable_invitation(token: str) -> Invitation:
    """404 unknown; 410 already answered or expired; then the campaign's own checks."""
    invitation = (
        Invitation.objects.select_related("campaign__questionnaire", "unit", "respondent_group")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Unavailable(
            404,
            _("Invitation not found"),
            _("This invitation link is not valid. Please check that you copied all of it."),
            reason=RefusalReason.INVITATION,
        )
    if invitation_problem(invitation) is not None:  # the rule response_submit applies
        used = invitation.answered_on is not None
        raise Unavailable(
            410,
            _("This invitation has already been answered")
            if used
            else _("This invitation has expired"),
            _("Each invitation can be answered once. Thank you for your answers.")
            if used
            else _("The time to answer this invitation is over."),
            reason=RefusalReason.INVITATION,
            campaign=invitation.campaign,
        )
    campaign_accepting(invitation.campaign)
    channel_accepted(invitation.campaign, invitation.source)
    return invitation
