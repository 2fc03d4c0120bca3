"""One reading of an answer per channel (surveys.rules), and the survey form as its only
reader of a POST."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.rules import (
    NOT_ANSWERED,
    AnswerInvalid,
    answer_read_paper,
    answer_read_web,
)


class Q:
    def __init__(self, allow_no_opinion=True, is_required=True, code="C1"):
        self.allow_no_opinion = allow_no_opinion
        self.is_required = is_required
        self.code = code


WEB_VALID = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "na": None}


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.sampled_from([*WEB_VALID, "", " 3", "0", "6", "3.0"]), st.text(max_size=4)),
        max_size=3,
    ),
    allow=st.booleans(),
)
def test_web_rule_takes_exactly_one_of_1_to_5_or_na(values, allow):
    question = Q(allow_no_opinion=allow)
    expected_ok = not values or (
        len(values) == 1 and values[0] in WEB_VALID and (allow or values[0] != "na")
    )
    try:
        reading = answer_read_web(question, values)
    except AnswerInvalid as exc:
        assert not expected_ok and exc.message
        return
    assert expected_ok
    assert reading == (WEB_VALID[values[0]] if values else NOT_ANSWERED)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, NOT_ANSWERED),
        ("", NOT_ANSWERED),
        ("   ", NOT_ANSWERED),
        (0, None),
        ("0", None),
        (0.0, None),
        (4, 4),
        (4.0, 4),
        (" 3 ", 3),
        ("5", 5),
    ],
)
def test_paper_rule_blank_is_not_answered_and_0_no_opinion(raw, expected):
    assert answer_read_paper(Q(), raw) == expected


@pytest.mark.parametrize("raw", [6, "6", -1, 3.5, "3.0", "x", True, "na", "1 2"])
def test_paper_rule_refuses_anything_else_naming_the_value(raw):
    with pytest.raises(AnswerInvalid) as info:
        answer_read_paper(Q(), raw)
    assert str(raw).strip() in info.value.message or isinstance(raw, float)


def test_blank_on_paper_is_not_answered_even_without_no_opinion():
    question = Q(allow_no_opinion=False)
    assert answer_read_paper(question, "") is NOT_ANSWERED
    with pytest.raises(AnswerInvalid):
        answer_read_paper(question, 0)
    with pytest.raises(AnswerInvalid):
        answer_read_web(question, ["na"])


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(st.none(), st.integers(-3, 9), st.floats(allow_nan=False), st.text(max_size=4))
)
def test_paper_rule_never_fails_other_than_by_refusing(raw):
    try:
        reading = answer_read_paper(Q(), raw)
    except AnswerInvalid:
        return
    assert reading is NOT_ANSWERED or reading is None or 1 <= reading <= 5


# --- the survey form, the only reader of a POST, on arbitrary POST dictionaries

_VALUES = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "na", "", " 3", "0", "6", "3.0", "\x00"]),
    st.text(max_size=3),
)


@pytest.mark.django_db
def test_the_form_accepts_a_post_exactly_when_every_question_reads_by_the_web_rule(campaign):
    from django.http import QueryDict
    from hypothesis import HealthCheck

    from surveys.forms import SurveyForm
    from surveys.models import RespondentGroup
    from surveys.tests.survey_posts import answers_post

    questions = list(campaign.questionnaire.questions.select_related("aspect"))
    base = answers_post(campaign, "4")  # creates the group it names
    groups = list(RespondentGroup.objects.filter(is_active=True))
    codes = [q.code for q in questions]

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(posted=st.dictionaries(st.sampled_from(codes), st.lists(_VALUES, max_size=3)))
    def check(posted):
        data = QueryDict(mutable=True)
        data.update(base)
        for code, values in posted.items():
            data.setlist(f"q_{code}", values)
        form = SurveyForm(data, questions=questions, groups=groups)
        valid = form.is_valid()
        expected = {}
        ok = True
        for question in questions:
            values = data.getlist(f"q_{question.code}")
            try:
                reading = answer_read_web(question, values)
            except AnswerInvalid:
                ok = False
                continue
            if reading is NOT_ANSWERED:
                ok = ok and not question.is_required
            else:
                expected[question.code] = reading
        assert valid == ok
        if valid:
            assert form.entry().answers == expected
        else:  # refused beside the questions concerned, never above the form only
            assert form.answer_errors

    check()


@pytest.mark.django_db
def test_no_post_to_the_survey_page_gives_a_500(client, campaign, unit, django_settings):
    from django.http import QueryDict
    from django.urls import reverse
    from hypothesis import HealthCheck

    from surveys.models import Response
    from surveys.tests.survey_posts import answers_post

    django_settings.SURVEY_SUBMIT_RATE = "100000/s"  # many posts from one address, on purpose
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    base = answers_post(campaign, "4")
    names = [*base, "q_NOPE", "contact_consent", "contact_phone", "contact_email"]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(posted=st.dictionaries(st.sampled_from(names), st.lists(_VALUES, max_size=2)))
    def check(posted):
        data = QueryDict(mutable=True)
        data.update({**base, "idempotency_key": str(uuid.uuid4())})  # a new form each time
        for name, values in posted.items():
            data.setlist(name, values)
        before = Response.objects.count()
        reply = client.post(url, data.urlencode(), content_type="application/x-www-form-urlencoded")
        assert reply.status_code in (200, 302, 400)
        assert Response.objects.count() - before == (1 if reply.status_code == 302 else 0)

    check()


@pytest.fixture
def django_settings(settings):
    return settings


def test_one_predicate_each_for_campaign_open_date_in_period_and_invitation_usable():
    import datetime

    from surveys.models import Campaign, CampaignStatus, Invitation
    from surveys.rules import (
        campaign_open_for,
        campaign_open_on,
        date_in_period,
        invitation_problem,
    )

    day = datetime.date
    campaign = Campaign(
        status=CampaignStatus.OPEN,
        opens_on=day(2026, 3, 1),
        closes_on=day(2026, 3, 31),
        channels=["web", "paper"],
    )
    assert campaign_open_on(campaign, day(2026, 3, 1)) and campaign_open_on(
        campaign, day(2026, 3, 31)
    )
    assert not campaign_open_on(campaign, day(2026, 4, 1))
    assert campaign_open_for(campaign, "web", day(2026, 3, 5))
    assert not campaign_open_for(campaign, "qr", day(2026, 3, 5))
    campaign.status = CampaignStatus.CLOSED
    assert not campaign_open_for(campaign, "web", day(2026, 3, 5))
    # Paper: inside the period and not after today.
    assert date_in_period(campaign, day(2026, 3, 10), today=day(2026, 3, 10))
    assert not date_in_period(campaign, day(2026, 3, 11), today=day(2026, 3, 10))
    assert not date_in_period(campaign, day(2026, 2, 28), today=day(2026, 3, 10))

    now = datetime.datetime(2026, 3, 10, 3, tzinfo=datetime.UTC)
    fresh = Invitation(expires_at=now + datetime.timedelta(days=1))
    assert invitation_problem(fresh, now) is None
    assert invitation_problem(Invitation(expires_at=now), now)  # expired at that instant
    assert invitation_problem(Invitation(answered_on=now.date()), now)
