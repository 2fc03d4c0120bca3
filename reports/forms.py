from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, CampaignStatus, Unit

# What a button on /reports/ asks for: (format, variant).
KINDS = {
    "xlsx-official": ("xlsx", "official"),
    "xlsx-internal": ("xlsx", "internal"),
    "docx": ("docx", "official"),
    "pdf": ("pdf", "official"),
}
UNIT_KINDS = ("xlsx-official", "docx", "pdf")  # a unit manager gets no raw data


def year_choices(campaigns=None) -> list[tuple[str, str]]:
    """`2025-<root id>` per year and root with a round that is not a draft (two queries), of
    the rounds `campaigns` (the user's scope) if given."""
    rounds = Campaign.objects.all() if campaigns is None else campaigns
    pairs = sorted(
        set(
            rounds.exclude(status=CampaignStatus.DRAFT)
            .exclude(root__isnull=True)
            .values_list("year", "root_id")
        ),
        key=lambda p: (-p[0], p[1]),
    )
    names = dict(Unit.objects.filter(pk__in={r for _y, r in pairs}).values_list("pk", "name"))
    return [(f"{y}-{r}", _("Year %(year)d – %(root)s") % {"year": y, "root": names[r]})
            for y, r in pairs]  # fmt: skip


class ReportRequestForm(forms.Form):
    """A round (`campaign`) or, when `year` is chosen, the year of a root across its rounds."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.exclude(status=CampaignStatus.DRAFT),
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": _("Please choose a campaign from the list.")},
    )
    year = forms.ChoiceField(
        label=_("or the whole year"),
        required=False,
        error_messages={"invalid_choice": _("Please choose a year from the list.")},
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
        self.fields["year"].choices = [("", _("— one campaign —")), *year_choices(campaigns)]
        self.kinds = kinds

    def clean(self):
        data = super().clean()
        if not data.get("year") and not data.get("campaign") and not self.errors:
            self.add_error("campaign", _("Please choose a campaign from the list."))
        return data

    @property
    def period(self) -> dict:
        """The keyword arguments of services.report_request: a campaign, or a year and root."""
        if self.cleaned_data.get("year"):
            year, root_id = self.cleaned_data["year"].split("-")
            return {"year": int(year), "root": Unit.objects.get(pk=int(root_id))}
        return {"campaign": self.cleaned_data["campaign"]}

    def clean_kind(self) -> str:
        # A form without the button (an old page, a script) asks for what it always did.
        return self.cleaned_data.get("kind") or self.kinds[0]

    @property
    def format_and_variant(self) -> tuple[str, str]:
        return KINDS[self.cleaned_data["kind"]]
