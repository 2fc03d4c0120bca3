"""A database outage: customers get a Vietnamese page with Retry-After, never a bare 500, and
sending the page again once the database is back stores the answers once.

The outage is real: the connection is pointed at a port where nothing listens."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.models import Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_answers_503_and_the_answers_are_sent_again_once(postgres):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    client = Client(raise_request_exception=False)
    assert client.get(url).status_code == 200
    data = answers_post(campaign)

    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: every query fails
    try:
        down = client.post(url, data)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert down.status_code == 503
    assert down["Retry-After"] == "30"
    assert "Tạm thời gián đoạn" in down.content.decode()
    assert Response.objects.count() == 0

    back = client.post(url, data)
    assert back.status_code == 302
    assert client.post(url, data).status_code == 302  # a second resend: still one response
    assert Response.objects.count() == 1
