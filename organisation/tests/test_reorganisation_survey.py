"""A reorganisation reaches the public survey at once: the old unit's survey answers 410 from
the date, its successor is surveyed instead (the survey's snapshot sees the change)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from organisation.models import ReorganisationKind
from organisation.services.reorganisation import (
    NewUnit,
    ReorganisationSpec,
    reorganisation_apply,
)
from surveys.models import Response, UnitKind
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post


def test_merged_units_are_succeeded_in_the_running_survey(client, db):
    hai_chau = factories.make_unit("HCH", name="KBNN Hải Châu", kind=UnitKind.DISTRICT)
    thanh_khe = factories.make_unit("TKH", name="KBNN Thanh Khê", kind=UnitKind.DISTRICT)
    campaign = factories.make_campaign([hai_chau, thanh_khe], slug="dot-dang-chay")
    old_url = reverse("surveys:unit_survey", args=[campaign.slug, "HCH"])
    assert client.get(old_url).status_code == 200  # read once: the snapshot is kept
    reorganisation_apply(
        spec=ReorganisationSpec(
            kind=ReorganisationKind.MERGE,
            effective_on=timezone.localdate(),
            unit_ids=(hai_chau.pk, thanh_khe.pk),
            new_units=(NewUnit("PGD1", "Phòng Giao dịch số 1", UnitKind.OFFICE),),
        )
    )
    assert client.get(old_url).status_code == 410
    assert client.post(old_url, answers_post(campaign)).status_code == 410
    picker = client.get(reverse("surveys:unit_picker", args=[campaign.slug])).content.decode()
    assert "Phòng Giao dịch số 1" in picker and "KBNN Hải Châu" not in picker
    new_url = reverse("surveys:unit_survey", args=[campaign.slug, "PGD1"])
    assert client.get(new_url).status_code == 200
    reply = client.post(new_url, answers_post(campaign))
    assert reply.status_code == 302
    assert Response.objects.get().unit.code == "PGD1"
