"""Migration surveys/0009 on existing data: the response's invitation link is dropped, the
invitation keeps the local day it was answered; reversed, the links are not restored."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0008_kiosk_channel_response_duration")]
AFTER = [("surveys", "0009_anonymous_invitation_answers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_existing_links_are_removed_and_the_day_kept(postgres):
    old = _migrate(BEFORE)
    try:
        Unit = old.get_model("surveys", "Unit")
        Group = old.get_model("surveys", "RespondentGroup")
        Questionnaire = old.get_model("surveys", "Questionnaire")
        Campaign = old.get_model("surveys", "Campaign")
        Invitation = old.get_model("surveys", "Invitation")
        Response = old.get_model("surveys", "Response")
        unit = Unit.objects.create(code="KSC", name="Phòng Kiểm soát chi", kind="department")
        group = Group.objects.create(code="budget_user", name="Đơn vị sử dụng ngân sách")
        questionnaire = Questionnaire.objects.create(code="mac-dinh", title="Bộ câu hỏi")
        campaign = Campaign.objects.create(
            name="Đợt I",
            slug="dot-1",
            year=2026,
            round=1,
            opens_on=datetime.date(2026, 3, 1),
            closes_on=datetime.date(2026, 3, 31),
            questionnaire=questionnaire,
        )
        # 23:30 UTC on 10/3 is 06:30 on 11/3 in Hà Nội.
        used_at = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
        invitation = Invitation.objects.create(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            source="email",
            organisation="Bệnh viện B",
            email="bvb@example.invalid",
            token="t" * 32,
            used_at=used_at,
        )
        Response.objects.create(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            channel="email",
            answered_on=datetime.date(2026, 3, 11),
            invitation=invitation,
        )
        new = _migrate(AFTER)
        assert new.get_model("surveys", "Invitation").objects.get().answered_on == (
            datetime.date(2026, 3, 11)
        )
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, "surveys_response")
        assert not [c.name for c in columns if "invitation" in c.name]

        # Reversed: the column comes back empty; which response came from which invitation is
        # gone for good.
        back = _migrate(BEFORE)
        assert back.get_model("surveys", "Response").objects.get().invitation_id is None
        restored = back.get_model("surveys", "Invitation").objects.get().used_at
        assert restored.date() == datetime.date(2026, 3, 10)  # midnight local, in UTC
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
