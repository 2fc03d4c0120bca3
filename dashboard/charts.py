"""Plain data for the Chart.js drawings; every chart also has its table in the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .selectors import Dashboard


def _r(value):
    return round(value, 2) if value is not None else None


SMALL_BASE = 30  # DESIGN: a rate whose N is below 30 carries the mark "cỡ mẫu nhỏ"


def axis_start(lows: list[float]) -> float:
    """Where the rate axis starts: 5 points below the lowest interval bound, on a multiple of 5,
    so that 88% and 97% stand apart instead of sitting as one row of dots on 0–100."""
    if not lows:
        return 0.0
    return max(0.0, (min(lows) - 5) // 5 * 5)


def _units_chart(dash: Dashboard) -> dict:
    units = sorted(
        (u for u in dash.units if u.measures.counts.total),
        key=lambda u: (-(u.measures.pooled_rate or 0), u.unit.name),
    )
    intervals = [u.measures.counts.satisfaction_interval() for u in units]
    start = axis_start([i[0] for i in intervals if i])
    labels = []
    for u in units:
        n = u.measures.counts.total
        label = f"{u.unit.name} (N = {n})"
        labels.append(f"{label} – {_('small base')}" if n < SMALL_BASE else label)
    return {
        "labels": labels,
        "rate": [_r(u.measures.pooled_rate) for u in units],
        "interval": [[_r(i[0]), _r(i[1])] if i else None for i in intervals],
        "rateLabel": _("Satisfaction rate (%)"),
        "intervalLabel": _("95% interval"),
        "axisMin": start,
        "axisNote": (
            _("The axis starts at %(start)s%% to show the differences between units.")
            % {"start": f"{start:.0f}"}
            if start
            else ""
        ),
    }


def chart_data(dash: Dashboard) -> dict:
    return {
        "units": _units_chart(dash),
        "aspects": {
            "labels": [a.aspect.name for a in dash.aspects],
            "index": [_r(a.index) for a in dash.aspects],
            "label": _("Aspect index (%)"),
        },
        "trend": {
            "labels": [p.campaign.name for p in dash.trend],
            "index": [_r(p.measures.index) for p in dash.trend],
            "pooled": [_r(p.measures.pooled_rate) for p in dash.trend],
            "indexLabel": _("Overall index (%)"),
            "pooledLabel": _("Pooled satisfaction rate (%)"),
        },
        "years": {
            "labels": [str(p.year) for p in dash.years or ()],
            "index": [_r(p.measures.index) for p in dash.years or ()],
            "pooled": [_r(p.measures.pooled_rate) for p in dash.years or ()],
            "n": [p.measures.counts.total for p in dash.years or ()],
            "indexLabel": _("Overall index (%)"),
            "pooledLabel": _("Pooled satisfaction rate (%)"),
        },
        "channels": {
            "labels": [c.label for c in dash.channels],
            "responses": [c.measures.responses for c in dash.channels],
        },
        "groups": {
            "labels": [g.label for g in dash.groups],
            "responses": [g.measures.responses for g in dash.groups],
        },
        "days": {
            "labels": [d.strftime("%d/%m") for d, _n in dash.per_day],
            "responses": [n for _d, n in dash.per_day],
            "label": _("Responses"),
        },
    }
