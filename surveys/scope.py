"""What a staff user may see: the subtree of the unit of their StaffProfile (DESIGN: roots).

The rule, in one place, for every page, the admin and the API:
- A superuser sees everything.
- Any other user sees the units of their unit's subtree by `parent`, past and present, and the
  former units whose successor chain leads into it (the district treasuries of 2024 merged into
  a regional treasury's offices are history of that regional treasury), with their subtrees.
- A user without a unit sees no unit, and so nothing staff-only (fail closed): what a customer
  sees.
- A campaign is visible when its root is one of those units, or when it surveys one of them
  (an office's manager sees the regional round that surveys the office, and only the office's
  numbers in it). A campaign is *owned* (may be edited, reported on as a whole) when its root
  is one of those units; a campaign without a root (a one-root installation) is owned by the
  users whose unit is the one root serving today (with two roots, by superusers only).
- Everything else (responses, comments, follow-ups, invitations, paper batches, kiosks, quotas,
  yearly plans) is visible through its unit, or its campaign where it has no unit.
  Report runs go through `report_runs_visible` only.

One query loads the tree (UnitTree); the scope is then kept on the user object for the
request. The public survey path never builds one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Campaign, Unit
from .tree import UnitTree

_CACHE = "_kbnn_scope"


@dataclass(frozen=True)
class Scope:
    # None: every unit (a superuser); else the ids of the units this user sees.
    unit_ids: frozenset[int] | None
    unit_id: int | None = None  # the user's own unit
    top: bool = False  # the user's unit is the one root serving: it owns root-less rounds
    # The tree the scope was built from, for a page that walks it again (the dashboard's
    # roll-up): one load of the unit table per request, not two.
    tree: UnitTree | None = field(default=None, compare=False, repr=False)

    @property
    def everything(self) -> bool:
        return self.unit_ids is None

    @property
    def empty(self) -> bool:
        return self.unit_ids is not None and not self.unit_ids

    def ids(self) -> list[int]:
        return sorted(self.unit_ids or ())

    def has_unit(self, unit_id: int | None) -> bool:
        return self.everything or (unit_id is not None and unit_id in self.unit_ids)

    # Querysets -----------------------------------------------------------------------------
    def units(self, qs: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
        qs = Unit.objects.all() if qs is None else qs
        return qs if self.everything else qs.filter(pk__in=self.ids())

    def campaign_q(self, prefix: str = "") -> Q:
        """Q over a Campaign (or over a model with a campaign at `prefix`, e.g. "campaign__")."""
        if self.everything:
            return Q()
        ids = self.ids()
        surveyed = Campaign.units.through.objects.filter(unit_id__in=ids).values("campaign_id")
        return Q(**{f"{prefix}root_id__in": ids}) | Q(**{f"{prefix}pk__in": surveyed})

    def owned_campaign_q(self, prefix: str = "") -> Q:
        if self.everything:
            return Q()
        owned = Q(**{f"{prefix}root_id__in": self.ids()})
        if self.top:
            owned |= Q(**{f"{prefix}root__isnull": True})
        return owned

    def campaigns(self, qs: QuerySet[Campaign] | None = None) -> QuerySet[Campaign]:
        qs = Campaign.objects.all() if qs is None else qs
        if self.everything:
            return qs
        if self.empty:
            return qs.none()
        return qs.filter(self.campaign_q())

    def owned_campaigns(self, qs: QuerySet[Campaign] | None = None) -> QuerySet[Campaign]:
        qs = Campaign.objects.all() if qs is None else qs
        if self.everything:
            return qs
        if self.empty:
            return qs.none()
        return qs.filter(self.owned_campaign_q())

    def owns_campaign(self, campaign: Campaign) -> bool:
        if self.everything:
            return True
        if campaign.root_id is None:
            return self.top
        return campaign.root_id in self.unit_ids

    def by_unit(self, qs: QuerySet, field: str = "unit") -> QuerySet:
        """The rows whose `field` (a FK to Unit, or a path to one) is in the scope."""
        if self.everything:
            return qs
        return qs.filter(**{f"{field}__in": self.ids()}) if self.unit_ids else qs.none()

    def by_campaign(self, qs: QuerySet, field: str = "campaign", *, owned: bool = False):
        """The rows whose campaign at `field` is visible (owned: may be changed)."""
        if self.everything:
            return qs
        if self.empty:
            return qs.none()
        q = self.owned_campaign_q(f"{field}__") if owned else self.campaign_q(f"{field}__")
        return qs.filter(q)


NOTHING = Scope(unit_ids=frozenset())
EVERYTHING = Scope(unit_ids=None)


def scope_units(tree: UnitTree, unit_id: int) -> set[int]:
    """The unit's subtree, plus the former units whose successor chain leads into it (and
    their subtrees), repeated until nothing is added."""
    predecessors: dict[int, list[int]] = {}
    for node in tree.nodes.values():
        if node.successor_id is not None:
            predecessors.setdefault(node.successor_id, []).append(node.id)
    found: set[int] = set()
    todo = [unit_id]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        for member in tree.subtree_ids(pk):
            if member not in found:
                found.add(member)
                todo.extend(predecessors.get(member, ()))
        found.add(pk)
    return found


def scope_build(unit_id: int | None, *, tree: UnitTree | None = None) -> Scope:
    if unit_id is None:
        return NOTHING
    tree = tree or UnitTree.load()
    node = tree.nodes.get(unit_id)
    if node is None:
        return NOTHING
    return Scope(
        unit_ids=frozenset(scope_units(tree, unit_id)),
        unit_id=unit_id,
        top=node.parent_id is None and _sole_root(tree, unit_id),
        tree=tree,
    )


def _sole_root(tree: UnitTree, unit_id: int) -> bool:
    """Whether `unit_id` is the one root serving today. A round without a root belongs to a
    one-root installation; with two regions it is nobody's but a superuser's (both regions'
    roots are tops: owning it would show one region the other's round)."""
    today = timezone.localdate()
    roots = [n.id for n in tree.nodes.values() if n.parent_id is None and n.valid_on(today)]
    return roots == [unit_id]


def scope_for(user) -> Scope:
    """The scope of a (request's) user; computed once per user object."""
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = NOTHING
    elif user.is_superuser:
        scope = EVERYTHING
    else:
        profile = getattr(user, "staff_profile", None)
        scope = scope_build(profile.unit_id if profile is not None else None)
    with contextlib.suppress(AttributeError):  # AnonymousUser and friends may refuse it
        setattr(user, _CACHE, scope)
    return scope


def scope_form_choices(form, scope: Scope, *, owned: bool = False):
    """Narrow every unit and campaign choice of `form` to the scope (rounds: those it owns,
    with `owned`, for a form that writes into the round), so that a forged POST naming another
    region's unit or round is refused like any unknown choice. Returns the form."""
    from django.forms import ModelChoiceField

    for choice in form.fields.values():
        if not isinstance(choice, ModelChoiceField):  # ModelMultipleChoiceField is one too
            continue
        model = choice.queryset.model
        if model is Unit:
            choice.queryset = scope.units(choice.queryset)
        elif model is Campaign:
            narrow = scope.owned_campaigns if owned else scope.campaigns
            choice.queryset = narrow(choice.queryset)
    return form
