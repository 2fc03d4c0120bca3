"""Invitation lists: one e-mail invitation per budget-using unit and campaign."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Campaign, Channel, Invitation, InvitationSource, RespondentGroup

from ..models import ImportKind, ImportLog
from ..sheets import ErrorList, RowError, SheetRefused, sheet_read, workbook_bytes
from .imports import file_checksum
from .retention import email_hash, opted_out_hashes

COL_NAME = "Tên đơn vị"
COL_EMAIL = "E-mail"
COL_UNIT = "Mã đơn vị"
INVITED_GROUP = "budget_user"


def invitation_list_template(campaign: Campaign) -> bytes:
    units = campaign.units.order_by("sort_order", "code").values_list("code", "name")
    return workbook_bytes(
        _("Invitations"),
        [COL_NAME, COL_EMAIL, COL_UNIT],
        {_("Units"): [(COL_UNIT, _("Unit")), *units]},
    )


def invitation_expiry(campaign: Campaign) -> datetime.datetime:
    """The end of the campaign's last day, local time."""
    last = datetime.datetime.combine(campaign.closes_on, datetime.time.max)
    return timezone.make_aware(last)


@dataclass(frozen=True)
class InvitationListResult:
    created: int
    already_invited: int
    merged: int


def invitations_import(
    *,
    campaign: Campaign,
    data: bytes,
    filename: str,
    user: AbstractBaseUser | None = None,
) -> InvitationListResult:
    """Create one invitation per new e-mail, or nothing when any row is bad (SheetRefused).

    The same e-mail twice in the file, or already invited in this campaign, is one invitation.
    """
    if not campaign.accepts_channel(Channel.EMAIL):
        raise SheetRefused([RowError(0, "", _("This survey does not accept e-mail invitations."))])
    group = RespondentGroup.objects.filter(code=INVITED_GROUP).first()
    if group is None:
        raise SheetRefused([RowError(0, "", _("The budget-using units group does not exist."))])
    sheet = sheet_read(data, required=[COL_NAME, COL_EMAIL, COL_UNIT])
    units = {u.code.casefold(): u for u in campaign.units.all()}
    errors = ErrorList()
    wanted: dict[str, Invitation] = {}
    merged = 0
    for number, values in sheet.rows:
        name = " ".join(str(values.get(COL_NAME) or "").split())
        email = str(values.get(COL_EMAIL) or "").strip().lower()
        unit = units.get(str(values.get(COL_UNIT) or "").strip().casefold())
        if not name:
            errors.append(RowError(number, COL_NAME, _("the name is empty.")))
        elif len(name) > 300:
            errors.append(RowError(number, COL_NAME, _("at most 300 characters.")))
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                RowError(
                    number,
                    COL_EMAIL,
                    _("“%(email)s” is not a valid e-mail address.") % {"email": email},
                )
            )
        if unit is None:
            errors.append(
                RowError(
                    number,
                    COL_UNIT,
                    _("unit code “%(code)s” is not part of this survey.")
                    % {"code": values.get(COL_UNIT) or ""},
                )
            )
        if email in wanted:
            merged += 1
            continue
        wanted[email] = Invitation(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            source=InvitationSource.EMAIL,
            organisation=name,
            email=email,
            expires_at=invitation_expiry(campaign),
        )
    if errors:
        raise SheetRefused(errors)
    # Whoever opted out before (this round or an earlier one) is invited, never e-mailed.
    opted = opted_out_hashes(wanted)
    for email, invitation in wanted.items():
        if email_hash(email) in opted:
            invitation.opted_out_at = timezone.now()
    with transaction.atomic():
        existing = set(
            Invitation.objects.filter(campaign=campaign, email__in=list(wanted)).values_list(
                "email", flat=True
            )
        )
        new = [inv for email, inv in wanted.items() if email not in existing]
        # ignore_conflicts: a list uploaded twice at once still yields one invitation per e-mail.
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
        ImportLog.objects.create(
            kind=ImportKind.INVITATIONS,
            campaign=campaign,
            filename=filename[:255],
            checksum=file_checksum(data),
            rows=len(sheet.rows),
            created=len(new),
            imported_by=user if user and user.is_authenticated else None,
        )
    return InvitationListResult(created=len(new), already_invited=len(existing), merged=merged)
