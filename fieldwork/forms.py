from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, CampaignStatus, Channel, RespondentGroup, Unit

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def campaigns_taking(channel: str):
    """Open campaigns that accept this channel (the channel list is JSON: filter by id)."""
    open_campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN)
    ids = [c.pk for c in open_campaigns.only("pk", "channels") if c.accepts_channel(channel)]
    return open_campaigns.filter(pk__in=ids)


class BatchForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Survey round"), queryset=Campaign.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.order_by("sort_order"))
    respondent_group = forms.ModelChoiceField(
        label=_("Respondent group"), queryset=RespondentGroup.objects.filter(is_active=True)
    )
    code = forms.CharField(label=_("Batch number"), max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_taking(Channel.PAPER)


class UploadForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Survey round"), queryset=Campaign.objects.none())
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_taking(channel)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
