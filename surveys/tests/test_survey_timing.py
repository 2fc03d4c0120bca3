"""Time to complete on the web link, the QR code and invitations: the form's render time signed
by the server into the form, the seconds to its storing kept rounded; never a refusal."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Response
from surveys.ratelimiting import rate_limits_reset
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post, page_key
from surveys.timing import render_seconds, render_token

RENDERED_RE = re.compile(r'name="t" value="([^"]+)"')


def _rendered(html: bytes) -> str:
    match = RENDERED_RE.search(html.decode())
    assert match, "the form carries no render time"
    return match.group(1)


@pytest.mark.parametrize("query, channel", [("", "web"), ("?k=qr", "qr")])
def test_web_and_qr_forms_are_timed_by_the_server(client, campaign, unit, clock, query, channel):
    path = f"/s/{campaign.slug}/{unit.code}/{query}"
    page = client.get(path)
    clock.shift(datetime.timedelta(seconds=95.3))
    data = answers_post(campaign, idempotency_key=page_key(page.content))
    data["t"] = _rendered(page.content)
    assert client.post(path, data).status_code == 302
    response = Response.objects.get()
    assert response.channel == channel
    assert 95 <= response.duration_seconds <= 97


def test_each_page_gets_its_own_render_time_bound_to_its_key(client, campaign, unit, clock):
    path = f"/s/{campaign.slug}/{unit.code}/"
    first = client.get(path).content
    clock.shift(datetime.timedelta(seconds=30))
    second = client.get(path).content  # the same kept page, fresh values
    assert _rendered(first) != _rendered(second)
    clock.shift(datetime.timedelta(seconds=30))
    # The second page's render time posted with the first page's key: not this form's.
    data = answers_post(campaign, idempotency_key=page_key(first), t=_rendered(second))
    assert client.post(path, data).status_code == 302
    data = answers_post(campaign, idempotency_key=page_key(second), t=_rendered(second))
    assert client.post(path, data).status_code == 302
    timed = {
        str(key): seconds
        for key, seconds in Response.objects.values_list("idempotency_key", "duration_seconds")
    }
    assert timed[page_key(first)] is None
    assert 30 <= timed[page_key(second)] <= 32


def test_a_form_sent_back_with_errors_keeps_its_first_render_time(client, campaign, unit, clock):
    path = f"/s/{campaign.slug}/{unit.code}/"
    page = client.get(path)
    rendered = _rendered(page.content)
    clock.shift(datetime.timedelta(seconds=40))
    data = answers_post(campaign, idempotency_key=page_key(page.content), t=rendered, q_C1=None)
    again = client.post(path, data)
    assert again.status_code == 200 and _rendered(again.content) == rendered
    clock.shift(datetime.timedelta(seconds=20))
    data["q_C1"] = "4"
    assert client.post(path, data).status_code == 302
    assert 60 <= Response.objects.get().duration_seconds <= 62


def test_an_invitation_form_is_timed(client, campaign, unit, clock):
    invitation = factories.make_invitation(campaign, unit)
    url = reverse("surveys:invitation_survey", args=[invitation.token])
    page = client.get(url)
    clock.shift(datetime.timedelta(seconds=70))
    data = answers_post(
        campaign, group=None, idempotency_key=page_key(page.content), t=_rendered(page.content)
    )
    assert client.post(url, data).status_code == 302
    assert 70 <= Response.objects.get().duration_seconds <= 72


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_posted_render_time_leaves_the_answer_stored_untimed_or_timed(campaign, unit, text):
    rate_limits_reset()  # every example from the same address
    client = Client()
    path = f"/s/{campaign.slug}/{unit.code}/"
    data = answers_post(campaign, t=text)
    reply = client.post(path, data)
    assert reply.status_code in (302, 400)  # 400: characters refused before any view
    stored = Response.objects.filter(idempotency_key=data["idempotency_key"])
    if reply.status_code == 302:
        assert stored.get().duration_seconds is None
    else:
        assert not stored.exists()


def test_render_times_are_bound_signed_and_bounded():
    now = datetime.datetime(2026, 6, 10, 3, 0, tzinfo=datetime.UTC)
    token = render_token("abc", now)
    assert render_seconds(token, "abc", now + datetime.timedelta(seconds=12.6)) == 13
    assert render_seconds(token, "abd", now) is None  # another form's
    assert render_seconds(token[:-2] + "xx", "abc", now) is None  # forged
    assert render_seconds(token, "abc", now - datetime.timedelta(seconds=5)) is None  # future
    assert render_seconds(token, "abc", now + datetime.timedelta(days=2)) is None  # left open
