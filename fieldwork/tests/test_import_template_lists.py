"""The blank paper-form sheet offers drop-down lists of the campaign's units and the groups by
their Vietnamese names, and a sheet filled from them imports."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from fieldwork.services.imports import responses_import, responses_template
from surveys.models import Response

from .conftest import today_text


def test_template_has_drop_down_lists_of_vietnamese_names(team_client, campaign):
    response = team_client.get(reverse("fieldwork:responses_template", args=[campaign.slug]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert all(v.type == "list" for v in sheet.data_validations.dataValidation)
    unit_list = lists["A2:A2000"]
    group_list = lists["B2:B2000"]
    units_sheet = workbook[unit_list.split("!")[0].lstrip("=").strip("'")]
    names = [row[0] for row in units_sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(campaign.units.values_list("name", flat=True))
    assert unit_list.endswith(f"$A$2:$A${len(names) + 1}")
    groups_sheet = workbook[group_list.split("!")[0].lstrip("=").strip("'")]
    groups = [row[0] for row in groups_sheet.iter_rows(min_row=2, values_only=True)]
    assert "Tổ chức, cá nhân nộp thuế, phí, lệ phí" in groups
    assert "payer" not in groups


def test_a_sheet_filled_from_the_lists_imports(campaign):
    workbook = load_workbook(io.BytesIO(responses_template(campaign)))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict.fromkeys(header, "")
    row.update({h: 4 for h in header if h.startswith("C")})
    row.update(
        {
            "Mã đơn vị": "Phòng Kiểm soát chi",
            "Nhóm khách hàng": "Đơn vị sử dụng ngân sách nhà nước",
            "Ngày": today_text(),
        }
    )
    sheet.append([row[h] for h in header])
    out = io.BytesIO()
    workbook.save(out)
    responses_import(campaign=campaign, data=out.getvalue(), filename="mau.xlsx")
    stored = Response.objects.get()
    assert stored.unit.code == "KSC" and stored.respondent_group.code == "budget_user"
