from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from surveys.tests import factories


@pytest.fixture
def units(db):
    return (
        factories.make_unit("KSC", name="Phòng Kiểm soát chi"),
        factories.make_unit("HCH", name="KBNN Hải Châu"),
    )


@pytest.fixture
def campaign(units):
    return factories.make_campaign(units, slug="dot-fu")


@pytest.fixture
def team(db):
    return factories.survey_team("team")


@pytest.fixture
def boss(db):
    return factories.leadership("boss")


@pytest.fixture
def manager(units):
    return factories.unit_manager(units[0], "quanly.ksc")


@pytest.fixture
def other_manager(units):
    return factories.unit_manager(units[1], "quanly.hch")


@pytest.fixture
def comment(campaign, units):
    return factories.make_response(campaign, units[0], comment="Chờ quá lâu ở quầy.", score=2)


@pytest.fixture
def in_a_week():
    return timezone.localdate() + datetime.timedelta(days=7)
