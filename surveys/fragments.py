"""Rendered HTML of the survey's fields, cached per questionnaire, groups and language.

Rendering eleven radio groups and the crispy fields is most of a survey page's cost, and an
unbound form renders identically for every customer: only the CSRF token and the idempotency
key differ, and those stay outside the fragment. The key is a fingerprint of the data the HTML
is made of, so an edited question or group simply renders a new fragment. Per process, bounded.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .forms import SurveyForm

FIELDS_TEMPLATE = "surveys/_survey_fields.html"
MAX_FRAGMENTS = 256
_fragments: dict[str, SafeString] = {}


def survey_fields_html(form: SurveyForm, context: dict) -> SafeString:
    if form.is_bound:  # errors and entered values: always rendered afresh
        return render_to_string(FIELDS_TEMPLATE, context)
    key = form.fingerprint()
    html = _fragments.get(key)
    if html is None:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
        html = _fragments[key] = render_to_string(FIELDS_TEMPLATE, context)
    return html
