"""Enrolment: the command's one-time address, binding, the credential, revocation, the admin."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kiosk.credentials import COOKIE_NAME
from kiosk.models import Kiosk
from kiosk.services import kiosk_revoke
from surveys.tests import factories

from .helpers import enrolled_client, kiosk_post


def _enrol_command(*args) -> str:
    out = io.StringIO()
    call_command("kiosk_enrol", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_command_prints_a_one_time_address_that_binds_one_device(campaign, unit):
    url = _enrol_command("--campaign", "dot-kiosk", "--unit", "KSC", "--label", "Quầy 3")
    path = url.split("127.0.0.1:8000", 1)[1]
    kiosk = Kiosk.objects.get()
    assert (kiosk.unit, kiosk.campaign, kiosk.label, kiosk.enrolled_at) == (
        unit,
        campaign,
        "Quầy 3",
        None,
    )
    tablet = Client()
    shown = tablet.get(path)  # a link preview does not use the address up
    assert shown.status_code == 200 and "Phòng Kiểm soát chi" in shown.content.decode()
    bound = tablet.post(path)
    assert bound.status_code == 302
    cookie = bound.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/kiosk/"
    assert int(cookie["max-age"]) > 365 * 24 * 3600
    page = tablet.get("/kiosk/")
    assert page.status_code == 200 and 'name="q_C1"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    other = Client()
    assert other.get(path).status_code == 410  # used
    assert other.post(path).status_code == 410
    assert other.get("/kiosk/").status_code == 403  # no credential
    kiosk.refresh_from_db()
    assert kiosk.enrolled_at and kiosk.last_contact_at and kiosk.enrol_token_hash is None


def test_command_refuses_unknown_or_unsuited_placements(campaign, unit):
    with pytest.raises(CommandError):
        _enrol_command("--campaign", "nope", "--unit", "KSC")
    with pytest.raises(CommandError):
        _enrol_command("--campaign", "dot-kiosk", "--unit", "NOPE")
    elsewhere = factories.make_unit("KHAC")
    with pytest.raises(CommandError, match="KHAC"):
        _enrol_command("--campaign", "dot-kiosk", "--unit", "KHAC")
    campaign.channels = ["web", "qr"]
    campaign.save()
    with pytest.raises(CommandError, match="kiosk"):
        _enrol_command("--campaign", "dot-kiosk", "--unit", "KSC")
    assert not Kiosk.objects.filter(unit=elsewhere).exists()


def test_forged_or_retired_credentials_are_refused(campaign, unit):
    tablet, kiosk = enrolled_client(campaign, unit)
    forged = Client()
    forged.cookies[COOKIE_NAME] = tablet.cookies[COOKIE_NAME].value[:-2] + "xx"
    assert forged.get("/kiosk/").status_code == 403
    # A new enrolment of the same kiosk (a replaced tablet) retires the old tablet.
    from kiosk.services import kiosk_enrolment_renew

    replacement = Client()
    assert replacement.post(kiosk_enrolment_renew(kiosk=kiosk).path).status_code == 302
    assert replacement.get("/kiosk/").status_code == 200
    assert tablet.get("/kiosk/").status_code == 403


def test_revoked_kiosk_and_its_answers_are_refused(campaign, unit):
    tablet, kiosk = enrolled_client(campaign, unit)
    assert kiosk_post(tablet, campaign)[0].status_code == 200
    kiosk_revoke(kiosk=kiosk)
    page = tablet.get("/kiosk/")
    assert page.status_code == 403 and "thu hồi" in page.content.decode()
    reply, _data = kiosk_post(tablet, campaign)
    assert reply.status_code == 403 and reply.json()["reason"] == "revoked"
    from surveys.tests.survey_posts import refusals

    assert refusals("kiosk_revoke") == 1
    assert campaign.responses.count() == 1


def test_admin_enrols_shows_qr_answers_per_day_and_revokes(campaign, unit, admin_client):
    reply = admin_client.post(
        "/admin/kiosk/kiosk/add/", {"campaign": campaign.pk, "unit": unit.pk, "label": "Quầy 1"}
    )
    kiosk = Kiosk.objects.get()
    assert reply.status_code == 302 and reply["Location"].endswith(f"/{kiosk.pk}/enrolment/")
    assert admin_client.get(reply["Location"]).status_code == 200
    shown = admin_client.post(reply["Location"]).content.decode()
    assert "<svg" in shown and "/kiosk/enrol/" in shown
    path = shown.split('id="kiosk-enrol-url">', 1)[1].split("<", 1)[0].split("8000", 1)[1]
    tablet = Client()
    assert tablet.post(path).status_code == 302
    for _ in range(3):
        assert kiosk_post(tablet, campaign)[0].status_code == 200
    listing = admin_client.get("/admin/kiosk/kiosk/").content.decode()
    assert "Quầy 1" in listing
    change = admin_client.get(f"/admin/kiosk/kiosk/{kiosk.pk}/change/").content.decode()
    assert "<td>3</td>" in change  # answers per day
    admin_client.post(
        "/admin/kiosk/kiosk/",
        {"action": "revoke_selected", "_selected_action": [kiosk.pk]},
    )
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None
    assert tablet.get("/kiosk/").status_code == 403


def test_admin_refuses_a_kiosk_for_a_unit_outside_the_round(campaign, admin_client):
    other = factories.make_unit("KHAC")
    reply = admin_client.post(
        "/admin/kiosk/kiosk/add/", {"campaign": campaign.pk, "unit": other.pk, "label": ""}
    )
    assert reply.status_code == 200 and not Kiosk.objects.exists()
