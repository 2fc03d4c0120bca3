"""Plain data for the Chart.js drawings; every chart also has its table in the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .selectors import Dashboard


def _r(value):
    return round(value, 2) if value is not None else None


def chart_data(dash: Dashboard) -> dict:
    units = [u for u in dash.units if u.measures.counts.total]
    intervals = [u.measures.counts.satisfaction_interval() for u in units]
    return {
        "units": {
            "labels": [u.unit.name for u in units],
            "rate": [_r(u.measures.pooled_rate) for u in units],
            "interval": [[_r(i[0]), _r(i[1])] if i else None for i in intervals],
            "rateLabel": _("Satisfaction rate (%)"),
            "intervalLabel": _("95% interval"),
        },
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
