from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, CampaignStatus

# What a button on /reports/ asks for: (format, variant).
KINDS = {
    "xlsx-official": ("xlsx", "official"),
    "xlsx-internal": ("xlsx", "internal"),
    "docx": ("docx", "official"),
    "pdf": ("pdf", "official"),
}
UNIT_KINDS = ("xlsx-official", "docx", "pdf")  # a unit manager gets no raw data


class ReportRequestForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.exclude(status=CampaignStatus.DRAFT),
        empty_label=None,
        error_messages={"invalid_choice": _("Please choose a campaign from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[(k, k) for k in KINDS],
        initial="xlsx-internal",
        required=False,
        error_messages={"invalid_choice": _("Please choose a report from the buttons.")},
    )

    def __init__(self, *args, kinds=tuple(KINDS), campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:  # the user's scope (surveys.scope): a forged id is refused
            self.fields["campaign"].queryset = self.fields["campaign"].queryset & campaigns
        self.fields["kind"].choices = [(k, k) for k in kinds]
        self.kinds = kinds

    def clean_kind(self) -> str:
        # A form without the button (an old page, a script) asks for what it always did.
        return self.cleaned_data.get("kind") or self.kinds[0]

    @property
    def format_and_variant(self) -> tuple[str, str]:
        return KINDS[self.cleaned_data["kind"]]
