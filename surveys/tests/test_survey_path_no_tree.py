"""The survey path gains no query from the tree: scope and roll-up are for staff pages only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.tests import factories

pytestmark = pytest.mark.django_db


def _tree_loads(queries) -> list[str]:
    # UnitTree.load(): every unit's id, code, parent, successor and dates, without a WHERE.
    return [
        q["sql"] for q in queries
        if '"successor_id"' in q["sql"] and "surveys_unit" in q["sql"] and "WHERE" not in q["sql"]
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "survey team"])
def test_the_public_survey_never_loads_the_tree(client, who):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit], slug="dot-khong-cay")
    factories.group()
    if who != "anonymous":
        client.force_login(factories.survey_team())
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code])).status_code
            == 200
        )
        assert client.get(reverse("surveys:unit_picker", args=[campaign.slug])).status_code == 200
    assert not _tree_loads(queries.captured_queries)
    # The staff pages do load it, once (so the check above can fail).
    client.force_login(factories.leadership("sep"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard:index")).status_code == 200
    assert len(_tree_loads(queries.captured_queries)) == 1
