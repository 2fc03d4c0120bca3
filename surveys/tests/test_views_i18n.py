"""Vietnamese is the default language: every string of the survey pages is translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

CATALOGUES = [
    Path(settings.BASE_DIR) / "surveys" / "locale" / "vi" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po",
]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent))
def test_vietnamese_catalogue_is_complete(path):
    with path.open("rb") as f:
        catalogue = read_po(f)
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert "Rất hài lòng" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Very satisfied" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": url})
    assert "Rất hài lòng" in client.get(url).content.decode()


@pytest.mark.django_db
def test_admin_shows_vietnamese_labels(client):
    from surveys.tests import factories

    client.force_login(factories.survey_team())
    page = client.get(reverse("admin:surveys_response_changelist")).content.decode()
    assert "phiếu khảo sát" in page.lower()
    assert "kênh" in page.lower()
