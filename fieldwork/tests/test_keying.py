from __future__ import annotations

import pytest
from django.urls import reverse

from fieldwork.models import FormSettlement, KeyedForm
from fieldwork.services.keying import (
    KeyingError,
    batch_create,
    batch_pairs_unsettled,
    form_settle,
    paper_form_key,
)
from surveys.models import Response
from surveys.tests import factories

from .conftest import today_text, yesterday

DIGITS = "5544555445"  # C1..C10


def typed(digits: str = DIGITS, overall: str = "5", **extra) -> dict[str, str]:
    data = {f"C{i}": d for i, d in enumerate(digits, start=1)}
    data.update({"CHUNG": overall, "answered_on": today_text(), "comment": ""})
    data.update(extra)
    return data


def open_batch(campaign, user, code="LO-01"):
    return batch_create(
        campaign=campaign,
        unit=campaign.units.get(code="KSC"),
        respondent_group=factories.group("payer"),
        code=code,
        user=user,
    )


def key(batch, user, digits=DIGITS, overall=5, comment="", day=None):
    answers = {f"C{i}": int(d) for i, d in enumerate(digits, start=1)}
    answers["CHUNG"] = overall
    return paper_form_key(
        batch=batch, user=user, answers=answers, comment=comment, answered_on=day or yesterday()
    )


def test_keying_page_saves_form_and_shows_running_count(team_client, team, campaign):
    response = team_client.post(
        reverse("fieldwork:batches"),
        {
            "campaign": campaign.pk,
            "unit": campaign.units.get(code="KSC").pk,
            "respondent_group": factories.group("payer").pk,
            "code": "LO-01",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    for n in (1, 2):
        saved = team_client.post(url, typed(comment=f"Ý kiến {n}" if n == 1 else ""))
        assert saved.status_code == 302
    page = team_client.get(url)
    assert page.context["keyed"] == 2
    assert page.context["typed"]["answered_on"] == today_text()  # the date stays for the next
    stored = Response.objects.filter(campaign=campaign, channel="paper", batch="LO-01")
    assert stored.count() == 2
    first = stored.get(comment="Ý kiến 1")
    assert first.keyed_by == team
    assert dict(first.answers.values_list("question__code", "score"))["C3"] == 4


def test_keying_page_refuses_invalid_keys_and_saves_nothing(team_client, team, campaign):
    batch = open_batch(campaign, team)
    url = reverse("fieldwork:keying", args=[batch.pk])
    page = team_client.post(url, typed(digits="55445554x7", overall="0"))
    assert page.status_code == 400
    errors = page.context["errors"]
    assert set(errors) == {"C9", "C10", "CHUNG"}
    assert "1 đến 5" in errors["C10"][0]
    assert not Response.objects.exists() and not KeyedForm.objects.exists()
    bad_date = team_client.post(url, typed(answered_on="31/02/2026"))
    assert bad_date.status_code == 400 and "answered_on" in bad_date.context["errors"]
    nul = team_client.post(url, typed(comment="Ý kiến\x00"))  # PostgreSQL cannot store it
    assert nul.status_code == 400 and "không lưu được" in nul.context["errors"]["comment"][0]
    assert not Response.objects.exists() and not KeyedForm.objects.exists()


def test_zero_is_no_opinion_and_blank_not_answered_the_overall_question_included(team, campaign):
    batch = open_batch(campaign, team)
    answers = {f"C{i}": 4 for i in range(1, 11)} | {"C1": 0, "C2": "", "CHUNG": ""}
    result = paper_form_key(batch=batch, user=team, answers=answers, answered_on=yesterday())
    assert result.form.answers["C1"] is None and result.form.answers["CHUNG"] == ""
    scores = dict(Response.objects.get().answers.values_list("question__code", "score"))
    assert scores["C1"] is None and scores["C2"] is None and scores["CHUNG"] is None
    assert scores["C3"] == 4


def test_keyed_values_follow_the_paper_rule_and_its_message(team_client, team, campaign):
    batch = open_batch(campaign, team)
    url = reverse("fieldwork:keying", args=[batch.pk])
    page = team_client.post(url, typed(overall="3.5", C1="33"))
    assert page.status_code == 400
    assert set(page.context["errors"]) == {"C1", "CHUNG"}
    assert "“3.5”" in page.context["errors"]["CHUNG"][0]
    assert not Response.objects.exists() and not KeyedForm.objects.exists()


def test_keying_requires_permission(client, campaign, team):
    batch = open_batch(campaign, team)
    client.force_login(factories.leadership())
    # Logged in without the permission: forbidden (not sent back to the log-in page).
    assert client.get(reverse("fieldwork:keying", args=[batch.pk])).status_code == 403
    assert client.post(reverse("fieldwork:keying", args=[batch.pk]), typed()).status_code == 403
    assert not KeyedForm.objects.exists()


def test_double_entry_counts_only_agreed_or_settled_forms(double_campaign):
    first, second = factories.survey_team("op1"), factories.survey_team("op2")
    third = factories.survey_team("op3")
    batch = open_batch(double_campaign, first)
    key(batch, first)
    key(batch, first, digits="3333333333", overall=3)
    assert not Response.objects.exists()  # keyed once: not a response yet
    key(batch, second)  # same as pass 1: agreed, counts
    assert Response.objects.count() == 1
    key(batch, second, digits="3333333334", overall=3)  # planted difference on C10
    assert Response.objects.count() == 1
    [pair] = batch_pairs_unsettled(batch)
    assert pair.seq == 2
    assert [(d.field, d.first, d.second) for d in pair.differences] == [("C10", 3, 4)]

    with pytest.raises(KeyingError):  # an operator of the batch cannot settle it
        form_settle(batch=batch, seq=2, user=second, choices={"C10": 1})
    with pytest.raises(KeyingError):  # a choice is needed for every difference
        form_settle(batch=batch, seq=2, user=third, choices={})
    settlement = form_settle(batch=batch, seq=2, user=third, choices={"C10": 1})
    assert settlement.settled_by == third and settlement.had_differences
    scores = dict(settlement.response.answers.values_list("question__code", "score"))
    assert scores["C10"] == 3
    assert settlement.response.keyed_by == first
    assert Response.objects.count() == 2 and FormSettlement.objects.count() == 2
    assert batch_pairs_unsettled(batch) == []
    with pytest.raises(KeyingError):  # settled once only
        form_settle(batch=batch, seq=2, user=third, choices={"C10": 2})


def test_double_entry_refuses_a_third_operator(double_campaign):
    ops = [factories.survey_team(f"op{i}") for i in range(3)]
    batch = open_batch(double_campaign, ops[0])
    key(batch, ops[0])
    key(batch, ops[1])
    with pytest.raises(KeyingError):
        key(batch, ops[2])


def test_settle_page_shows_differences_side_by_side_and_settles(client, double_campaign):
    first, second = factories.survey_team("op1"), factories.survey_team("op2")
    batch = open_batch(double_campaign, first)
    key(batch, first, comment="Tốt")
    key(batch, second, comment="Tôt")
    client.force_login(factories.survey_team("op3"))
    url = reverse("fieldwork:settle", args=[batch.pk])
    page = client.get(url)
    assert page.context["differing"][0].differences[0].field == "comment"
    assert "Tôt" in page.content.decode() and "Tốt" in page.content.decode()
    refused = client.post(url, {"seq": 1})
    assert refused.status_code == 400 and not Response.objects.exists()
    assert client.post(url, {"seq": 1, "f_comment": "1"}).status_code == 302
    assert Response.objects.get().comment == "Tốt"
    progress = client.get(reverse("fieldwork:batches")).context["batches"][0]
    assert (progress.keyed_first, progress.keyed_second, progress.settled) == (1, 1, 1)


def test_batch_code_reused_for_another_unit_is_refused(team, campaign):
    open_batch(campaign, team)
    with pytest.raises(KeyingError):
        batch_create(
            campaign=campaign,
            unit=campaign.units.get(code="HCH"),
            respondent_group=factories.group("payer"),
            code="LO-01",
            user=team,
        )


def test_survey_team_can_audit_batches_in_the_admin(team_client, team, campaign):
    batch = open_batch(campaign, team)
    key(batch, team)
    assert team.has_perm("fieldwork.view_keyingbatch")
    page = team_client.get(reverse("admin:fieldwork_keyingbatch_changelist"))
    assert page.status_code == 200 and "LO-01" in page.content.decode()
    assert team_client.get(reverse("admin:fieldwork_keyedform_changelist")).status_code == 200


def test_operator_takes_back_a_mistyped_form_before_it_counts(client, double_campaign):
    first, second = factories.survey_team("op1"), factories.survey_team("op2")
    batch = open_batch(double_campaign, first)
    key(batch, first)
    key(batch, first, digits="1111111111", overall=1)  # skipped a form by mistake
    key(batch, second)  # form 1 agrees and counts
    client.force_login(first)
    url = reverse("fieldwork:keying", args=[batch.pk])
    assert client.post(url, {"undo": "1"}).status_code == 302
    assert list(batch.forms.filter(pass_no=1).values_list("seq", flat=True)) == [1]
    client.post(url, {"undo": "1"})  # form 1 counts already: refused, kept
    assert batch.forms.filter(pass_no=1).count() == 1 and Response.objects.count() == 1
    key(batch, first, digits="3333333333", overall=3)  # keyed again as form 2
    assert batch.forms.get(pass_no=1, seq=2).answers["C1"] == 3


def test_single_entry_forms_cannot_be_taken_back(team, campaign):
    from fieldwork.services.keying import keyed_form_undo_last

    batch = open_batch(campaign, team)
    key(batch, team)
    with pytest.raises(KeyingError):
        keyed_form_undo_last(batch=batch, user=team)
    assert Response.objects.count() == 1
