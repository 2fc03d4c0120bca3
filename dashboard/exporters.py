"""The `Kiểm tra` sheet of the report: every stuffing signal with the responses concerned.

Registered into the report's sheet registry when the app is ready (DashboardConfig.ready), so
the reports app does not need to know about the dashboard.

The sheet reads the signals stored by the background job (nightly at 00:30, before the nightly
reports, and on request from the dashboard) instead of recomputing them: at a million responses
that takes longer than the rest of the report. Its first row says when they were computed and
over how many responses, so a stale sheet is visible as such.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone, translation

from reports.exporters import Column, SheetExporter, register_sheet
from reports.exporters.base import COUNT, DATE

from .models import SignalCheck, SignalKind, StuffingSignal

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
        check = SignalCheck.objects.filter(campaign=ctx.campaign).first()  # the last round
        yield (None, "", "", _check_note(check, ctx.response_total))
        signals = list(
            StuffingSignal.objects.filter(campaign__in=ctx.campaigns)
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
        if check is not None and not signals:
            yield (None, "", "", "Không có dấu hiệu bất thường.")


def _check_note(check: SignalCheck | None, responses_now: int) -> str:
    if check is None:
        return "Chưa tính dấu hiệu bất thường cho đợt này (xem Bảng điều khiển, Tính lại ngay)."
    when = timezone.localtime(check.computed_at).strftime("%d/%m/%Y %H:%M")
    note = f"Dấu hiệu tính lúc {when} trên {check.responses} phiếu"
    if check.responses != responses_now:
        note += f"; đợt hiện có {responses_now} phiếu, cần tính lại"
    return note + "."
