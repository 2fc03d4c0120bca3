"""Vietnamese is the default language: every string of the fieldwork app is translated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    assert len(catalogue) > 150
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


def test_english_source_strings_render_in_vietnamese_by_default(client, db):
    from django.urls import reverse

    from surveys.tests import factories

    client.force_login(factories.survey_team("vi"))
    page = client.get(reverse("fieldwork:batches")).content.decode()
    assert "Nhập phiếu giấy" in page and "Mở lô phiếu" in page
