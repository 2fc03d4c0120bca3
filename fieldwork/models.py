"""Paper forms keyed (once or twice), imported files, and signed portal requests already seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, RespondentGroup, Response, Unit


class KeyingBatch(models.Model):
    """A box of paper forms from one unit and respondent group, keyed on the keying page.

    With double entry two different operators key the whole box independently; the
    operators are claimed with conditional updates so that a third one cannot join.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    respondent_group = models.ForeignKey(
        RespondentGroup,
        verbose_name=_("respondent group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("batch"), max_length=50)
    double_entry = models.BooleanField(_("double entry"), default=False)
    first_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("batch of paper forms")
        verbose_name_plural = _("batches of paper forms")
        ordering = ["-created_at"]
        permissions = [("key_paper_forms", _("Can key and import paper forms"))]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="keying_batch_code"),
            models.CheckConstraint(
                condition=Q(second_operator__isnull=True)
                | ~Q(second_operator=models.F("first_operator")),
                name="keying_batch_two_operators",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class KeyedForm(models.Model):
    """One paper form as one operator typed it (pass 1 or 2). Not a response until settled."""

    batch = models.ForeignKey(
        KeyingBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="forms"
    )
    pass_no = models.PositiveSmallIntegerField(_("pass"))
    seq = models.PositiveIntegerField(_("form number"))
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("date on the form"))
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    keyed_at = models.DateTimeField(_("keyed at"), default=timezone.now)

    class Meta:
        verbose_name = _("keyed form")
        verbose_name_plural = _("keyed forms")
        ordering = ["batch", "seq", "pass_no"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "pass_no", "seq"], name="keyed_form_unique"),
            models.CheckConstraint(condition=Q(pass_no__in=[1, 2]), name="keyed_form_pass"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.seq} ({self.pass_no})"

    def content(self) -> dict[str, object]:
        """What two passes must agree on."""
        return {"answered_on": self.answered_on, **self.answers, "comment": self.comment.strip()}


class FormSettlement(models.Model):
    """A keyed form that counts: the response it became, and who settled any difference."""

    batch = models.ForeignKey(
        KeyingBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="settlements"
    )
    seq = models.PositiveIntegerField(_("form number"))
    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty when the two passes agreed (or with single entry): nobody had to decide.
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    had_differences = models.BooleanField(_("passes differed"), default=False)
    settled_at = models.DateTimeField(_("settled at"), default=timezone.now)

    class Meta:
        verbose_name = _("settled form")
        verbose_name_plural = _("settled forms")
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="form_settlement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.seq}"


class ImportKind(models.TextChoices):
    RESPONSES = "responses", _("Paper forms")
    INVITATIONS = "invitations", _("Invitation list")


class ImportLog(models.Model):
    """A file imported successfully. Its checksums refuse the same forms a second time."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    # The same forms saved again by Excel make a different file: the rows' digest catches them.
    content_checksum = models.CharField(_("SHA-256 of the rows"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("created"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        ordering = ["-imported_at"]
        constraints = [
            # Paper forms twice would count twice; an invitation list twice merely merges.
            models.UniqueConstraint(
                fields=["kind", "checksum"],
                condition=Q(kind="responses"),
                name="import_checksum_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "content_checksum"],
                condition=Q(kind="responses") & ~Q(content_checksum=""),
                name="import_content_checksum_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class PortalRequest(models.Model):
    """Signatures of portal requests already accepted, to refuse a replay within the window."""

    signature = models.CharField(_("signature"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("portal request")
        verbose_name_plural = _("portal requests")

    def __str__(self) -> str:
        return self.signature[:12]


class OptOut(models.Model):
    """An e-mail address that asked for no more survey e-mails, kept only as a keyed hash
    (fieldwork.services.retention.email_hash): once invitees' addresses are erased after the
    round, next year's invitation list still honours it."""

    email_hash = models.CharField(_("e-mail (keyed hash)"), max_length=64, unique=True)
    opted_out_on = models.DateField(_("opted out on"))

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")

    def __str__(self) -> str:
        return self.email_hash[:12]


class ImportJobKind(models.TextChoices):
    RESPONSES = "responses", _("Paper forms")
    UNITS = "units", _("Unit sheet")


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Stopped by an error")


class ImportJob(models.Model):
    """A large upload imported by a worker (fieldwork.services.import_jobs): the stored file,
    its progress, then the outcome (the message, or the first problems and how many more).
    The file is deleted once the job ends."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportJobKind.choices)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default="pending"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    message = models.TextField(_("result"), blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    more_errors = models.PositiveIntegerField(_("problems not listed"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same file sent again (a second click, a reused form) while it is imported
            # finds this job instead of starting another one.
            models.UniqueConstraint(
                fields=["kind", "checksum"],
                condition=Q(status__in=["pending", "running"]),
                name="import_job_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def finished(self) -> bool:
        return self.status in (
            ImportJobStatus.DONE, ImportJobStatus.REFUSED, ImportJobStatus.FAILED
        )  # fmt: skip
