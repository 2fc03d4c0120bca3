"""The materialised counts equal a recomputation from the raw answers after every kind of write."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from dashboard import cube as dashboard_cube
from dashboard.counts import counts_differences, counts_rebuild, cube_cells
from dashboard.models import AnswerCount, DayCount, ResponseCount, UnitAnswerCount
from reports.selectors import answer_cube
from surveys.models import Answer, Channel, Response
from surveys.tests import factories


def assert_exact(campaign):
    assert cube_cells(dashboard_cube.cube(campaign=campaign)) == cube_cells(
        answer_cube(campaign=campaign)
    )
    assert counts_differences(campaign=campaign) == []


def _sheet(campaign, rows) -> bytes:
    codes = list(
        campaign.questionnaire.questions.order_by("sort_order").values_list("code", flat=True)
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Nhóm khách hàng", "Ngày", *codes, "Ý kiến", "Số lô"])
    for unit_code, score in rows:
        day = timezone.localdate().strftime("%d/%m/%Y")
        ws.append([unit_code, "payer", day, *([score] * len(codes)), "", "LO-1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_counts_stay_exact_through_submits_imports_corrections_and_deletions(postgres):
    a, b = factories.make_unit("A1"), factories.make_unit("B1")
    campaign = factories.make_campaign([a, b])
    other = factories.make_campaign([a, b])
    team = factories.survey_team()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for i in range(12):
        factories.make_response(campaign, a if i % 3 else b, channel=Channel.WEB, score=1 + i % 5)
    factories.make_response(
        campaign,
        a,
        channel=Channel.QR,
        answers=factories.all_answers(campaign, None, C1=4, CHUNG=5),
    )
    factories.make_response(
        campaign,
        b,
        channel=Channel.PAPER,
        group_code="budget_user",
        keyed_by=team,
        batch="LO-9",
        answered_on=yesterday,
        score=3,
    )
    factories.make_response(other, a, score=2)
    assert_exact(campaign)
    assert_exact(other)

    from fieldwork.services.imports import SheetRefused, responses_import

    responses_import(
        campaign=campaign,
        data=_sheet(campaign, [("A1", 5), ("B1", 4)]),
        filename="a.xlsx",
        user=team,
    )
    assert_exact(campaign)
    # A sheet with one bad row is refused whole: the counts roll back with it.
    with pytest.raises(SheetRefused):
        responses_import(
            campaign=campaign,
            data=_sheet(campaign, [("A1", 5), ("ZZ", 4)]),
            filename="b.xlsx",
            user=team,
        )
    assert_exact(campaign)

    # An update that changes no counted key (a triage mark) changes no count.
    Response.objects.filter(campaign=campaign).update(comment_triage="no_action")
    assert_exact(campaign)

    # Corrections: a score changed, a response moved to another unit / group / channel / day.
    target = Response.objects.filter(campaign=campaign, channel=Channel.WEB).first()
    Answer.objects.filter(response=target).update(score=2)
    Answer.objects.filter(response=target, question__code="C3").update(score=None)
    Response.objects.filter(pk=target.pk).update(unit=b, channel=Channel.QR, answered_on=yesterday)
    target.refresh_from_db()
    target.respondent_group = factories.group("budget_user")
    target.save()
    assert_exact(campaign)

    # Deletions: one response, then a queryset (Django deletes the answers first).
    target.delete()
    Response.objects.filter(
        pk__in=Response.objects.filter(campaign=campaign, unit=a).values("pk")[:3]
    ).delete()
    Answer.objects.filter(response__campaign=campaign, question__code="C7").delete()
    assert_exact(campaign)
    assert_exact(other)

    # Raw SQL in the "wrong" order (foreign keys are checked at commit): a response deleted
    # before its answers, another inserted after its answers.
    victim = Response.objects.filter(campaign=campaign).order_by("pk").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_response WHERE id = %s", [victim.pk])
        cursor.execute("DELETE FROM surveys_answer WHERE response_id = %s", [victim.pk])
    donor = Response.objects.filter(campaign=campaign).order_by("-pk").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1000 FROM surveys_response")
        (new_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO surveys_answer (response_id, question_id, score)"
            " SELECT %s, question_id, score FROM surveys_answer WHERE response_id = %s",
            [new_id, donor.pk],
        )
        cursor.execute(
            "INSERT INTO surveys_response (id, campaign_id, unit_id, respondent_group_id, channel,"
            " submitted_at, answered_on, comment, comment_triage, batch)"
            " SELECT %s, campaign_id, unit_id, respondent_group_id, channel, submitted_at,"
            " answered_on, '', '', '' FROM surveys_response WHERE id = %s",
            [new_id, donor.pk],
        )
    assert_exact(campaign)

    # A full rebuild from the raw rows finds the same numbers the triggers kept.
    before = cube_cells(dashboard_cube.cube(campaign=campaign))
    counts_rebuild()
    assert cube_cells(dashboard_cube.cube(campaign=campaign)) == before


def test_command_finds_drift_and_rebuilds(postgres):
    unit = factories.make_unit("C1")
    campaign = factories.make_campaign([unit], slug="dot-drift")
    factories.make_response(campaign, unit, score=4)
    out = io.StringIO()
    call_command("dashboard_counts", "--campaign", "dot-drift", stdout=out)
    assert "dot-drift: exact" in out.getvalue()
    AnswerCount.objects.filter(campaign=campaign).update(n4=0)  # drift, e.g. a restore
    with pytest.raises(CommandError):
        call_command("dashboard_counts", "--campaign", "dot-drift", stdout=io.StringIO())
    out = io.StringIO()
    call_command("dashboard_counts", "--campaign", "dot-drift", "--rebuild", stdout=out)
    assert "counts rebuilt" in out.getvalue() and "dot-drift: exact" in out.getvalue()


@pytest.mark.parametrize(
    ("model", "change", "found"),
    [
        (AnswerCount, {"n4": 0}, "answer counts"),
        (UnitAnswerCount, {"n4": 0}, "answer counts per unit"),
        (ResponseCount, {"responses": 7}, "response counts"),
        (DayCount, {"responses": 7}, "responses per day"),
    ],
)
def test_a_drift_in_any_count_table_is_found_and_rebuilt(postgres, model, change, found):
    unit = factories.make_unit("C2")
    campaign = factories.make_campaign([unit])
    for score in (4, 4, 2):
        factories.make_response(campaign, unit, score=score)
    assert counts_differences(campaign=campaign) == []
    assert model.objects.filter(campaign=campaign).update(**change)
    assert found in counts_differences(campaign=campaign)
    counts_rebuild()
    assert counts_differences(campaign=campaign) == []


def test_sqlite_reads_the_raw_answers(db):
    """Without the triggers (SQLite) the dashboard falls back to the report's own selectors."""
    unit = factories.make_unit("S1")
    campaign = factories.make_campaign([unit])
    factories.make_response(campaign, unit, score=4)
    assert cube_cells(dashboard_cube.cube(campaign=campaign)) == cube_cells(
        answer_cube(campaign=campaign)
    )
    assert dashboard_cube.responses_per_day(campaign=campaign) == [(timezone.localdate(), 1)]


def test_the_trigger_sql_frozen_in_the_migrations_is_what_triggers_py_builds():
    """Migrations carry their SQL (no import of live code). Changing dashboard/triggers.py
    needs a new migration holding the new SQL; then point this test at that migration."""
    from importlib import import_module

    from dashboard import triggers

    frozen = import_module("dashboard.migrations.0008_counts_per_unit_and_day")
    assert triggers.create_sql() == frozen.CREATE_SQL
    assert triggers.rebuild_sql() == frozen.REBUILD_SQL
    assert triggers.drop_sql() == frozen.DROP_SQL
