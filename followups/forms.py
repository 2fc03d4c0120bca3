from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Channel, CommentTriage, Score, Unit

from .evidence import EVIDENCE_TYPES
from .models import FollowUp, FollowUpStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class Styled:
    """Bootstrap classes on every widget (the templates render fields one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class CommentFilterForm(Styled, forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label=_("Campaign"), required=False)
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("Unit"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", "---------"), *Channel.choices]
    )
    score = forms.TypedChoiceField(
        label=_("Overall score"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "---------"), *Score.choices],
    )
    triage = forms.ChoiceField(
        label=_("Triage"), required=False, choices=[("", "---------"), *CommentTriage.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class FollowUpFilterForm(Styled, forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label=_("Campaign"), required=False)
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("Unit"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "---------"), *FollowUpStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class TriageForm(Styled, forms.Form):
    OPS = [
        ("praise", _("Mark as praise")),
        ("no_action", _("Mark as no action needed")),
        ("new", _("Mark as not read yet")),
        ("open", _("Open a follow-up")),
        ("join", _("Join to a follow-up")),
    ]
    op = forms.ChoiceField(choices=OPS)
    comments = forms.TypedMultipleChoiceField(
        label=_("Comments"), coerce=int, choices=(), required=True
    )
    title = forms.CharField(label=_("Problem"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("Assign to unit"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    followup = forms.ModelChoiceField(
        FollowUp.objects.none(), label=_("Existing follow-up"), required=False
    )

    def __init__(self, *args, comment_ids=(), followups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].choices = [(pk, pk) for pk in comment_ids]
        if followups is not None:
            self.fields["followup"].queryset = followups

    def clean(self):
        data = super().clean()
        op = data.get("op")
        if op == "open" and not data.get("unit"):
            self.add_error("unit", _("Please choose the unit to assign it to."))
        if op == "join" and not data.get("followup"):
            self.add_error("followup", _("Please choose the follow-up."))
        return data


class AssignForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("Assign to unit"))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class ActionForm(Styled, forms.Form):
    action_taken = forms.CharField(
        label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(Styled, forms.Form):
    resolution = forms.CharField(
        label=_("Resolution (shown to the customer)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EscalateForm(Styled, forms.Form):
    escalation_reason = forms.CharField(
        label=_("Reason for escalation"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(Styled, forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_TYPES)}
        ),
    )
