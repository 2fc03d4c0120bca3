"""Who may see and do what with comments and follow-ups.

Survey team: triage and assign (followups.triage_comments). Leadership: sees, changes nothing
(surveys.view_all_results only). Unit manager: acts for their unit. Everyone sees only the
units of their scope (surveys.scope: their unit's subtree); objects outside it are answered
with 404, so an id in a URL reveals nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from surveys.models import CommentTriage, Response
from surveys.roles import sees_results, user_unit
from surveys.scope import scope_for

from .models import FollowUp

MANAGE_OWN = "followups.manage_own_unit_followups"
TRIAGE = "followups.triage_comments"


def can_triage(user) -> bool:
    return user.is_authenticated and user.has_perm(TRIAGE) and not scope_for(user).empty


def managed_unit(user):
    """The unit a unit manager acts for, or None."""
    if not (user.is_authenticated and user.has_perm(MANAGE_OWN)):
        return None
    return user_unit(user)


def can_see_followups(user) -> bool:
    if scope_for(user).empty:
        return False
    return sees_results(user) or managed_unit(user) is not None


def followups_visible(user) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.all()
    if not can_see_followups(user):
        return qs.none()
    return scope_for(user).by_unit(qs)


def comments_visible(user) -> QuerySet[Response]:
    # comment_triage is set exactly when there is a comment; filtering on it (rather than on the
    # text) lets PostgreSQL use the (campaign, comment_triage) index.
    qs = Response.objects.filter(comment_triage__in=CommentTriage.values)
    if not can_see_followups(user):
        return qs.none()
    return scope_for(user).by_unit(qs)


def can_act_on(user, followup: FollowUp) -> bool:
    """Record action, attach evidence, resolve or escalate: the team of the follow-up's scope,
    or a manager whose subtree holds its unit."""
    if not scope_for(user).has_unit(followup.unit_id):
        return False
    return can_triage(user) or managed_unit(user) is not None
