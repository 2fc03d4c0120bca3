"""The customer's survey form: parses and re-displays what was entered.

The answers are read by the web rule of `surveys.rules` and checked by the function
`response_submit` uses (`answers_check`), so the messages beside each question are exactly the
service's; the service checks everything again when it writes. This form is the only reader of
a survey POST.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from .models import Channel, Question, RespondentGroup, Score
from .rules import NO_OPINION_TOKEN, NOT_ANSWERED, AnswerInvalid, answer_read_web
from .services import COMMENT_MAX_LENGTH, NON_FIELD, answers_check
from .timing import FIELD as RENDERED_FIELD
from .timing import render_seconds

QUESTION_PREFIX = "q_"
# Value of the "no opinion" radio; the scores themselves are 1..5 (DESIGN.md).
NO_OPINION = NO_OPINION_TOKEN
HONEYPOT_FIELD = "website"
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
CONTACT_INPUTS = ("contact_consent", *CONTACT_FIELDS)


def contact_purpose() -> str:
    """Stored with the contact details, always in Vietnamese so the survey team reads one text."""
    with override("vi"):
        return str(_("Contact about the comment left in the satisfaction survey"))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    input_id: str
    checked: bool


@dataclass(frozen=True)
class QuestionRow:
    """What the lean radio template needs, computed once (BoundField rendering is slow)."""

    question: Question
    name: str
    label: str
    options: list[Option]
    errors: list[str]


@dataclass(frozen=True)
class AspectBlock:
    label: str
    rows: list[QuestionRow]


@dataclass(frozen=True)
class SurveyEntry:
    """What a valid survey form gives `response_submit`."""

    idempotency_key: uuid.UUID
    respondent_group: RespondentGroup | None  # None behind an invitation, which carries it
    answers: dict[str, str | None]
    comment: str
    contact: dict[str, str] | None
    rendered: str = ""  # the form's signed render time (surveys.timing)

    def duration_seconds(self, now: datetime.datetime) -> int | None:
        """Seconds from the form's rendering to `now` as the server measures them; None when
        the form carries no valid render time of its own."""
        return render_seconds(self.rendered, str(self.idempotency_key), now)


def posted_values(data: Mapping[str, str], name: str) -> list[str]:
    """Every value posted under `name` (a QueryDict may hold several)."""
    if hasattr(data, "getlist"):
        return data.getlist(name)
    return [data[name]] if name in data else []


def answers_read(
    data: Mapping[str, str], questions: list[Question]
) -> tuple[dict[str, int | None], dict[str, list[str]]]:
    """The posted answers read by the web rule (surveys.rules), then checked as
    response_submit checks them: (code -> score or None for no opinion, errors by code).
    Questions not answered are left out."""
    answers: dict[str, int | None] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        try:
            reading = answer_read_web(
                question, posted_values(data, QUESTION_PREFIX + question.code)
            )
        except AnswerInvalid as exc:
            errors[question.code] = [exc.message]
            continue
        if reading is not NOT_ANSWERED:
            answers[question.code] = reading
    known = {QUESTION_PREFIX + q.code for q in questions}
    unknown = {  # refused by answers_check, as a stale or forged page
        key[len(QUESTION_PREFIX) :]: None
        for key in data
        if key.startswith(QUESTION_PREFIX) and key not in known
    }
    _scores, service_errors = answers_check(questions, {**answers, **unknown}, channel=Channel.WEB)
    for code, messages in service_errors.items():
        errors.setdefault(code, messages)
    return answers, errors


def honeypot_filled(data: Mapping[str, str]) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD, "")).strip())


def contact_given(data: Mapping[str, str]) -> bool:
    """Consent ticked or any contact detail typed (else the contact form is skipped)."""
    return any(str(data.get(name, "")).strip() for name in CONTACT_INPUTS)


class ContactForm(forms.Form):
    """The optional contact details, behind their consent box (Law 91/2025/QH15).

    Apart from SurveyForm so that the many answers without contact details skip these fields
    entirely; the page shows them through `SurveyForm.contact_form` with the same names.
    """

    contact_consent = forms.BooleanField(
        label=_(
            "I agree that the survey team may contact me about my suggestions. My contact "
            "details are kept apart from my answers, used for this purpose only and erased "
            "once it is served; I can withdraw this consent at any time with my tracking code "
            "(Law on Personal Data Protection 91/2025/QH15, Decree 356/2025/NĐ-CP)."
        ),
        required=False,
    )
    contact_name = forms.CharField(label=_("Name or organisation"), required=False, max_length=200)
    contact_phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        validators=[
            RegexValidator(r"^\+?[0-9 .()-]{8,20}$", _("Enter a phone number of 8 to 15 digits."))
        ],
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self):
        cleaned = super().clean()
        given = [name for name in CONTACT_FIELDS if cleaned.get(name)]
        if cleaned.get("contact_consent") and not (
            cleaned.get("contact_phone") or cleaned.get("contact_email")
        ):
            if not self.has_error("contact_phone") and not self.has_error("contact_email"):
                self.add_error(
                    "contact_phone", _("Give a phone number or an e-mail address, or untick.")
                )
        elif given and not cleaned.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _("Tick this box to let us keep your contact details, or leave them empty."),
            )
        return cleaned


class SurveyForm(forms.Form):
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is damaged; please reload the page."),
            "invalid": _("The form is damaged; please reload the page."),
        },
    )
    # The form's render time signed by the server and bound to its key (surveys.timing): the
    # time to complete. Never refused: a missing or forged one only leaves the answer untimed
    # (a plain Field: a CharField would refuse a NUL beside an input nobody sees).
    t = forms.Field(widget=forms.HiddenInput, required=False)
    # Hidden from people (CSS, aria-hidden, tabindex=-1); robots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    # Choices come from the groups the view loaded: no query to validate the choice.
    respondent_group = forms.TypedChoiceField(
        label=_("You are"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose who you are."),
            "invalid_choice": _("Please choose who you are."),
        },
    )
    comment = forms.CharField(
        label=_("Your suggestions (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Do not write your name or other personal details here."),
    )

    def __init__(
        self,
        *args,
        questions: list[Question],
        groups: list[RespondentGroup] | None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.groups = {g.pk: g for g in groups or []}
        if groups is None:  # invitations carry their respondent group
            del self.fields["respondent_group"]
        else:
            self.fields["respondent_group"].choices = [(g.pk, _group_label(g)) for g in groups]
        # The answers are not Django fields: answers_read reads them by the web rule and checks
        # them as the service does, the lean template draws them, and their errors are kept
        # here by input name.
        self.answer_errors: dict[str, list[str]] = {}
        self.answers: dict[str, int | None] = {}

    # --- what the view and template need
    def aspect_blocks(self) -> list[AspectBlock]:
        """Questions grouped by aspect in questionnaire order; the overall question last."""
        blocks: list[AspectBlock] = []
        overall: list[QuestionRow] = []
        for question in self.questions:
            row = self._question_row(question)
            if question.aspect_id is None:
                overall.append(row)
            elif blocks and blocks[-1].rows[0].question.aspect_id == question.aspect_id:
                blocks[-1].rows.append(row)
            else:
                blocks.append(AspectBlock(question.aspect.label, [row]))
        if overall:
            blocks.append(AspectBlock(_("Overall"), overall))
        return blocks

    def _question_row(self, question: Question) -> QuestionRow:
        name = QUESTION_PREFIX + question.code
        current = self.data.get(self.add_prefix(name)) if self.is_bound else None
        options = [
            Option(value, label, f"id_{name}_{i}", value == current)
            for i, (value, label) in enumerate(answer_choices(question.allow_no_opinion))
        ]
        errors = self.answer_errors.get(name, []) if self.is_bound else []
        return QuestionRow(question, name, question.label, options, errors)

    def error_links(self) -> list[tuple[str, str, str]]:
        """(anchor, what, message) for each field in error, in page order, for the summary."""
        links = []
        contact_errors = self._contact_errors()
        for name in self._page_order():
            messages = (
                self.answer_errors.get(name) or self.errors.get(name) or contact_errors.get(name)
            )
            if not messages:
                continue
            # Anchors on the inputs themselves, so following a link moves the keyboard focus.
            if name in self.answer_errors:
                label = next(q.label for q in self.questions if QUESTION_PREFIX + q.code == name)
                anchor, what = f"id_{name}_0", Truncator(label).words(8)
            else:
                field = self.fields.get(name) or self.contact_form.fields[name]
                radios = isinstance(field.widget, forms.RadioSelect)
                anchor = f"id_{name}_0" if radios else f"id_{name}"
                what = str(field.label)
            links.append((anchor, what, " ".join(messages)))
        return links

    def _page_order(self) -> list[str]:
        visible = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        group = [name for name in visible if name == "respondent_group"]
        answers = [QUESTION_PREFIX + q.code for q in self.questions]
        rest = [name for name in visible if name not in group]
        return group + answers + rest + list(CONTACT_INPUTS)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.answer_errors or self._contact_errors())

    def is_valid(self) -> bool:
        valid = super().is_valid() and not self.answer_errors
        return (self.contact_form.is_valid() and valid) if self.contact_given else valid

    def _contact_errors(self):
        return self.contact_form.errors if self.is_bound and self.contact_given else {}

    def entry(self) -> SurveyEntry:
        """What the valid form gives response_submit (call after is_valid())."""
        cleaned = self.cleaned_data
        return SurveyEntry(
            idempotency_key=cleaned["idempotency_key"],
            respondent_group=cleaned.get("respondent_group"),
            answers=dict(self.answers),
            comment=cleaned["comment"],
            contact=self.contact(),
            rendered=str(cleaned.get(RENDERED_FIELD) or ""),
        )

    @cached_property
    def contact_form(self) -> ContactForm:
        """Bound to the same data, so what was entered is shown again with its errors."""
        return ContactForm(self.data if self.is_bound else None)

    @property
    def contact_given(self) -> bool:
        return contact_given(self.data)

    def contact(self) -> dict[str, str] | None:
        if not self.contact_given or not self.contact_form.cleaned_data.get("contact_consent"):
            return None
        cleaned = self.contact_form.cleaned_data
        return {
            "name": cleaned.get("contact_name", ""),
            "phone": cleaned.get("contact_phone", ""),
            "email": cleaned.get("contact_email", ""),
            "purpose": contact_purpose(),
        }

    def add_service_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Put the service's errors beside their questions or fields; the rest above the form."""
        codes = {q.code for q in self.questions}
        for key, messages in errors.items():
            if key in codes:
                self.answer_errors.setdefault(QUESTION_PREFIX + key, []).extend(messages)
                continue
            name = key if key in self.fields and key != NON_FIELD else None
            for message in messages:
                self.add_error(name, message)

    def fingerprint(self) -> str:
        """Everything the unbound fields' HTML depends on, to cache that HTML safely."""
        parts: list[object] = [get_language(), COMMENT_MAX_LENGTH, sorted(self.fields)]
        parts += [
            (q.pk, q.code, q.label, q.aspect.label if q.aspect_id else "", q.allow_no_opinion)
            for q in self.questions
        ]
        if "respondent_group" in self.fields:
            parts.append(self.fields["respondent_group"].choices)
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    # --- validation
    def clean_respondent_group(self) -> RespondentGroup:
        return self.groups[self.cleaned_data["respondent_group"]]

    def clean(self):
        cleaned = super().clean()
        self.answers, errors = answers_read(self.data, self.questions)
        self.add_service_errors(errors)
        return cleaned


def answer_choices(allow_no_opinion: bool) -> list[tuple[str, str]]:
    """The five levels with their values 1..5 (DESIGN.md), then "no opinion" where allowed."""
    choices = [(str(value), str(label)) for value, label in Score.choices]
    if allow_no_opinion:
        choices.append((NO_OPINION, str(_("No opinion"))))
    return choices


def _group_label(group: RespondentGroup) -> str:
    return group.name_en if get_language() == "en" and group.name_en else group.name
