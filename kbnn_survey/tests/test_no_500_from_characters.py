"""No 500 from any input: every named URL, anonymous and as each role, is sent NUL and Unicode
non-characters in its path parameters, its query string and its form body.

The URL list comes from the resolver (dashboard's permission walk), so a URL added anywhere is
walked too. Any answer but a server error is fine; most are the 404 or 400 of input_guard.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.tests.test_permission_walk import _url, all_patterns, world  # noqa: F401
from kbnn_survey.input_guard import has_forbidden_characters
from surveys.tests import factories

PAYLOADS = ["a\x00b", "\ufffe", "\U0010ffff", "\ufdd0"]
# Names the portal's forms and filters use: a body or query carrying them reaches real code.
FIELDS = [
    "q", "campaign", "unit", "channel", "channel__exact", "status", "o", "p", "page", "comment",
    "name", "email", "phone", "title", "deadline", "respondent_group", "answered_on", "batch",
    "C1", "CHUNG", "idempotency_key", "action_taken", "reason", "username", "password", "code",
    "next", "language", "action", "_selected_action", "resolution", "op",
]  # fmt: skip
TEXT_PARAM = re.compile(r"<(?:(?:str|slug|path):)?(\w+)>")


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _path_with(route: str, payload: str) -> str | None:
    """The route with every text parameter set to the payload; None when it has none."""
    if not TEXT_PARAM.search(route) or route.startswith("^") or "(?P<" in route:
        return None
    path = TEXT_PARAM.sub(lambda m: quote(payload, safe=""), route)
    path = re.sub(r"<(?:int|uuid):\w+>", "1", path)
    return "/" + path


@pytest.mark.django_db
def test_every_url_takes_forbidden_characters_without_a_server_error(world):  # noqa: F811
    users = dict(world["users"])
    users["root"] = factories.make_user("root", is_staff=True, is_superuser=True)
    clients = {"anon": _client(), **{role: _client(user) for role, user in users.items()}}
    problems = []
    requests = 0
    for route, name, pattern in all_patterns():
        url = _url(route, name, pattern, world["values"])
        admin = url.startswith("/admin/")
        for n, (role, client) in enumerate(clients.items()):
            if admin and role in ("anon", "manager"):
                continue  # a log-in redirect, walked by the permission walk
            payload = PAYLOADS[n % len(PAYLOADS)]
            bad = {field: payload for field in FIELDS}
            sent = [
                ("GET", f"{url}?{urlencode(bad)}", None),
                ("POST", url, bad),
            ]
            if (path := _path_with(route, payload)) is not None:
                sent += [("GET", path, None), ("POST", path, {})]
            for method, target, data in sent:
                send = client.post if method == "POST" else client.get
                response = send(target, data) if data is not None else send(target)
                requests += 1
                if response.status_code >= 500:
                    problems.append(f"{role:7} {method} {target[:120]!r} -> {response.status_code}")
    assert requests > 500
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_an_opt_out_link_with_a_nul_is_not_found():
    client = _client()
    assert client.get("/huy-nhan-thu/%00/").status_code == 404
    assert client.post("/huy-nhan-thu/%00/").status_code == 404
    assert client.get("/posters/demo/%00/").status_code == 404
    assert client.get("/huy-nhan-thu/%EF%BF%BE/").status_code == 404  # U+FFFE


@pytest.mark.django_db
def test_an_admin_filter_with_a_nul_is_refused(client):
    client.force_login(factories.make_user("root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:surveys_response_changelist"), {"channel__exact": "\x00"})
    assert page.status_code == 404


def test_forbidden_characters_are_recognised():
    for bad in ["\x00", "\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]:
        assert has_forbidden_characters(f"ok{bad}ok"), repr(bad)
    for fine in ["Kho bạc Nhà nước", "\u200b", "\ufeff", "\ufffd", "😀", "\t\n"]:
        assert not has_forbidden_characters(fine), repr(fine)


@pytest.mark.django_db
def test_a_form_body_with_a_nul_gets_the_400_page_in_vietnamese(client):
    page = client.post(reverse("password_reset"), {"email": "a\x00@example.invalid"})
    assert page.status_code == 400
    assert "Yêu cầu không hợp lệ" in page.content.decode()


# --- The portal answers JSON for every refusal.


def _portal(client, body: bytes, **headers):
    return client.generic(
        "POST",
        reverse("fieldwork:portal_invitations"),
        body,
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def portal_secret(settings):
    settings.PORTAL_HMAC_SECRET = "bi-mat-chung"
    return settings.PORTAL_HMAC_SECRET


def _signed(client, data: bytes | str):
    from fieldwork.services.portal import signature_for

    body = data.encode() if isinstance(data, str) else data
    timestamp = "1767225600"  # fixed: the age check answers after the body checks below
    return _portal(
        client,
        body,
        HTTP_X_KBNN_TIMESTAMP=timestamp,
        HTTP_X_KBNN_SIGNATURE=signature_for("bi-mat-chung", timestamp, body),
    )


@pytest.mark.django_db
def test_the_portal_answers_json_for_bad_json_too_deep_and_too_big(client, portal_secret, settings):
    settings.PORTAL_MAX_AGE_SECONDS = 10**12  # the fixed timestamp above stays fresh
    cases = {
        "bad_json": _signed(client, "{không phải json"),
        "too_deep": _signed(client, "[" * 2000 + "]" * 2000),
        "too_large": _signed(client, b"{" + b" " * 5000 + b"}"),
        "bad_characters": _signed(
            client,
            json.dumps(
                {
                    "unit_code": "K\x00SC",
                    "respondent_group": "payer",
                    "reference": "DVC-1",
                    "timestamp": 1767225600,
                }
            ),
        ),
    }
    huge = _portal(client, b"x" * (3 * 1024 * 1024))
    cases["too_large (huge)"] = huge
    for expected, reply in cases.items():
        assert reply["Content-Type"].startswith("application/json"), expected
        assert reply.status_code in (400, 413), expected
        assert reply.json()["error"] == expected.split(" ")[0], (expected, reply.json())
    nul_path = client.get("/api/portal/invitations%00")
    assert nul_path["Content-Type"].startswith("application/json")
