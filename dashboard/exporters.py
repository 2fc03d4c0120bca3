"""The `Kiểm tra` sheet of the report: every stuffing signal with the responses concerned.

Registered into the report's sheet registry when the app is ready (DashboardConfig.ready), so
the reports app does not need to know about the dashboard.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import translation

from reports.exporters import Column, SheetExporter, register_sheet
from reports.exporters.base import COUNT, DATE

from .models import SignalKind, StuffingSignal
from .signals import signals_current

RESPONSE_IDS_SHOWN = 2000  # a cell holds at most 32,767 characters


def _concerned(signal_ids: list[int]) -> dict[int, list[int]]:
    """The first RESPONSE_IDS_SHOWN response ids of each signal, in one streamed query."""
    through = StuffingSignal.responses.through
    rows = (
        through.objects.filter(stuffingsignal_id__in=signal_ids)
        .order_by("stuffingsignal_id", "response_id")
        .values_list("stuffingsignal_id", "response_id")
    )
    out: dict[int, list[int]] = defaultdict(list)
    for signal_id, response_id in rows.iterator(chunk_size=5000):
        if len(out[signal_id]) < RESPONSE_IDS_SHOWN:
            out[signal_id].append(response_id)
    return out


@register_sheet
class CheckSheet(SheetExporter):
    identifier = "check"
    title = "Kiểm tra"
    order = 900
    columns = (
        Column("Ngày", 12, DATE),
        Column("Mã đơn vị", 12),
        Column("Đơn vị", 30),
        Column("Dấu hiệu", 40),
        Column("Chỉ số", 10, "0.00"),
        Column("Mô tả", 50),
        Column("Số phiếu liên quan", 12, COUNT),
        Column("Mã phiếu liên quan", 60),
    )

    def rows(self, ctx):
        check = signals_current(campaign=ctx.campaign)
        signals = list(
            StuffingSignal.objects.filter(campaign=ctx.campaign)
            .select_related("unit")
            .order_by("day", "unit__sort_order", "unit__code", "kind")
        )
        concerned = _concerned([s.pk for s in signals])
        with translation.override("vi"):
            kinds = {value: str(label) for value, label in SignalKind.choices}
        for signal in signals:
            listed = ", ".join(map(str, concerned.get(signal.pk, [])))
            if signal.response_count > RESPONSE_IDS_SHOWN:
                listed += " …"
            yield (
                signal.day,
                signal.unit.code,
                signal.unit.name,
                kinds.get(signal.kind, signal.kind),
                signal.measure,
                signal.detail,
                signal.response_count,
                listed,
            )
        if not signals:
            yield (None, "", "", f"Không có dấu hiệu bất thường ({check.responses} phiếu).")
