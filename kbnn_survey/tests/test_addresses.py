"""The portal's address on posters and in e-mails: the request's in development, SITE_URL
otherwise; production does not start without SITE_URL."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from fieldwork.services.mailing import invitation_message
from followups.models import NotificationKind
from followups.notifications import followup_notify
from followups.tests.helpers import open_followup
from kbnn_survey.addresses import RequestAddressMiddleware, site_url
from kbnn_survey.tests.test_settings import PG, STRONG_KEY, run_manage
from surveys.tests import factories

CONFIGURED = "https://khaosat.kbnn.example.vn"


@pytest.fixture
def development(settings):
    settings.SITE_URL = CONFIGURED
    settings.SITE_URL_FROM_REQUEST = True
    return settings


@pytest.fixture
def unit(db):
    return factories.make_unit("KSC", name="Phòng Kiểm soát chi")


@pytest.fixture
def campaign(unit):
    return factories.make_campaign([unit], slug="dot-dc")


def serve(host: str, work):
    """Run `work` while the middleware serves a request addressed to `host`."""
    seen = {}

    def view(request):
        seen["value"] = work()
        return HttpResponse()

    RequestAddressMiddleware(view)(RequestFactory().get("/", HTTP_HOST=host))
    return seen["value"]


def test_development_posters_carry_the_address_actually_served(client, development, campaign):
    client.force_login(factories.survey_team())
    page = client.get(
        reverse("surveys:campaign_posters", args=[campaign.slug]), HTTP_HOST="127.0.0.1:8080"
    )
    text = page.content.decode()
    assert f"http://127.0.0.1:8080/s/{campaign.slug}/KSC/?k=qr" in text
    assert CONFIGURED not in text


def test_production_posters_carry_site_url_whatever_the_host(client, settings, campaign):
    settings.SITE_URL = CONFIGURED
    settings.SITE_URL_FROM_REQUEST = False
    client.force_login(factories.survey_team())
    page = client.get(
        reverse("surveys:campaign_posters", args=[campaign.slug]), HTTP_HOST="127.0.0.1:8080"
    )
    text = page.content.decode()
    assert f"{CONFIGURED}/s/{campaign.slug}/KSC/?k=qr" in text
    assert "127.0.0.1:8080" not in text


def test_development_mail_sent_during_a_request_links_to_that_address(development, campaign, unit):
    manager = factories.unit_manager(unit, "quanly.ksc")
    manager.email = "ql@kbnn.invalid"
    manager.save()
    comment = factories.make_response(campaign, unit, comment="Chờ lâu.", score=2)
    team = factories.survey_team()
    followup = open_followup(campaign, unit, team, [comment], campaign.closes_on)
    mail.outbox.clear()
    serve(
        "localhost:8080", lambda: followup_notify(followup=followup, kind=NotificationKind.ASSIGNED)
    )
    assert f"http://localhost:8080/followups/{followup.pk}/" in mail.outbox[0].body
    invitation = factories.make_invitation(campaign, unit)
    message = serve("localhost:8080", lambda: invitation_message(invitation))
    assert f"http://localhost:8080/i/{invitation.token}/" in message.body


def test_without_a_request_links_use_site_url(development, campaign, unit):
    invitation = factories.make_invitation(campaign, unit)
    assert f"{CONFIGURED}/i/{invitation.token}/" in invitation_message(invitation).body
    # The request's address does not outlive the request.
    serve("localhost:8080", site_url)
    assert site_url() == CONFIGURED


def test_a_forged_host_never_reaches_a_poster(client, development, campaign):
    client.force_login(factories.survey_team())
    page = client.get(
        reverse("surveys:campaign_posters", args=[campaign.slug]), HTTP_HOST="evil.example.com"
    )
    assert page.status_code == 400


def test_seed_demo_says_which_address_its_mails_carry_and_that_it_is_assumed(settings, db):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SITE_URL_ASSUMED = True
    out = io.StringIO()
    call_command("seed_demo", "--responses", "0", stdout=out)
    assert "point to http://127.0.0.1:8000 (assumed: SITE_URL is not set" in out.getvalue()
    settings.SITE_URL_ASSUMED = False
    out = io.StringIO()
    call_command("seed_demo", "--responses", "0", stdout=out)
    assert "point to http://127.0.0.1:8000." in out.getvalue()


PRODUCTION = {
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "khaosat.kbnn.example.vn",
    "DATABASE_URL": PG,
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize("value", ["", "khaosat.kbnn.example.vn", "ftp://x.vn", "https://"])
def test_production_refuses_to_start_without_a_real_site_url(value):
    result = run_manage("check", SITE_URL=value, **PRODUCTION)
    assert result.returncode != 0
    assert "SITE_URL must be the portal's public address" in result.stderr


def test_production_with_site_url_passes_check_deploy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SITE_URL=CONFIGURED, **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
