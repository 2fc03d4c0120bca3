"""Reads for the fieldwork pages: batch progress and invitation sending, counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from surveys.models import Campaign, Invitation, InvitationSource
from surveys.scope import Scope

from .models import FormSettlement, KeyedForm, KeyingBatch


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(batch=OuterRef("pk"), **filters)
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def batches_with_progress(
    campaign: Campaign | None = None, *, scope: Scope | None = None
) -> QuerySet[KeyingBatch]:
    """Each batch with how many forms are keyed in pass 1, pass 2, and settled (counted)."""
    batches = KeyingBatch.objects.select_related(
        "campaign", "unit", "respondent_group", "first_operator", "second_operator"
    )
    if scope is not None:
        batches = scope.by_unit(scope.by_campaign(batches, owned=True))
    if campaign is not None:
        batches = batches.filter(campaign=campaign)
    return batches.annotate(
        keyed_first=_count(KeyedForm, pass_no=1),
        keyed_second=_count(KeyedForm, pass_no=2),
        settled=_count(FormSettlement),
    )


RECENT_FORMS_SHOWN = 5


def batch_recent_forms(
    *, batch: KeyingBatch, pass_no: int, limit: int = RECENT_FORMS_SHOWN
) -> list[KeyedForm]:
    """The last forms of this pass, newest first, each with `response_id` once it counts (the
    response a correction goes through) and `typed`, the boxes as keyed ("0" no opinion, ""
    not answered), in question order."""
    response = FormSettlement.objects.filter(batch=batch, seq=OuterRef("seq")).values("response")
    forms = list(
        batch.forms.filter(pass_no=pass_no)
        .annotate(response_id=Subquery(response[:1]))
        .order_by("-seq")[:limit]
    )
    for form in forms:
        form.typed = ["0" if value is None else str(value) for value in form.answers.values()]
    return forms


def batch_progress(batch: KeyingBatch) -> KeyingBatch:
    return batches_with_progress().get(pk=batch.pk)


def invitation_counts(campaigns) -> list[tuple[Campaign, dict[str, int]]]:
    """E-mail invitations of each campaign by sending state, answered, opted out (one query)."""
    campaigns = list(campaigns)
    rows = (
        Invitation.objects.filter(campaign__in=campaigns, source=InvitationSource.EMAIL)
        .values("campaign")
        .annotate(
            total=Count("pk"),
            not_sent=Count("pk", filter=Q(send_status="not_sent")),
            sending=Count("pk", filter=Q(send_status="sending")),
            sent=Count("pk", filter=Q(send_status="sent")),
            failed=Count("pk", filter=Q(send_status="failed")),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            opted_out=Count("pk", filter=Q(opted_out_at__isnull=False)),
            reminded=Count("pk", filter=Q(reminders_sent__gt=0)),
        )
        .order_by()
    )
    by_campaign = {row.pop("campaign"): row for row in rows}
    empty = dict.fromkeys(
        ("total", "not_sent", "sending", "sent", "failed", "answered", "opted_out", "reminded"), 0
    )
    return [(c, by_campaign.get(c.pk, empty)) for c in campaigns]


@dataclass(frozen=True)
class PersonalDataHeld:
    what: str
    why: str
    where: str
    until: str
    count: int


def personal_data_register() -> list[PersonalDataHeld]:
    """What personal data the portal holds, why, where and until when, with how many records:
    the record a data-protection impact assessment (Law 91/2025/QH15) starts from."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from surveys.models import ResponseContact

    from .models import OptOut

    return [
        PersonalDataHeld(
            _("Respondents' contact details (name, phone, e-mail), left with consent"),
            _("To contact the respondent about their comment"),
            _("Kept apart from the answers; read only by the survey team"),
            _(
                "Withdrawn by the respondent at any time with the tracking code; otherwise "
                "erased %(days)d days after the follow-up closes (or the round, without one)"
            )
            % {"days": settings.CONTACT_RETENTION_DAYS},
            ResponseContact.objects.count(),
        ),
        PersonalDataHeld(
            _("Invited budget-using units: name and e-mail address"),
            _("To send the survey invitation and its reminders"),
            _("The round's invitations"),
            _("Erased %(days)d days after the round closes")
            % {"days": settings.INVITEE_RETENTION_DAYS},
            Invitation.objects.exclude(email="", organisation="").count(),
        ),
        PersonalDataHeld(
            _("Addresses that refused survey e-mails, as a keyed hash only"),
            _("To honour the refusal in later rounds"),
            _("E-mail opt-outs"),
            _("Until the refusal is withdrawn"),
            OptOut.objects.count(),
        ),
        PersonalDataHeld(
            _("Staff accounts: name, e-mail, unit, role"),
            _("To log in and to record who did what"),
            _("Accounts and the history of changes"),
            _("While the person works with the portal"),
            get_user_model().objects.count(),
        ),
        PersonalDataHeld(
            _("Failed log-ins: user name and network address"),
            _("To lock out password guessing"),
            _("Log-in attempts (django-axes)"),
            _("Until the lock-out ends or an administrator unlocks the account"),
            AccessAttempt.objects.count(),
        ),
    ]
