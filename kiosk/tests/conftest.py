"""The unit and round every kiosk test enrols its tablet for."""

from __future__ import annotations

import pytest

from surveys.tests import factories


@pytest.fixture
def unit(db):
    return factories.make_unit("KSC", name="Phòng Kiểm soát chi")


@pytest.fixture
def campaign(unit):
    factories.group()
    return factories.make_campaign([unit], slug="dot-kiosk")
