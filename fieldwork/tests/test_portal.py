from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from fieldwork.services.portal import reference_hash, signature_for
from surveys.models import Invitation
from surveys.tests import factories

SECRET = "portal-shared-secret-for-tests"
pytestmark = pytest.mark.usefixtures("portal_settings")


@pytest.fixture
def portal_settings():
    with override_settings(
        PORTAL_HMAC_SECRET=SECRET,
        PORTAL_REFERENCE_KEY="another-key-for-references",
        SITE_URL="https://khaosat.example.vn",
    ):
        yield


def post(client, payload: dict | None = None, *, timestamp=None, secret=SECRET, body=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    payload = payload or {
        "unit_code": "KSC",
        "respondent_group": "payer",
        "reference": "DVC-2026-000123",
        "timestamp": int(timestamp),
    }
    body = body if body is not None else json.dumps(payload).encode()
    return client.post(
        reverse("fieldwork:portal_invitations"),
        data=body,
        content_type="application/json",
        headers={
            "X-KBNN-Timestamp": timestamp,
            "X-KBNN-Signature": signature_for(secret, timestamp, body),
        },
    )


def test_signed_request_gets_a_single_use_survey_url(client, campaign):
    response = post(client)
    assert response.status_code == 201
    data = response.json()
    invitation = Invitation.objects.get()
    assert data["url"] == f"https://khaosat.example.vn/i/{invitation.token}/"
    assert invitation.source == "portal" and invitation.campaign == campaign
    assert invitation.unit.code == "KSC" and invitation.respondent_group.code == "payer"
    # Only a keyed hash of the reference is stored, under its own key.
    expected = hmac.new(b"another-key-for-references", b"DVC-2026-000123", hashlib.sha256)
    assert invitation.reference_hash == expected.hexdigest() == reference_hash("DVC-2026-000123")
    assert "DVC-2026-000123" not in json.dumps(list(Invitation.objects.values()), default=str)
    assert invitation.expires_at is not None
    # The link opens the survey, which takes one answer through it.
    path = data["url"].removeprefix("https://khaosat.example.vn")
    assert client.get(path).status_code == 200
    factories.make_response(campaign, invitation.unit, invitation=invitation, channel="portal")
    again = post(client, timestamp=int(time.time()) + 1)
    assert again.status_code == 409 and again.json()["error"] == "already_answered"


def test_replayed_request_is_refused(client, campaign):
    timestamp = int(time.time())
    assert post(client, timestamp=timestamp).status_code == 201
    replay = post(client, timestamp=timestamp)
    assert replay.status_code == 409 and replay.json()["error"] == "replayed"
    assert Invitation.objects.count() == 1


def test_same_transaction_asked_again_gets_the_same_url(client, campaign):
    first = post(client, timestamp=int(time.time()) - 1).json()["url"]
    again = post(client)
    assert again.status_code == 200 and again.json()["url"] == first
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"age": 600}, 401, "expired"),
        ({"secret": "wrong"}, 401, "bad_signature"),
        ({"body": b"{not json"}, 400, "bad_json"),
        ({"payload": {"unit_code": "KSC", "respondent_group": "payer"}}, 400, "missing_field"),
        (
            {
                "payload": {
                    "unit_code": "NOPE",
                    "respondent_group": "payer",
                    "reference": "x",
                    "timestamp": 0,  # now, set in the test
                }
            },
            422,
            "unknown_unit",
        ),
    ],
)
def test_bad_requests_get_json_errors_and_change_nothing(client, campaign, kwargs, status, code):
    # Timestamps are made here, on the test's clock, not when the parameters are collected.
    if "age" in kwargs:
        kwargs["timestamp"] = int(time.time()) - kwargs.pop("age")
    if "payload" in kwargs and "timestamp" in kwargs["payload"]:
        kwargs["payload"] = {**kwargs["payload"], "timestamp": int(time.time())}
        kwargs["timestamp"] = kwargs["payload"]["timestamp"]
    response = post(client, **kwargs)
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["message"]
    assert not Invitation.objects.exists()


def test_unsigned_or_unconfigured_is_refused(client, campaign):
    url = reverse("fieldwork:portal_invitations")
    assert client.post(url, data=b"{}", content_type="application/json").status_code == 401
    with override_settings(PORTAL_HMAC_SECRET=""):
        assert post(client).status_code == 503
    wrong_method = client.get(url)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"


def test_no_open_campaign_for_the_unit(client, units):
    factories.make_campaign(units, channels=["web"])  # does not take portal answers
    response = post(client)
    assert response.status_code == 422 and response.json()["error"] == "no_open_survey"


def test_openapi_file_describes_the_endpoint_and_every_error_code():
    import re
    from pathlib import Path

    app = Path(__file__).resolve().parents[1]
    spec = (app / "openapi.yaml").read_text(encoding="utf-8")
    assert spec.startswith("openapi: 3.")
    assert f"  {reverse('fieldwork:portal_invitations')}:\n" in spec
    for header in ("X-KBNN-Timestamp", "X-KBNN-Signature"):
        assert f"name: {header}" in spec
    source = (app / "services" / "portal.py").read_text(encoding="utf-8")
    codes = re.findall(r'PortalError\(\s*(\d+),\s*"(\w+)"', source)
    assert len(codes) >= 10
    for status, code in codes:
        assert f'"{status}":' in spec and code in spec, code
