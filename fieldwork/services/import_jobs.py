"""Large uploads imported by a Celery worker, with progress; small ones stay in the request.

An upload whose first sheet holds more than IMPORT_ASYNC_ROWS rows (a setting) is checked by
the upload guard, stored under MEDIA_ROOT/imports/, and handed to a worker as an ImportJob; the
page polls its progress and shows the outcome: the same message as the request would have shown,
or the first problems and how many more. The import itself is the same service as the request's,
one transaction: a worker killed in the middle leaves nothing half-saved, and the job can be
retried. The same file sent again while its job waits or runs (a second click, a reused form)
finds that job instead of starting another (a partial unique constraint).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
import uuid
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kbnn_survey.progress import ProgressWriter

from ..models import ImportJob, ImportJobKind, ImportJobStatus
from ..sheets import MAX_ROWS, RowError, SheetRefused
from ..upload_guard import UploadRefused, xlsx_inspect

logger = logging.getLogger(__name__)

ACTIVE = [ImportJobStatus.PENDING, ImportJobStatus.RUNNING]
HEARTBEAT_SECONDS = 2.0
# A running job whose heartbeat is older than this lost its worker: it may be retried.
DEAD_AFTER = datetime.timedelta(seconds=30)
# Without a declared <dimension>, rows are estimated from the sheet's XML (a paper-form row of
# 15 cells is 400-600 bytes): only to choose the path, the row limit is still enforced.
BYTES_PER_ROW_ESTIMATE = 400

Progress = Callable[[int, str], None]


def async_threshold() -> int:
    return int(getattr(settings, "IMPORT_ASYNC_ROWS", 3000))


def rows_estimate(data: bytes) -> int:
    """Data rows of the first sheet (its declared dimension, else its size); refuses what the
    upload guard refuses (SheetRefused)."""
    try:
        inspection = xlsx_inspect(data, max_rows=MAX_ROWS + 1)
    except UploadRefused as exc:
        raise SheetRefused([RowError(0, "", str(exc))]) from None
    if inspection.rows is not None:
        return max(inspection.rows - 1, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            info for info in archive.infolist()
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename)
        ]  # fmt: skip
        first = min(sheets, key=lambda info: int(re.sub(r"\D", "", info.filename)))
        return first.file_size // BYTES_PER_ROW_ESTIMATE


def import_job_start_if_large(
    *, kind: str, data: bytes, filename: str, user=None, campaign=None
) -> ImportJob | None:
    """The job importing `data` when it is large (None: import it in the request)."""
    rows = rows_estimate(data)
    if rows <= async_threshold():
        return None
    return import_job_start(
        kind=kind, data=data, filename=filename, user=user, campaign=campaign, rows=rows
    )


def import_job_start(
    *, kind: str, data: bytes, filename: str, user=None, campaign=None, rows: int = 0
) -> ImportJob:
    checksum = hashlib.sha256(data).hexdigest()
    running = ImportJob.objects.filter(kind=kind, checksum=checksum, status__in=ACTIVE).first()
    if running is not None:
        return running
    name = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                campaign=campaign,
                filename=filename[:255],
                checksum=checksum,
                file=name,
                rows=rows,
                requested_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:  # the same file at the same moment: the other request's job
        default_storage.delete(name)
        return ImportJob.objects.get(kind=kind, checksum=checksum, status__in=ACTIVE)
    _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from ..tasks import import_job_run

    # robust: with the broker down the upload still succeeds; the page offers to retry.
    transaction.on_commit(lambda: import_job_run.delay(job_id), robust=True)


def import_job_retry(*, job: ImportJob, now: datetime.datetime | None = None) -> bool:
    """Send again a job whose worker died (stale heartbeat) or that failed; False otherwise."""
    now = now or timezone.now()
    again = (
        ImportJob.objects.filter(pk=job.pk)
        .filter(
            Q(status=ImportJobStatus.RUNNING, heartbeat_at__lt=now - DEAD_AFTER)
            | Q(status=ImportJobStatus.FAILED)
            | Q(status=ImportJobStatus.PENDING, created_at__lt=now - DEAD_AFTER)
        )
        .exclude(file="")
    )
    try:
        updated = again.update(status=ImportJobStatus.PENDING, progress=0, progress_note="")
    except IntegrityError:  # the same file was uploaded again meanwhile and is being imported
        return False
    if updated:
        _enqueue(job.pk)
    return bool(updated)


def import_job_is_stale(job: ImportJob) -> bool:
    if job.status == ImportJobStatus.RUNNING:
        return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - DEAD_AFTER
    if job.status == ImportJobStatus.PENDING:
        return job.created_at < timezone.now() - DEAD_AFTER
    return job.status == ImportJobStatus.FAILED and bool(job.file)


def _claim(job_id: int) -> int | None:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).update(
        status=ImportJobStatus.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now(),
        progress=0,
        progress_note="",
    )
    if claimed != 1:
        return None
    return ImportJob.objects.values_list("attempts", flat=True).get(pk=job_id)


def _owned(job_id: int, attempt: int):
    return ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.RUNNING, attempts=attempt)


class _ProgressWriter(ProgressWriter):
    """Progress and heartbeat of one attempt (kbnn_survey.progress): the import runs in one
    transaction, whose writes nobody sees before it ends."""

    def __init__(self, job_id: int, attempt: int):
        def save(percent: int, note: str) -> bool:
            return bool(
                _owned(job_id, attempt).update(
                    progress=percent, progress_note=note, heartbeat_at=timezone.now()
                )
            )

        super().__init__(save, name=f"import job {job_id}", interval=HEARTBEAT_SECONDS)


def _import_responses(job: ImportJob, data: bytes, progress: Progress) -> str:
    from .imports import responses_import, responses_import_message

    result = responses_import(
        campaign=job.campaign, data=data, filename=job.filename, user=job.requested_by,
        progress=progress,
    )  # fmt: skip
    return responses_import_message(result)


def _import_units(job: ImportJob, data: bytes, progress: Progress) -> str:
    from organisation.services.unit_import import units_import, units_import_message
    from surveys.scope import scope_for

    progress(10, _("Checking the rows"))
    return units_import_message(
        units_import(
            data=data,
            filename=job.filename,
            user=job.requested_by,
            # The uploader's region, as on the page (a command's job has no user: no limit).
            scope=scope_for(job.requested_by) if job.requested_by is not None else None,
        )
    )


IMPORTERS: dict[str, Callable[[ImportJob, bytes, Progress], str]] = {
    ImportJobKind.RESPONSES: _import_responses,
    ImportJobKind.UNITS: _import_units,
}


def import_job_execute(*, job_id: int) -> bool:
    """Claim and run one job. Safe to call any number of times: only one call imports."""
    attempt = _claim(job_id)
    if attempt is None:
        return False
    job = ImportJob.objects.select_related("campaign", "requested_by").get(pk=job_id)
    outcome: dict = {}
    with translation.override("vi"), _ProgressWriter(job_id, attempt) as writer:
        try:
            with default_storage.open(job.file.name, "rb") as stored:
                data = stored.read()
            outcome = {
                "status": ImportJobStatus.DONE,
                "message": IMPORTERS[job.kind](job, data, writer.update),
            }
        except SheetRefused as exc:
            outcome = {
                "status": ImportJobStatus.REFUSED,
                "errors": [[e.row, e.column, str(e.reason)] for e in exc.errors],
                "more_errors": exc.more,
            }
        except Exception as exc:
            logger.exception("import job %s failed", job_id)
            outcome = {
                "status": ImportJobStatus.FAILED,
                "message": _("Unexpected error while importing: %(error)s")
                % {"error": f"{type(exc).__name__}: {exc}"},
            }
    finished = _owned(job_id, attempt).update(
        progress=100, finished_at=timezone.now(), progress_note="", **outcome
    )
    if finished and outcome["status"] != ImportJobStatus.FAILED:
        # The forms are in the database (or refused): the file held personal answers.
        default_storage.delete(job.file.name)
        ImportJob.objects.filter(pk=job_id).update(file="")
    return bool(finished) and outcome["status"] == ImportJobStatus.DONE
