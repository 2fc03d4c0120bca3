"""Who may see and do what with comments and follow-ups.

Survey team: triage and assign (followups.triage_comments). Leadership: sees every unit, changes
nothing (surveys.view_all_results only). Unit manager: only the unit of their StaffProfile.
Objects of another unit are answered with 404, so an id in a URL reveals nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from surveys.models import CommentTriage, Response
from surveys.roles import sees_all_units, user_unit

from .models import FollowUp

MANAGE_OWN = "followups.manage_own_unit_followups"
TRIAGE = "followups.triage_comments"


def can_triage(user) -> bool:
    return user.is_authenticated and user.has_perm(TRIAGE)


def managed_unit(user):
    """The unit a unit manager acts for, or None."""
    if not (user.is_authenticated and user.has_perm(MANAGE_OWN)):
        return None
    return user_unit(user)


def can_see_followups(user) -> bool:
    return sees_all_units(user) or managed_unit(user) is not None


def followups_visible(user) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.all()
    if sees_all_units(user):
        return qs
    unit = managed_unit(user)
    return qs.filter(unit=unit) if unit is not None else qs.none()


def comments_visible(user) -> QuerySet[Response]:
    # comment_triage is set exactly when there is a comment; filtering on it (rather than on the
    # text) lets PostgreSQL use the (campaign, comment_triage) index.
    qs = Response.objects.filter(comment_triage__in=CommentTriage.values)
    if sees_all_units(user):
        return qs
    unit = managed_unit(user)
    return qs.filter(unit=unit) if unit is not None else qs.none()


def can_act_on(user, followup: FollowUp) -> bool:
    """Record action, attach evidence, resolve or escalate: the unit's managers or the team."""
    if can_triage(user):
        return True
    unit = managed_unit(user)
    return unit is not None and unit.pk == followup.unit_id
