from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Unit

from .models import ReorganisationKind
from .services.reorganisation import NewUnit, ReorganisationSpec
from .services.unit_import import kind_find

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UnitSheetForm(forms.Form):
    file = forms.FileField(label=_("Unit sheet (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


def _serving_units():
    # Units that have not ended (an end date in the future is also an end already decided).
    return Unit.objects.filter(valid_to__isnull=True).order_by("code")


class ReorganisationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happens"), choices=ReorganisationKind.choices, widget=forms.RadioSelect
    )
    effective_on = forms.DateField(
        label=_("From"),
        help_text=_("The old units end the day before; the new ones serve from this day."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    units = UnitMultipleChoiceField(
        label=_("Units that end"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Several for a merge; one for a split, a rename or a move."),
    )
    into = UnitChoiceField(
        label=_("Merge into the existing unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to merge into a new unit."),
    )
    new_units = forms.CharField(
        label=_("New units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: code; name; kind (may be left out: as the old unit). One line for a "
            "merge into a new unit, a rename or a move; two or more for a split, the first of "
            "which receives the units under the old one."
        ),
    )
    parent = UnitChoiceField(
        label=_("Parent"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The new parent for a move; for new units, empty means the old unit's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("units", "into", "parent"):
            self.fields[name].queryset = _serving_units()

    def clean_new_units(self) -> tuple[NewUnit, ...]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["new_units"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) < 2 or len(parts) > 3 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)d: write code; name; kind (the kind may be left out).")
                    % {"n": number}
                )
            kind = ""
            if len(parts) == 3 and parts[2]:
                kind = kind_find(parts[2])
                if kind is None:
                    raise forms.ValidationError(
                        _("Line %(n)d: unknown kind “%(kind)s”.") % {"n": number, "kind": parts[2]}
                    )
            parsed.append(NewUnit(code=parts[0], name=parts[1], kind=kind))
        return tuple(parsed)

    def spec(self) -> ReorganisationSpec:
        data = self.cleaned_data
        parent = data.get("parent")
        kind = data["kind"]
        parent_id = parent.pk if parent else None
        new_units = tuple(
            NewUnit(code=n.code, name=n.name, kind=n.kind, parent_id=parent_id)
            for n in data["new_units"]
        )
        return ReorganisationSpec(
            kind=kind,
            effective_on=data["effective_on"],
            unit_ids=tuple(u.pk for u in data["units"]),
            new_units=new_units,
            into_id=data["into"].pk if data.get("into") else None,
            parent_id=parent_id if kind == ReorganisationKind.MOVE else None,
        )
