"""The survey team's register of the personal data the portal holds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from ..selectors import personal_data_register


@login_required
@permission_required("surveys.view_responsecontact", raise_exception=True)
def personal_data(request):
    return render(request, "fieldwork/personal_data.html", {"rows": personal_data_register()})
