"""The figures of the written report, read from the workbook's roll-ups (ReportContext).

Nothing here queries answers: the report's numbers are those of the workbook's sheets (the
same cube, the same SliceMeasures), only worded and formatted for a Vietnamese document. The
comparison reads the previous round's and the previous year's cubes the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from followups.models import OPEN_FOLLOWUP_STATUSES, FollowUp
from reports import selectors
from reports.comparison import Earlier
from reports.exporters.base import small_base
from reports.exporters.context import ReportContext
from reports.exporters.labels import channel_label, form_label
from surveys.models import Channel, Form, channel_form

# --------------------------------------------------------------------------- formatting


def vi_number(value: float | None, decimals: int = 2) -> str:
    """98.5 -> "98,50" (Vietnamese: decimal comma, dot between thousands); None -> "—"."""
    if value is None:
        return "—"
    formatted = f"{value:,.{decimals}f}"
    return formatted.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vi_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def vi_rate(value: float | None, n: int | None = None) -> str:
    """A rate for the text: "98,50%", with the small-base mark when N is below 30."""
    if value is None:
        return "—"
    mark = small_base(n)
    return f"{vi_number(value)}%" + (f" ({mark})" if mark else "")


def vi_interval(bounds: tuple[float | None, float | None], *, compact: bool = False) -> str:
    """ "90,93% – 92,66%" in the text; "90,93–92,66" in a table column headed (%)."""
    low, high = bounds
    if low is None or high is None:
        return "—"
    if compact:
        return f"{vi_number(low)}–{vi_number(high)}"
    return f"{vi_number(low)}% – {vi_number(high)}%"


# --------------------------------------------------------------------------- the figures


@dataclass
class Row:
    label: str
    m: selectors.SliceMeasures


@dataclass
class FormQuota:
    form: str
    label: str
    minimum: int
    counted: int
    transactions: int

    @property
    def reached(self) -> float | None:
        return self.counted * 100 / self.minimum if self.minimum else None

    @property
    def response_rate(self) -> float | None:
        return self.counted * 100 / self.transactions if self.transactions else None


@dataclass
class FollowUpLine:
    title: str
    unit: str
    comments: int
    deadline: str
    status: str
    overdue: bool


class Figures:
    """What the written report says, from one ReportContext."""

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        self.total = ctx.total
        self.units = [Row(u.name, ctx.measures(ctx.by_unit, u.pk)) for u in ctx.units]
        self.unit_ids = [u.pk for u in ctx.units]
        self.groups = [Row(g.name, ctx.measures(ctx.by_group, g.pk)) for g in ctx.groups]
        self.channels = [
            Row(
                f"{channel_label(c)} ({form_label(channel_form(c))})",
                ctx.measures(ctx.by_channel, c),
            )
            for c in Channel.values
        ]
        self.forms = [Row(form_label(f), ctx.measures(ctx.by_form, f)) for f in Form.values]
        self.aspects = [
            (a.name, self.total.aspect_index(a), self.total.aspect_counts(a).total)
            for a in ctx.layout.aspects
        ]

    @property
    def channels_accepted(self) -> list[str]:
        return [channel_label(c) for c in Channel.values if c in (self.ctx.campaign.channels or [])]

    def quotas(self) -> list[FormQuota]:
        """Required respondents, responses and transactions per form (sums over the units)."""
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for p in self.ctx.quota_progress:
            sums[p.form][0] += p.minimum or 0
            sums[p.form][1] += p.counted
            sums[p.form][2] += p.transactions or 0
        return [FormQuota(f, form_label(f), *sums[f]) for f in Form.values]

    def followups(self) -> list[FollowUpLine]:
        qs = FollowUp.objects.filter(campaign__in=self.ctx.campaigns).select_related("unit")
        if self.ctx.unit_ids is not None:
            qs = qs.filter(unit_id__in=self.ctx.unit_ids)
        day = self.ctx.generated_at.date()
        out = []
        for f in qs.order_by("unit__sort_order", "unit__code", "created_at", "pk").annotate(
            n_comments=Count("responses")
        ):
            out.append(
                FollowUpLine(
                    f.title,
                    f.unit.name,
                    f.n_comments,
                    f"{f.deadline:%d/%m/%Y}" if f.deadline else "—",
                    str(f.get_status_display()),
                    bool(f.deadline and f.deadline < day and f.status in OPEN_FOLLOWUP_STATUSES),
                )
            )
        return out

    def earlier(self) -> tuple[Earlier | None, Earlier | None]:
        return self.ctx.previous_round, self.ctx.previous_year
