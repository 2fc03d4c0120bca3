from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    """A versioned question set. Once answered it is frozen: changes make a new version."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(pgettext_lazy("questionnaire", "version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """True once any response uses it: its questions may then never change."""
        from .responses import Answer

        return Answer.objects.filter(question__questionnaire=self).exists()


class Aspect(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="aspects",
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["questionnaire", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "name"], name="aspect_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Question(models.Model):
    """One criterion, answered 1..5 (or no opinion, stored as null, where allowed)."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    aspect = models.ForeignKey(
        Aspect,
        verbose_name=_("aspect"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
    )
    code = models.CharField(_("code"), max_length=16)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text in English"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_required = models.BooleanField(_("answer required"), default=True)
    allow_no_opinion = models.BooleanField(_("'no opinion' allowed"), default=True)
    is_overall = models.BooleanField(_("overall satisfaction question"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique"),
            # The overall question stands outside the aspects; every other question has one.
            models.CheckConstraint(
                condition=Q(is_overall=True, aspect__isnull=True)
                | Q(is_overall=False, aspect__isnull=False),
                name="question_overall_xor_aspect",
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(is_overall=True),
                name="question_one_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:60]}"

    @property
    def label(self) -> str:
        return self.text_en if get_language() == "en" and self.text_en else self.text
