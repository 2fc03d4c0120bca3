"""Vietnamese first: every string of the kiosk app is translated; the English switch works."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from django.urls import reverse

from surveys.tests import factories

from .helpers import enrolled_client

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not m.string)]
    assert len(catalogue) > 50 and untranslated == []


def test_kiosk_page_speaks_vietnamese_then_english_on_request(db):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    factories.group()
    campaign = factories.make_campaign([unit], slug="dot-kiosk")
    tablet, _kiosk = enrolled_client(campaign, unit)
    page = tablet.get("/kiosk/").content.decode()
    assert "Gửi phiếu" in page and "Máy tính bảng" not in page
    assert "<script>" not in page  # CSP: data by attributes and json_script only
    switched = tablet.post(reverse("set_language"), {"language": "en", "next": "/kiosk/"})
    assert switched.status_code == 302 and switched["Location"] == "/kiosk/"
    assert "Send my answers" in tablet.get("/kiosk/").content.decode()
