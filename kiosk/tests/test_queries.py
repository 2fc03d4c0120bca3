"""What a kiosk answer costs the database, against a web fill (issue 16: no more than a web
answer), and that what the kiosk path keeps per process never outlives a revocation."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kiosk.services import kiosk_enrolment_renew, kiosk_revoke
from surveys.models import CampaignStatus, Response
from surveys.snapshots import snapshots_forget
from surveys.tests.survey_posts import answers_post, page_key, refusals

from .helpers import enrolled_client, kiosk_post

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _web_fill(client: Client, campaign, unit) -> list[str]:
    path = f"/s/{campaign.slug}/{unit.code}/"
    data = answers_post(campaign)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
        data["idempotency_key"] = page_key(html)
        data["csrfmiddlewaretoken"] = CSRF.search(html).group(1)
        reply = client.post(path, data)
        assert reply.status_code == 302
        assert client.get(reply["Location"]).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _kiosk_answer(tablet: Client, campaign) -> list[str]:
    data = answers_post(campaign)
    with CaptureQueriesContext(connection) as queries:
        token = tablet.get("/kiosk/form-token/", HTTP_X_KBNN_KIOSK="1").json()["t"]
        reply = tablet.post("/kiosk/answer/", {**data, "t": token}, HTTP_X_KBNN_KIOSK="1")
        assert reply.status_code == 200, reply.content
    return [q["sql"] for q in queries.captured_queries]


def test_a_kiosk_answer_costs_the_database_no_more_than_a_web_fill(
    postgres, transactional_db, campaign, unit
):
    snapshots_forget()
    web = Client(enforce_csrf_checks=True)
    tablet, _kiosk = enrolled_client(campaign, unit)
    for _ in range(2):  # the second of each: snapshot and kiosk kept, as in a running server
        web_queries = _web_fill(web, campaign, unit)
        kiosk_queries = _kiosk_answer(tablet, campaign)
    assert Response.objects.filter(channel="kiosk").count() == 2
    # Web: the token for the form and again for the POST, then BEGIN, response, answers,
    # COMMIT (the thank-you page needs none).
    assert len(web_queries) == 6, "\n".join(q[:150] for q in web_queries)
    # Kiosk: the same transaction, plus the one row that says which kiosk it came from and
    # the pace update that is also the credential, revocation and snapshot check. No lookup,
    # no savepoint, no token read: 6 (10 before the kiosk was kept and its checks folded into
    # the pace update; its form token needs no database).
    assert len(kiosk_queries) == 6, "\n".join(q[:150] for q in kiosk_queries)
    assert len(kiosk_queries) <= len(web_queries)
    assert not [q for q in kiosk_queries if q.startswith(("SELECT", "SAVEPOINT"))]
    assert sum(q.startswith('UPDATE "kiosk_kiosk"') for q in kiosk_queries) == 1


def test_a_kiosk_kept_by_the_process_is_refused_once_revoked(campaign, unit):
    tablet, kiosk = enrolled_client(campaign, unit)
    assert kiosk_post(tablet, campaign)[0].status_code == 200  # now kept by this process
    kiosk_revoke(kiosk=kiosk)
    reply, _data = kiosk_post(tablet, campaign)
    assert reply.status_code == 403 and reply.json()["reason"] == "revoked"
    assert refusals("kiosk_revoke") == 1
    assert Response.objects.count() == 1


def test_a_kiosk_kept_by_the_process_is_refused_once_another_tablet_is_bound(campaign, unit):
    tablet, kiosk = enrolled_client(campaign, unit)
    assert kiosk_post(tablet, campaign)[0].status_code == 200
    replacement = Client()
    assert replacement.post(kiosk_enrolment_renew(kiosk=kiosk).path).status_code == 302
    old, _data = kiosk_post(tablet, campaign)
    assert old.status_code == 403
    assert kiosk_post(replacement, campaign)[0].status_code == 200
    assert Response.objects.count() == 2


def test_a_kept_snapshot_is_confirmed_before_an_answer_is_stored_or_refused(
    postgres, transactional_db, campaign, unit
):
    """The kiosk path uses the campaign snapshot it keeps without reading its token first; the
    pace update confirms it. A change in between is seen both ways: closing refuses, reopening
    accepts again, never decided on the stale snapshot."""
    snapshots_forget()
    tablet, _kiosk = enrolled_client(campaign, unit)
    assert kiosk_post(tablet, campaign)[0].status_code == 200  # snapshot kept
    campaign.status = CampaignStatus.CLOSED
    campaign.save()  # the trigger changes the token
    closed, _data = kiosk_post(tablet, campaign)
    assert closed.status_code == 410 and closed.json()["reason"] == "closed"
    campaign.status = CampaignStatus.OPEN
    campaign.save()
    reopened, _data = kiosk_post(tablet, campaign)
    assert reopened.status_code == 200, reopened.content
    assert Response.objects.filter(channel="kiosk").count() == 2
    assert refusals("kiosk_closed") == 1


def test_a_kept_kiosk_revoked_meanwhile_is_refused_as_revoked_even_when_the_round_closed(
    campaign, unit
):
    tablet, kiosk = enrolled_client(campaign, unit)
    assert kiosk_post(tablet, campaign)[0].status_code == 200  # kept by this process
    kiosk_revoke(kiosk=kiosk)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    reply, _data = kiosk_post(tablet, campaign)
    assert reply.status_code == 403 and reply.json()["reason"] == "revoked"
    assert refusals("kiosk_revoke") == 1 and refusals("kiosk_closed") == 0
