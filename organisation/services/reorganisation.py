"""Reorganisations (DESIGN, units): merge, split, rename, move under another parent, on a date.

The old units end the day before the date; `successor` points to the unit that carries their
history (for a split, to none: the split unit keeps its own history, never divided). New units
serve from the date. Rounds still running on the date survey the successors too; quotas stay
with the unit they were assigned to and roll up through the successor chain like responses.

`reorganisation_preview` says what will change and writes nothing; `reorganisation_apply`
checks the same again with the units locked and writes it all in one transaction, with a
`Reorganisation` record of who did what.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from surveys.models import Campaign, CampaignStatus, Invitation, Quota, Unit, UnitKind
from surveys.tree import UnitTree

from ..models import Reorganisation, ReorganisationKind

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX = Unit._meta.get_field("name").max_length


class ReorganisationRefused(Exception):
    """Raised with every reason the reorganisation cannot be applied; nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class NewUnit:
    """A unit the reorganisation creates. Empty `kind` or no `parent_id`: as the old unit's."""

    code: str
    name: str
    kind: str = ""
    parent_id: int | None = None


@dataclass(frozen=True)
class ReorganisationSpec:
    """What the survey team asks for.

    - merge: `unit_ids` (one or more) into the existing unit `into_id`, or into the one unit of
      `new_units` (then two or more);
    - split: one unit into the `new_units` (two or more); the first receives the units under it;
    - rename: one unit, succeeded by the one unit of `new_units` (a new code and name);
    - move: one unit, succeeded by the one unit of `new_units` under `parent_id`.
    """

    kind: str
    effective_on: datetime.date
    unit_ids: tuple[int, ...]
    new_units: tuple[NewUnit, ...] = ()
    into_id: int | None = None
    parent_id: int | None = None


@dataclass
class CampaignEffect:
    campaign: Campaign
    ending: list[Unit]
    quotas: list[Quota]
    added: list[str]  # codes of the successors the round will survey too
    # Unanswered invitations to the units that end: answered after the last day, they are
    # refused (the unit no longer serves), so the survey team may invite again for the heir.
    open_invitations: int = 0


@dataclass
class ReorganisationPlan:
    spec: ReorganisationSpec
    ending: list[Unit]
    successor_code: str | None  # None for a split
    created: list[dict]  # code, name, kind, parent code, valid from
    children_moved: list[tuple[Unit, str]]  # (unit, new parent's code)
    campaigns: list[CampaignEffect] = field(default_factory=list)

    @property
    def last_day(self) -> datetime.date:
        return self.spec.effective_on - datetime.timedelta(days=1)

    def summary(self) -> str:
        codes = ", ".join(u.code for u in self.ending)
        new = ", ".join(c["code"] for c in self.created)
        day = self.spec.effective_on.strftime("%d/%m/%Y")
        kind = self.spec.kind
        if kind == ReorganisationKind.MERGE:
            text = _("%(codes)s merged into %(into)s from %(day)s.")
            return text % {"codes": codes, "into": self.successor_code, "day": day}
        if kind == ReorganisationKind.SPLIT:
            text = _("%(codes)s split into %(new)s from %(day)s.")
            return text % {"codes": codes, "new": new, "day": day}
        if kind == ReorganisationKind.RENAME:
            text = _("%(codes)s renamed %(new)s from %(day)s.")
            return text % {"codes": codes, "new": new, "day": day}
        text = _("%(codes)s moved as %(new)s under %(parent)s from %(day)s.")
        return text % {
            "codes": codes,
            "new": new,
            "parent": self.created[0]["parent"] if self.created else "",
            "day": day,
        }

    def details(self) -> dict:
        return {
            "ended": [u.code for u in self.ending],
            "last_day": self.last_day.isoformat(),
            "successor": self.successor_code,
            "created": [{**c, "valid_from": c["valid_from"].isoformat()} for c in self.created],
            "children_moved": [[u.code, parent] for u, parent in self.children_moved],
            "campaigns": [
                {
                    "slug": effect.campaign.slug,
                    "ending": [u.code for u in effect.ending],
                    "quotas": [[q.unit.code, q.form, q.minimum] for q in effect.quotas],
                    "added": effect.added,
                    "open_invitations": effect.open_invitations,
                }
                for effect in self.campaigns
            ],
        }


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def _check_ending(unit: Unit, day: datetime.date, errors: list[str]) -> None:
    if unit.valid_to is not None:
        errors.append(
            _("%(code)s already ends on %(end)s.") % {"code": unit.code, "end": _day(unit.valid_to)}
        )
    elif unit.valid_from is not None and unit.valid_from > day - datetime.timedelta(days=1):
        errors.append(
            _("%(code)s begins on %(start)s: it cannot end on %(end)s.")
            % {
                "code": unit.code,
                "start": _day(unit.valid_from),
                "end": _day(day - datetime.timedelta(days=1)),
            }
        )


def _check_new(
    new: NewUnit, *, taken: set[str], parent: Unit | None, ending_ids: set[int], day, errors
) -> None:
    code = new.code.strip()
    if not code or len(code) > CODE_MAX or not CODE_RE.match(code):
        errors.append(
            _(
                "“%(code)s” is not a unit code: at most %(max)d letters without diacritics, "
                "digits, “.”, “-” or “_”."
            )
            % {"code": code[:40], "max": CODE_MAX}
        )
    elif code.casefold() in taken:
        errors.append(_("The code %(code)s is already used.") % {"code": code})
    taken.add(code.casefold())
    if not new.name.strip() or len(new.name) > NAME_MAX:
        errors.append(
            _("The new unit %(code)s needs a name of at most %(max)d characters.")
            % {"code": code, "max": NAME_MAX}
        )
    if new.kind and new.kind not in UnitKind.values:
        errors.append(_("Unknown kind for %(code)s.") % {"code": code})
    if parent is not None and (parent.pk in ending_ids or not parent.is_valid_on(day)):
        errors.append(
            _("The parent %(parent)s of %(code)s does not serve on %(day)s.")
            % {"parent": parent.code, "code": code, "day": _day(day)}
        )


def _cycle_message(unit: Unit, under_ending: dict[int, str]) -> str:
    return _("%(code)s is under %(ending)s, which ends: the parents would form a cycle.") % {
        "code": unit.code,
        "ending": under_ending[unit.pk],
    }


def _check_predecessors(ending_ids: set[int], day: datetime.date, errors: list[str]) -> None:
    """A unit that carries a predecessor's history must serve the day after it ended."""
    last_day = day - datetime.timedelta(days=1)
    predecessors = (
        Unit.objects.filter(successor_id__in=ending_ids, valid_to__isnull=False)
        .order_by("code")
        .values_list("code", "valid_to", "successor__code")
    )
    for code, valid_to, heir in predecessors:
        starts = valid_to + datetime.timedelta(days=1)
        if starts > last_day:
            errors.append(
                _(
                    "%(heir)s carries the history of %(code)s from %(starts)s: it cannot end "
                    "on %(end)s."
                )
                % {"heir": heir, "code": code, "starts": _day(starts), "end": _day(last_day)}
            )


@dataclass
class _Request:
    """A spec with its units loaded, and the problems found so far."""

    spec: ReorganisationSpec
    units: dict[int, Unit]
    ending: list[Unit]
    errors: list[str] = field(default_factory=list)
    under_ending: dict[int, str] = field(default_factory=dict)  # unit id → code of its ender

    @property
    def day(self) -> datetime.date:
        return self.spec.effective_on

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def first(self) -> Unit:
        return self.ending[0]

    @property
    def ending_ids(self) -> set[int]:
        return {u.pk for u in self.ending}

    @property
    def into(self) -> Unit | None:
        return self.units.get(self.spec.into_id) if self.spec.into_id else None

    @property
    def move_parent(self) -> Unit | None:
        return self.units.get(self.spec.parent_id) if self.spec.parent_id else None


def _load(spec: ReorganisationSpec, *, lock: bool) -> _Request:
    if spec.kind not in ReorganisationKind.values:
        raise ReorganisationRefused([_("Choose what kind of reorganisation to make.")])
    ids = list(dict.fromkeys(spec.unit_ids))
    wanted = {*ids, *(i for i in (spec.into_id, spec.parent_id) if i)}
    wanted |= {n.parent_id for n in spec.new_units if n.parent_id}
    found = Unit.objects.filter(pk__in=wanted).select_related("parent")
    if lock:
        found = found.select_for_update(of=("self",))
    units = {u.pk: u for u in found}
    ending = [units[pk] for pk in ids if pk in units]
    if len(ending) != len(ids) or not ending:
        raise ReorganisationRefused([_("Choose the units that end.")])
    return _Request(spec=spec, units=units, ending=ending)


def _check_shape(req: _Request) -> None:
    """How many units end and how many succeed them, for each kind."""
    errors, into, new_units = req.errors, req.into, req.spec.new_units
    if req.kind != ReorganisationKind.MERGE and len(req.ending) != 1:
        errors.append(_("Choose exactly one unit to split, rename or move."))
    for unit in req.ending:
        _check_ending(unit, req.day, errors)
    if req.kind == ReorganisationKind.MERGE:
        if into is not None and new_units:
            errors.append(_("Merge into an existing unit or into a new one, not both."))
        elif into is None and len(new_units) != 1:
            errors.append(_("Give the existing unit or the one new unit they merge into."))
        if into is None and len(req.ending) < 2:
            errors.append(_("A merge into a new unit needs at least two units."))
        if into is not None and into.pk in req.ending_ids:
            errors.append(_("A unit cannot be merged into itself."))
        elif into is not None and not into.is_valid_on(req.day):
            errors.append(
                _("%(code)s does not serve on %(day)s.") % {"code": into.code, "day": _day(req.day)}
            )
    elif req.kind == ReorganisationKind.SPLIT:
        if len(new_units) < 2:
            errors.append(_("A split needs at least two new units."))
    elif len(new_units) != 1:
        errors.append(_("Give the one new unit (new code and name) that succeeds it."))


def _check_tree(req: _Request) -> None:
    """Histories already handed over, and parents that would form a cycle."""
    _check_predecessors(req.ending_ids, req.day, req.errors)
    tree = UnitTree.load()
    # The units under those that end move to the heir: a unit among them cannot be the heir or
    # the parent of a new unit, or the parents would form a cycle.
    req.under_ending = {pk: unit.code for unit in req.ending for pk in tree.subtree_ids(unit.pk)}
    into = req.into
    if into is not None and into.pk not in req.ending_ids and into.pk in req.under_ending:
        req.errors.append(_cycle_message(into, req.under_ending))
    if req.kind != ReorganisationKind.MOVE:
        return
    parent, first = req.move_parent, req.first
    if parent is None:
        req.errors.append(_("Choose the new parent."))
    elif parent.pk == first.parent_id:
        req.errors.append(
            _("%(code)s is already under %(parent)s.") % {"code": first.code, "parent": parent.code}
        )
    elif parent.pk in req.under_ending:
        req.errors.append(
            _("%(parent)s is under %(code)s: the parents would form a cycle.")
            % {"parent": parent.code, "code": first.code}
        )


def _new_parent(req: _Request, new: NewUnit) -> Unit | None:
    if req.kind == ReorganisationKind.MOVE:
        return req.move_parent  # checked by _check_tree
    if not new.parent_id:
        return req.first.parent
    parent = req.units.get(new.parent_id)
    if parent is None:
        req.errors.append(_("Choose the new parent."))
    elif parent.pk in req.under_ending and parent.pk not in req.ending_ids:
        req.errors.append(_cycle_message(parent, req.under_ending))
    return parent


def _new_units(req: _Request) -> list[dict]:
    first = req.first
    # Codes are matched without regard to case (as in the sheets): "pgd1" clashes with "PGD1".
    clash = Q(pk__in=[])
    for new in req.spec.new_units:
        clash |= Q(code__iexact=new.code.strip())
    taken = {code.casefold() for code in Unit.objects.filter(clash).values_list("code", flat=True)}
    created = []
    for new in req.spec.new_units:
        parent = _new_parent(req, new)
        name = new.name.strip() or (first.name if req.kind == ReorganisationKind.MOVE else "")
        checked = NewUnit(code=new.code, name=name, kind=new.kind)
        _check_new(
            checked,
            taken=taken,
            parent=parent,
            ending_ids=req.ending_ids,
            day=req.day,
            errors=req.errors,
        )
        if req.kind == ReorganisationKind.RENAME and name == first.name:
            req.errors.append(_("The new name is the same as the old one."))
        created.append(
            {
                "code": new.code.strip(),
                "name": name,
                "kind": new.kind or first.kind,
                "parent": parent.code if parent else None,
                "parent_id": parent.pk if parent else None,
                "valid_from": req.day,
            }
        )
    return created


def _plan(spec: ReorganisationSpec, *, lock: bool = False) -> ReorganisationPlan:
    req = _load(spec, lock=lock)
    _check_shape(req)
    _check_tree(req)
    created = _new_units(req)
    if req.errors:
        raise ReorganisationRefused(req.errors)
    into = req.into
    if spec.kind == ReorganisationKind.SPLIT:
        successor_code = None
    elif into is not None:
        successor_code = into.code
    else:
        successor_code = created[0]["code"]
    heir = successor_code or created[0]["code"]  # who receives the units under the old ones
    children = (
        Unit.objects.filter(parent_id__in=req.ending_ids)
        .exclude(pk__in=req.ending_ids)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=spec.effective_on))
        .order_by("sort_order", "code")
    )
    plan = ReorganisationPlan(
        spec=spec,
        ending=req.ending,
        successor_code=successor_code,
        created=created,
        children_moved=[(child, heir) for child in children],
    )
    plan.campaigns = _campaign_effects(plan, into=into)
    return plan


def _campaign_effects(plan: ReorganisationPlan, *, into: Unit | None) -> list[CampaignEffect]:
    """Rounds not closed that run on the date and survey a unit that ends."""
    ending_ids = [u.pk for u in plan.ending]
    campaigns = list(
        Campaign.objects.filter(units__in=ending_ids, closes_on__gte=plan.spec.effective_on)
        .exclude(status=CampaignStatus.CLOSED)
        .distinct()
        .order_by("opens_on", "slug")
    )
    if not campaigns:
        return []
    surveyed = {}
    for campaign_id, unit_id in Campaign.units.through.objects.filter(
        campaign__in=campaigns
    ).values_list("campaign_id", "unit_id"):
        surveyed.setdefault(campaign_id, set()).add(unit_id)
    quotas = {}
    for quota in Quota.objects.filter(
        campaign__in=campaigns, unit_id__in=ending_ids
    ).select_related("unit"):
        quotas.setdefault(quota.campaign_id, []).append(quota)
    invitations = dict(
        Invitation.objects.filter(
            campaign__in=campaigns, unit_id__in=ending_ids, answered_on__isnull=True
        )
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )
    effects = []
    for campaign in campaigns:
        units = surveyed.get(campaign.pk, set())
        if into is not None:
            added = [] if into.pk in units else [into.code]
        else:
            added = [c["code"] for c in plan.created]
        effects.append(
            CampaignEffect(
                campaign=campaign,
                ending=[u for u in plan.ending if u.pk in units],
                quotas=quotas.get(campaign.pk, []),
                added=added,
                open_invitations=invitations.get(campaign.pk, 0),
            )
        )
    return effects


def reorganisation_preview(*, spec: ReorganisationSpec) -> ReorganisationPlan:
    """What `reorganisation_apply` would change; writes nothing. Raises ReorganisationRefused."""
    return _plan(spec)


def reorganisation_apply(
    *, spec: ReorganisationSpec, user: AbstractBaseUser | None = None
) -> Reorganisation:
    """Apply the reorganisation in one transaction and record it. Raises ReorganisationRefused."""
    try:
        with transaction.atomic():
            plan = _plan(spec, lock=True)
            return _write(plan, user=user)
    except IntegrityError as exc:  # a unit with one of the new codes was created meanwhile
        raise ReorganisationRefused(
            [_("The units changed meanwhile; look at the preview again.")]
        ) from exc


def _write(plan: ReorganisationPlan, *, user) -> Reorganisation:
    spec = plan.spec
    created = Unit.objects.bulk_create(
        [
            Unit(
                code=c["code"],
                name=c["name"],
                kind=c["kind"],
                parent_id=c["parent_id"],
                valid_from=c["valid_from"],
            )
            for c in plan.created
        ]
    )
    by_code = {u.code: u.pk for u in created}
    if spec.into_id:
        by_code[plan.successor_code] = spec.into_id
    successor_id = by_code.get(plan.successor_code) if plan.successor_code else None
    Unit.objects.filter(pk__in=[u.pk for u in plan.ending]).update(
        valid_to=plan.last_day, successor_id=successor_id
    )
    if plan.children_moved:
        heir = plan.children_moved[0][1]
        Unit.objects.filter(pk__in=[u.pk for u, _ in plan.children_moved]).update(
            parent_id=by_code[heir]
        )
    through = Campaign.units.through
    through.objects.bulk_create(
        [
            through(campaign_id=effect.campaign.pk, unit_id=by_code[code])
            for effect in plan.campaigns
            for code in effect.added
        ],
        ignore_conflicts=True,
    )
    record = Reorganisation.objects.create(
        kind=spec.kind,
        effective_on=spec.effective_on,
        summary=plan.summary(),
        details=plan.details(),
        performed_by=user if user is not None and user.is_authenticated else None,
    )
    record.units.set([u.pk for u in plan.ending] + list(by_code.values()))
    return record
