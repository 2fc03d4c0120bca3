"""Dates are shown and typed dd/mm/yyyy everywhere, in both languages: 01/03/2025 is 1 March."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from surveys.defaults import default_questionnaire_ensure
from surveys.models import Campaign
from surveys.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_and_written_day_first(language):
    with translation.override(language):
        assert formats.date_format(datetime.date(2025, 3, 1), "SHORT_DATE_FORMAT") == "01/03/2025"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_a_date_typed_in_the_admin_is_day_first(admin_client):
    unit = factories.make_unit("KSC")
    questionnaire = default_questionnaire_ensure()
    response = admin_client.post(
        reverse("admin:surveys_campaign_add"),
        {
            "name": "Đợt I năm 2025",
            "slug": "dot-1-2025",
            "year": "2025",
            "round": "1",
            "opens_on": "01/03/2025",
            "closes_on": "30/04/2025",
            "status": "draft",
            "questionnaire": questionnaire.pk,
            "channels": ["web", "qr"],
            "units": [unit.pk],
            "quotas-TOTAL_FORMS": "0",
            "quotas-INITIAL_FORMS": "0",
            "quotas-MIN_NUM_FORMS": "0",
            "quotas-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(slug="dot-1-2025")
    assert (campaign.opens_on, campaign.closes_on) == (
        datetime.date(2025, 3, 1),
        datetime.date(2025, 4, 30),
    )
    listing = admin_client.get(reverse("admin:surveys_campaign_changelist")).content.decode()
    assert "01/03/2025" in listing and "30/04/2025" in listing
