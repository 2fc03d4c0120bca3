"""The dashboard's rate cells, written in Python, say what the template filters said."""

from __future__ import annotations

from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dashboard.templatetags.dashboard_cells import rate_cells, two_places
from reports.selectors import Layout, QuestionInfo, SliceMeasures
from surveys.stats import LevelCounts

# What dashboard/_rate.html rendered before the tag replaced it.
TEMPLATE = Template(
    '{% load i18n %}<td class="text-end">{{ m.counts.total }}</td><td class="text-end">'
    '{{ m.pooled_rate|floatformat:2|default:"—" }}{% if m.counts.total and m.counts.total < 30 %}'
    ' <span class="badge text-bg-warning small-base">{% translate "small base" %}</span>'
    '{% endif %}</td><td class="text-end text-nowrap">{% with i=m.counts.satisfaction_interval %}'
    '{% if i %}{{ i.0|floatformat:2 }} – {{ i.1|floatformat:2 }}{% else %}—{% endif %}'
    '{% endwith %}</td><td class="text-end">{{ m.index|floatformat:2|default:"—" }}</td>'
)
LAYOUT = Layout(questions=(QuestionInfo(1, "C1", "Câu 1", 1, False),), aspects=())


def _measures(levels) -> SliceMeasures:
    m = SliceMeasures(layout=LAYOUT)
    m.by_question[1] = LevelCounts(*levels)
    return m


# The values a rate or an interval bound can take: a share of counts, or a bound computed from
# one (floatformat itself writes a subnormal float such as 5e-324 as it is).
RATES = (
    st.builds(lambda k, n: 100 * min(k, n) / n, st.integers(0, 10**7), st.integers(1, 10**7))
    | st.floats(min_value=1e-6, max_value=100)
    | st.just(0.0)
    | st.integers(0, 100)
)


@given(RATES)
def test_two_places_is_floatformat_2_in_both_languages(value):
    for language in ("vi", "en"):
        with translation.override(language):
            assert two_places(value) == floatformat(value, 2)


def test_two_places_rounds_half_up_like_floatformat():
    with translation.override("vi"):
        assert two_places(2.675) == floatformat(2.675, 2) == "2,68"
        assert two_places(None) == "—"


@given(st.lists(st.integers(0, 60), min_size=5, max_size=5))
def test_rate_cells_write_what_the_template_wrote(levels):
    m = _measures(levels)
    for language in ("vi", "en"):
        with translation.override(language):
            assert str(rate_cells(m)) == TEMPLATE.render(Context({"m": m}))


def test_a_small_base_is_marked_and_an_empty_slice_shows_dashes():
    with translation.override("vi"):
        small = str(rate_cells(_measures([1, 0, 2, 3, 4])))
        empty = str(rate_cells(_measures([0, 0, 0, 0, 0])))
    assert "small-base" in small and "cỡ mẫu nhỏ" in small
    assert empty.count("—") == 3 and "small-base" not in empty
