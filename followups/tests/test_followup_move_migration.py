"""FollowUp moved from surveys to followups (followups 0006, surveys 0005): a database holding
follow-ups migrates across the move and back with every row, comment link, evidence row and
permission grant kept."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0004_configstamp"), ("followups", "0005_escalation_proposed_event")]
AFTER = [
    ("surveys", "0005_followup_moved_to_followups"),
    ("followups", "0006_followup_moved_from_surveys"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def seed(apps, owner: str):
    """One follow-up with two comments, one evidence row, its history and a role grant."""
    Unit = apps.get_model("surveys", "Unit")
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Campaign = apps.get_model("surveys", "Campaign")
    Group = apps.get_model("surveys", "RespondentGroup")
    Response = apps.get_model("surveys", "Response")
    FollowUp = apps.get_model(owner, "FollowUp")
    Evidence = apps.get_model("followups", "EvidenceFile")
    Event = apps.get_model("followups", "FollowUpEvent")
    unit = Unit.objects.create(code="MIG", name="Phòng di chuyển", kind="department")
    questionnaire = Questionnaire.objects.create(code="migq", title="Q", version=1)
    campaign = Campaign.objects.create(
        name="Đợt di chuyển",
        slug="mig",
        year=2031,
        round=1,
        opens_on=datetime.date(2031, 1, 1),
        closes_on=datetime.date(2031, 2, 1),
        questionnaire=questionnaire,
    )
    group = Group.objects.create(code="mig", name="Nhóm")
    responses = [
        Response.objects.create(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            channel="web",
            submitted_at=datetime.datetime(2031, 1, 5, 3, tzinfo=datetime.UTC),
            answered_on=datetime.date(2031, 1, 5),
            comment=f"Chờ lâu {n}",
        )
        for n in (1, 2)
    ]
    followup = FollowUp.objects.create(
        campaign=campaign, unit=unit, title="Chờ lâu", status="in_progress"
    )
    followup.responses.set(responses)
    Evidence.objects.create(
        followup_id=followup.pk, file="evidence/x.pdf", original_name="x.pdf",
        content_type="application/pdf", size=10,
    )  # fmt: skip
    Event.objects.create(followup_id=followup.pk, kind="opened")
    return followup.pk, {r.pk for r in responses}


def check(apps, owner: str, pk: int, response_ids: set[int]) -> None:
    FollowUp = apps.get_model(owner, "FollowUp")
    followup = FollowUp.objects.get(pk=pk)
    assert (followup.title, followup.status) == ("Chờ lâu", "in_progress")
    assert set(followup.responses.values_list("pk", flat=True)) == response_ids
    assert apps.get_model("followups", "EvidenceFile").objects.get().followup_id == pk
    assert apps.get_model("followups", "FollowUpEvent").objects.get().followup_id == pk
    ContentType = apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label=owner, model="followup").exists()
    other = "surveys" if owner == "followups" else "followups"
    assert not ContentType.objects.filter(app_label=other, model="followup").exists()
    Permission = apps.get_model("auth", "Permission")
    grant = Permission.objects.get(codename="manage_own_unit_followups")
    assert grant.content_type.app_label == owner
    assert (
        apps.get_model("auth", "Group").objects.filter(name="mig-role", permissions=grant).exists()
    )


@pytest.mark.django_db(transaction=True)
def test_followups_survey_the_move_forwards_and_backwards():
    final = leaves()
    try:
        apps = migrate(BEFORE)
        pk, response_ids = seed(apps, "surveys")
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
        content_type, _ = ContentType.objects.get_or_create(app_label="surveys", model="followup")
        grant, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename="manage_own_unit_followups",
            defaults={"name": "Can act on the follow-ups of own unit"},
        )
        apps.get_model("auth", "Group").objects.create(name="mig-role").permissions.add(grant)

        apps = migrate(AFTER)
        check(apps, "followups", pk, response_ids)
        with connection.cursor() as cursor:  # the same table, not a copy
            tables = connection.introspection.table_names(cursor)
        assert "surveys_followup" in tables and "surveys_followup_responses" in tables

        apps = migrate(BEFORE)
        check(apps, "surveys", pk, response_ids)

        apps = migrate(AFTER)
        check(apps, "followups", pk, response_ids)
    finally:
        migrate(final)
