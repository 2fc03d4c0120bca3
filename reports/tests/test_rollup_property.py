"""Any chain of reorganisations during a round: every response is counted exactly once in the
rolled-up rows of the report, under the unit its successor chain leads to (walked here on the
model objects, independently of surveys.tree), and the region's subtotal is the whole."""

from __future__ import annotations

import contextlib
import datetime
import random

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation.services.reorganisation import (
    ReorganisationRefused,
    reorganisation_apply,
)
from organisation.tests.test_reorganisation_property import NEEDS, step_spec, steps
from reports.exporters.context import ReportContext
from reports.tests.recompute import carried_by
from reports.tests.years import add_responses
from surveys.models import CampaignStatus, Response, Unit, UnitKind
from surveys.tests import factories

OPENS, CLOSES = datetime.date(2024, 6, 1), datetime.date(2026, 6, 30)


def _apply(steps) -> None:
    counter = 0
    for kind, day, picks, how_many, other, existing in steps:
        serving = list(Unit.objects.filter(valid_to__isnull=True).exclude(code="R").order_by("pk"))
        if not serving:
            return
        chosen = tuple(dict.fromkeys(serving[p % len(serving)].pk for p in picks))
        if how_many is None:
            how_many = NEEDS[kind]
        spec = step_spec(kind, day, chosen, how_many, serving[other % len(serving)],
                         existing=existing, first=counter + 1)  # fmt: skip
        counter += how_many
        with contextlib.suppress(ReorganisationRefused):  # a refused step changes nothing
            reorganisation_apply(spec=spec)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, seed=st.integers(0, 1000))
def test_every_response_is_counted_once_under_the_unit_carrying_it(db, steps, seed):
    with transaction.atomic():
        rng = random.Random(seed)
        groups = [factories.group("payer")]
        root = factories.make_unit("R", kind=UnitKind.REGIONAL, parent=None)
        for i in range(4):
            factories.make_unit(f"U{i}", parent=root, valid_from=datetime.date(2024, 1, 1))
        _apply(steps)
        campaign = factories.make_campaign(
            [], slug="dot", year=2026, opens_on=OPENS, closes_on=CLOSES,
            status=CampaignStatus.CLOSED, root=root,
        )  # fmt: skip
        for unit in Unit.objects.exclude(pk=root.pk):
            add_responses(campaign, unit, rng.randrange(0, 3), rng, groups)
        ctx = ReportContext(campaign)
        responses = list(Response.objects.filter(campaign=campaign).select_related("unit"))
        listed = {u.pk for u in ctx.units}
        expected: dict[int, int] = {}
        for r in responses:
            pk = carried_by(r.unit, CLOSES).pk
            expected[pk] = expected.get(pk, 0) + 1
        got = {pk: m.responses for pk, m in ctx.by_unit.items() if m.responses}
        assert got == expected
        assert set(got) <= listed  # every counted response is in a listed row
        assert sum(ctx.measures(ctx.by_unit, pk).responses for pk in listed) == len(responses)
        # A unit whose responses are counted elsewhere is never listed beside its successor.
        for pk in listed:
            assert ctx.target(pk) == pk
        assert sum(1 for r in responses if r.unit_id in ctx.unit_of) == len(responses)
        # Every unit lies under the region: its subtotal is the whole round.
        if responses:
            assert ctx.by_parent[root.pk].responses == len(responses)
        transaction.set_rollback(True)
