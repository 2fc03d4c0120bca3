import pytest

from surveys.tests import factories


@pytest.fixture
def unit(db):
    return factories.make_unit("KSC", name="Phòng Kiểm soát chi")


@pytest.fixture
def campaign(unit):
    return factories.make_campaign([unit], slug="dot-test")
