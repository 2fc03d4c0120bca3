"""One reading of an answer per channel (surveys.rules), and the survey form as its only
reader of a POST."""

from __future__ import annotations

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
