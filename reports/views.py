from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .models import ReportRun


@permission_required("reports.request_report")
def report_list(request):
    runs = ReportRun.objects.select_related("campaign", "requested_by")[:50]
    return render(request, "reports/report_list.html", {"runs": runs})
