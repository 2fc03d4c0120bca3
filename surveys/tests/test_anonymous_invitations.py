"""Answers behind an invitation are as anonymous as the web's: nothing leads from a response to
the invitation (or invitee) it came from; the invitation records only the day it was answered."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from surveys.models import Answer, Invitation, Response, ResponseContact
from surveys.services import SubmissionError, response_submit
from surveys.tests import factories

# 23:30 UTC is 06:30 the next morning in Hà Nội: the day recorded is the local one.
NOW = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
LOCAL_DAY = datetime.date(2026, 3, 11)


def _campaign(unit):
    return factories.make_campaign(
        [unit], opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 3, 31)
    )


def _submit(campaign, invitation, **kwargs):
    return response_submit(
        campaign=campaign,
        unit=None,
        respondent_group=None,
        channel="web",
        answers=factories.all_answers(campaign, 4),
        invitation=invitation,
        now=NOW,
        **kwargs,
    )


def _relations(model) -> set:
    return {f.related_model for f in model._meta.get_fields() if f.is_relation}


def test_no_field_or_relation_of_a_response_leads_to_an_invitation():
    # The response and what hangs off it (answers, contact details) know no invitation...
    for model in (Response, Answer, ResponseContact):
        assert Invitation not in _relations(model), model
    # ...and the invitation knows no response.
    assert not _relations(Invitation) & {Response, Answer, ResponseContact}


@pytest.mark.django_db
def test_the_response_table_has_no_invitation_column():
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "surveys_response")
        }
    assert not {c for c in columns if "invitation" in c}


@pytest.mark.django_db
def test_the_invitation_records_only_the_local_day_it_was_answered():
    unit = factories.make_unit("KSC")
    campaign = _campaign(unit)
    invitation = factories.make_invitation(campaign, unit)
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    response = _submit(campaign, invitation).response
    after = Invitation.objects.filter(pk=invitation.pk).values().get()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"answered_on"}
    assert after["answered_on"] == LOCAL_DAY == response.answered_on
    assert response.channel == "email" and response.unit == unit


@pytest.mark.django_db
def test_an_answered_invitation_refuses_a_second_response():
    unit = factories.make_unit("KSC")
    campaign = _campaign(unit)
    invitation = factories.make_invitation(campaign, unit)
    _submit(campaign, invitation)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.answered_on = None  # a copy read before the first answer: the claim still refuses
    with pytest.raises(SubmissionError) as err:
        _submit(campaign, stale)
    assert "đã được trả lời" in str(err.value)
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_a_replayed_form_behind_an_invitation_lands_on_the_same_response():
    unit = factories.make_unit("KSC")
    campaign = _campaign(unit)
    invitation = factories.make_invitation(campaign, unit)
    key = uuid.uuid4()
    first = _submit(campaign, invitation, idempotency_key=key)
    again = _submit(campaign, Invitation.objects.get(pk=invitation.pk), idempotency_key=key)
    assert (again.response.pk, again.created) == (first.response.pk, False)


@pytest.mark.django_db
def test_the_response_page_in_the_admin_does_not_name_the_invitee(client, campaign, unit):
    invitation = factories.make_invitation(campaign, unit, organisation="Bệnh viện B")
    response = factories.make_response(campaign, unit, invitation=invitation, channel="email")
    client.force_login(factories.make_user("root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:surveys_response_change", args=[response.pk]))
    assert page.status_code == 200
    assert "Bệnh viện B" not in page.content.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_on_one_invitation_store_one_response(postgres):
    unit = factories.make_unit("KSC")
    campaign = _campaign(unit)
    invitation = factories.make_invitation(campaign, unit)
    count = 6
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run():
        # Each thread read the invitation before anyone answered, and has its own form.
        mine = Invitation.objects.get(pk=invitation.pk)
        barrier.wait()
        try:
            _submit(campaign, mine, idempotency_key=uuid.uuid4())
            outcomes.append("stored")
        except SubmissionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * (count - 1) + ["stored"]
    assert Response.objects.count() == 1
    assert Invitation.objects.get(pk=invitation.pk).answered_on == LOCAL_DAY
