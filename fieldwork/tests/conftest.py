from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from surveys.tests import factories


@pytest.fixture
def units(db):
    factories.group()  # the two respondent groups exist in every installation
    return [
        factories.make_unit("KSC", name="Phòng Kiểm soát chi"),
        factories.make_unit("HCH", name="KBNN Hải Châu"),
    ]


@pytest.fixture
def campaign(units):
    return factories.make_campaign(units, slug="dot-1-2026")


@pytest.fixture
def double_campaign(units):
    return factories.make_campaign(units, slug="dot-kep", double_entry=True)


@pytest.fixture
def team(db):
    return factories.survey_team("tokhaosat")


@pytest.fixture
def team_client(client, team):
    client.force_login(team)
    return client


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def today_text() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
