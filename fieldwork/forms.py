from __future__ import annotations

from django import forms
from django.utils import timezone
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
        campaigns = campaigns_taking(Channel.PAPER)
        self.fields["campaign"].queryset = campaigns
        # Only units surveyed by a round taking paper (never the branch above them, which
        # batch_create would refuse), still serving today.
        self.fields["unit"].queryset = (
            Unit.objects.filter(campaigns__in=campaigns)
            .valid_on(timezone.localdate())
            .distinct()
            .order_by("sort_order", "code")
        )


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


class CorrectionForm(forms.Form):
    """An audited correction of one response: its unit, group, date and each score; the
    reason is required. Built for the response's own campaign and questions."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    respondent_group = forms.ModelChoiceField(
        label=_("Respondent group"), queryset=RespondentGroup.objects.filter(is_active=True)
    )
    answered_on = forms.DateField(label=_("Date on the form"), input_formats=["%d/%m/%Y"])
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea)

    SCORE_CHOICES = [("", "–"), *[(str(n), str(n)) for n in range(1, 6)]]

    def __init__(self, *args, response, **kwargs):
        self.response = response
        scores = dict(response.answers.values_list("question__code", "score"))
        initial = {
            "unit": response.unit_id,
            "respondent_group": response.respondent_group_id,
            "answered_on": response.answered_on.strftime("%d/%m/%Y"),
            **{f"q_{code}": "" if s is None else str(s) for code, s in scores.items()},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["unit"].queryset = response.campaign.units.order_by("sort_order", "code")
        self.codes = sorted(scores, key=lambda c: (len(c), c))
        for code in self.codes:
            self.fields[f"q_{code}"] = forms.TypedChoiceField(
                label=code,
                choices=self.SCORE_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
            )

    def changes(self) -> dict:
        """The arguments of response_correct for what differs from the stored response."""
        data, r = self.cleaned_data, self.response
        scores = dict(r.answers.values_list("question__code", "score"))
        changes: dict = {}
        if data["unit"].pk != r.unit_id:
            changes["unit"] = data["unit"]
        if data["respondent_group"].pk != r.respondent_group_id:
            changes["respondent_group"] = data["respondent_group"]
        if data["answered_on"] != r.answered_on:
            changes["answered_on"] = data["answered_on"]
        answers = {c: data[f"q_{c}"] for c in self.codes if data[f"q_{c}"] != scores[c]}
        if answers:
            changes["answers"] = answers
        return changes
