"""Kiosk test helpers: enrol through the public surface, post what the kiosk page posts."""

from __future__ import annotations

import re

from django.test import Client

from kiosk.services import kiosk_create
from surveys.tests.survey_posts import answers_post

TOKEN_RE = re.compile(r'name="t" value="([^"]+)"')


def enrolled_client(campaign, unit, *, label: str = "") -> tuple[Client, object]:
    """A client holding the credential of a kiosk just enrolled through its address."""
    enrolment = kiosk_create(campaign=campaign, unit=unit, label=label)
    client = Client()
    reply = client.post(enrolment.path)
    assert reply.status_code == 302 and reply["Location"].endswith("/kiosk/")
    enrolment.kiosk.refresh_from_db()
    return client, enrolment.kiosk


def form_token(client: Client) -> str:
    page = client.get("/kiosk/")
    assert page.status_code == 200, page.content[:300]
    return TOKEN_RE.search(page.content.decode()).group(1)


def kiosk_post(client: Client, campaign, *, token: str = "", **extra):
    data = answers_post(campaign, **extra)
    if token:
        data["t"] = token
    return client.post("/kiosk/answer/", data, HTTP_X_KBNN_KIOSK="1"), data
