"""An independent, plain-Python recomputation of the report from the raw answers.

Deliberately shares nothing with reports.selectors or surveys.stats: it reads every answer row
and applies DESIGN.md's formulas directly, so a mistake in the SQL cube or in a roll-up shows.
"""

from __future__ import annotations

import math
from collections import defaultdict

from surveys.models import Answer, Channel, Question, Response

Z = 1.959963984540054
FORMS = {"web": "online", "qr": "online", "portal": "online", "email": "direct", "paper": "direct"}
FORMS["kiosk"] = "online"  # DESIGN.md: online = web, qr, portal, kiosk (issue 16)


def wilson(k: int, n: int):
    if n == 0:
        return (None, None)
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return (max(0.0, c - h) * 100, min(1.0, c + h) * 100)


def pct(a, b):
    return a * 100 / b if b else None


def avg(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


class Recomputed:
    """Answers of a campaign as plain lists, and the report's measures for any slice of them."""

    def __init__(self, campaign):
        # One round, or a list of rounds (a year). The questions the answers refer to (not
        # what the round points at now): a report must count what was answered.
        rounds = [campaign] if not isinstance(campaign, list | tuple) else list(campaign)
        campaign = [c.pk for c in rounds]
        answered = Answer.objects.filter(response__campaign__in=campaign).values("question_id")
        asked = (
            Question.objects.filter(pk__in=answered)
            if Response.objects.filter(campaign__in=campaign).exists()
            else Question.objects.filter(questionnaire=rounds[-1].questionnaire)
        )
        self.questions = list(asked.order_by("sort_order"))
        self.responses = {
            r.pk: r
            for r in Response.objects.filter(campaign__in=campaign).select_related(
                "unit__successor", "respondent_group"
            )
        }
        self.answers = defaultdict(dict)  # response id -> {question id: score}
        for rid, qid, score in Answer.objects.filter(response__campaign__in=campaign).values_list(
            "response_id", "question_id", "score"
        ):
            self.answers[rid][qid] = score
        self.aspect_questions = defaultdict(list)
        for q in self.questions:
            if not q.is_overall:
                self.aspect_questions[q.aspect_id].append(q.id)
        self.overall_id = next((q.id for q in self.questions if q.is_overall), None)

    def slice(self, keep) -> list[int]:
        return [rid for rid, r in self.responses.items() if keep(r)]

    def scores(self, rids, qids):
        return [self.answers[rid].get(q) for rid in rids for q in qids if q in self.answers[rid]]

    @staticmethod
    def levels(scores):
        return [sum(1 for s in scores if s == k) for k in range(1, 6)]

    def question_rate(self, rids, qid):
        lv = self.levels(self.scores(rids, [qid]))
        return pct(lv[3] + lv[4], sum(lv))

    def index(self, rids):
        return avg(
            avg(self.question_rate(rids, q) for q in qids)
            for qids in self.aspect_questions.values()
        )

    def measures(self, rids) -> dict:
        """The MEASURE_COLUMNS of the workbook for the responses `rids`."""
        pooled_q = [q for qids in self.aspect_questions.values() for q in qids]
        scores = self.scores(rids, pooled_q)
        lv = self.levels(scores)
        n = sum(lv)
        overall = self.levels(self.scores(rids, [self.overall_id]))
        low, high = wilson(lv[3] + lv[4], n)
        return {
            "Số phiếu": len(rids),
            "Rất không hài lòng": lv[0],
            "Không hài lòng": lv[1],
            "Bình thường": lv[2],
            "Hài lòng": lv[3],
            "Rất hài lòng": lv[4],
            "Tỷ lệ hài lòng (%)": pct(lv[3] + lv[4], n),
            "Tỷ lệ không hài lòng (%)": pct(lv[0] + lv[1], n),
            "Điểm bình quân": sum(k * c for k, c in zip(range(1, 6), lv, strict=True)) / n
            if n
            else None,
            "Khoảng tin cậy 95% - cận dưới (%)": low,
            "Khoảng tin cậy 95% - cận trên (%)": high,
            "Chỉ số hài lòng (%)": self.index(rids),
            "Tỷ lệ hài lòng chung (%)": pct(overall[3] + overall[4], sum(overall)),
            "Tỷ lệ bình thường (%)": pct(lv[2], n),
            "Số câu trả lời hợp lệ (N)": n,
            "Không ý kiến": sum(1 for s in scores if s is None),
            "Số phiếu trả lời câu hỏi chung (N)": sum(overall),
        }

    def question_measures(self, rids, qids, index=None) -> dict:
        scores = self.scores(rids, qids)
        lv = self.levels(scores)
        n = sum(lv)
        low, high = wilson(lv[3] + lv[4], n)
        return {
            "Rất không hài lòng": lv[0],
            "Không hài lòng": lv[1],
            "Bình thường": lv[2],
            "Hài lòng": lv[3],
            "Rất hài lòng": lv[4],
            "Không ý kiến": sum(1 for s in scores if s is None),
            "Số câu trả lời hợp lệ (N)": n,
            "Tỷ lệ hài lòng (%)": pct(lv[3] + lv[4], n),
            "Tỷ lệ bình thường (%)": pct(lv[2], n),
            "Tỷ lệ không hài lòng (%)": pct(lv[0] + lv[1], n),
            "Điểm bình quân": sum(k * c for k, c in zip(range(1, 6), lv, strict=True)) / n
            if n
            else None,
            "Khoảng tin cậy 95% - cận dưới (%)": low,
            "Khoảng tin cậy 95% - cận trên (%)": high,
            "Chỉ số (%)": index,
        }


CHANNEL_ORDER = list(Channel.values)


def carried_by(unit, day):
    """The unit that carries `unit`'s history on `day` (DESIGN.md, roll-up through
    reorganisations), walked here on the model objects, independently of surveys.tree: follow
    `successor` to the first unit valid that day; a chain reaching none ends at its last unit
    begun by then (a split unit keeps its own history)."""

    def valid(u):
        return (u.valid_from is None or u.valid_from <= day) and (
            u.valid_to is None or day <= u.valid_to
        )

    keep, seen = unit, set()
    while unit is not None and unit.pk not in seen:
        if valid(unit):
            return unit
        if unit.valid_from is None or unit.valid_from <= day:
            keep = unit
        seen.add(unit.pk)
        unit = unit.successor
    return keep
