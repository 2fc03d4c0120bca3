from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, CampaignStatus


class ReportRequestForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.exclude(status=CampaignStatus.DRAFT),
        empty_label=None,
        error_messages={"invalid_choice": _("Please choose a campaign from the list.")},
    )
