"""A round's workbook is the same after every forbidden edit of its questionnaire was tried,
and still equals the recomputation over the questions its answers refer to."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from reports.tests.dataset import build_dataset
from reports.tests.recompute import Recomputed
from surveys.models import Aspect, Campaign, Question, Questionnaire
from surveys.services.questionnaires import questionnaire_new_version

pytestmark = pytest.mark.django_db

GENERATED = "Ngày lập báo cáo"


def _values(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [row for row in ws.iter_rows(values_only=True) if not row or row[0] != GENERATED]
        for ws in wb.worksheets
    }


def _compile(campaign, path):
    call_command("compile_report", campaign=campaign.slug, out=str(path), no_progress=True)
    return _values(path)


def _attempt(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    if connection.vendor == "sqlite":  # its foreign keys are checked at commit
        connection.check_constraints()


def test_forbidden_edits_leave_the_workbook_and_its_figures_unchanged(tmp_path):
    data = build_dataset(per_cell=2)
    campaign = data.campaign
    before = _compile(campaign, tmp_path / "before.xlsx")
    questionnaire = campaign.questionnaire
    v2 = questionnaire_new_version(questionnaire=questionnaire)
    c1 = questionnaire.questions.get(code="C1")
    aspect = questionnaire.aspects.first()

    _attempt(lambda: Campaign.objects.filter(pk=campaign.pk).update(questionnaire=v2))
    _attempt(lambda: _sql("UPDATE surveys_campaign SET questionnaire_id=%s WHERE id=%s", v2.pk,
                          campaign.pk))  # fmt: skip
    for field, value in (("text", "Khác"), ("allow_no_opinion", False), ("sort_order", 77),
                         ("code", "Z1")):  # fmt: skip
        _attempt(lambda f=field, v=value: Question.objects.filter(pk=c1.pk).update(**{f: v}))
    _attempt(lambda: Question.objects.filter(pk=c1.pk).update(aspect=None, is_overall=True))
    _attempt(lambda: _sql("DELETE FROM surveys_question WHERE id=%s", c1.pk))
    _attempt(lambda: Aspect.objects.filter(pk=aspect.pk).update(name="Khác"))
    _attempt(lambda: _sql("DELETE FROM surveys_aspect WHERE id=%s", aspect.pk))
    _attempt(lambda: Questionnaire.objects.filter(pk=questionnaire.pk).update(version=9))
    _attempt(lambda: Question.objects.create(questionnaire=questionnaire, aspect=aspect,
                                             code="C42", text="Thêm"))  # fmt: skip

    after = _compile(Campaign.objects.get(pk=campaign.pk), tmp_path / "after.xlsx")
    assert after == before

    # And the figures are those of the answers, recomputed over the questions they refer to.
    raw = Recomputed(campaign)
    everyone = list(raw.responses)
    summary = {r[0]: r for r in after["Tổng hợp"] if r and r[0]}
    index_row = summary["Chỉ số hài lòng (%) (trung bình các khía cạnh)"]
    total = raw.measures(everyone)
    assert index_row[1] == pytest.approx(raw.index(everyone))
    # Every rate carries its N, the index included: the valid answers it averages over.
    assert index_row[2] == total["Số câu trả lời hợp lệ (N)"] > 0
    assert summary["Số phiếu"][1] == len(everyone)
