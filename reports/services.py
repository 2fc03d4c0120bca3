"""Writes of the reports app: request, claim, compile, finish, lock and re-queue report runs.

A run moves pending → running → done | failed. Every transition is a conditional UPDATE, so
two workers handed the same run (acks_late redelivery, a re-queue, a double click) never both
build it, and a worker that was presumed dead and comes back cannot overwrite its successor:
each attempt carries its number and only writes while the row still has that number.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kbnn_survey.progress import ProgressWriter
from surveys.models import Campaign, CampaignStatus, Unit

from .comparison import rounds_of_year
from .document import ConversionError, document_write, pdf_convert, pdf_verify
from .exporters import workbook_write
from .exporters.workbook import CorruptFileError, DataChangedError, package_verify
from .models import ReportRun, ReportStatus, report_upload_to
from .snapshot import snapshot

FORMATS = ("xlsx", "docx", "pdf")
VARIANTS = ("internal", "official")

logger = logging.getLogger(__name__)

# A pending run older than this lost its message: beat (every 5 minutes) sends it again.
STALE_AFTER = datetime.timedelta(minutes=5)
HEARTBEAT_SECONDS = 5.0
# A running run whose heartbeat is older than this (six missed beats) is taken for dead and
# re-queued, by beat and by the watchdog every worker runs (reports/watchdog.py), so a killed
# worker's run resumes within DEAD_AFTER + the watchdog's period, beat or no beat.
DEAD_AFTER = datetime.timedelta(seconds=30)
MAX_ATTEMPTS = 3


class ReportError(Exception):
    """A request that cannot be carried out; the message is for the user."""


class Superseded(Exception):
    """This attempt no longer owns the run (it was re-queued and claimed by another worker)."""


def _enqueue(run_id: int) -> None:
    from .tasks import compile_report

    # robust: with the broker down the request still succeeds; the run stays pending and the
    # periodic re-queue (report_requeue_stale) sends it again later.
    transaction.on_commit(lambda: compile_report.delay(run_id), robust=True)


def report_request(
    *,
    campaign: Campaign | None = None,
    user=None,
    reason: str = "manual",
    variant: str = "internal",
    fmt: str = "xlsx",
    unit: Unit | None = None,
    year: int | None = None,
    root: Unit | None = None,
) -> ReportRun:
    """Create a pending run and hand it to a worker once the transaction commits.

    `variant`: internal (every sheet) or official (for Sở Nội vụ); `fmt`: xlsx (the workbook),
    docx or pdf (the written report); `unit`: limit the report to that unit's subtree. Either
    `campaign` (one round) or `year` (its non-draft rounds, of `root` or of every root).
    """
    if variant not in VARIANTS or fmt not in FORMATS:
        raise ReportError(_("Unknown kind of report."))
    if (campaign is None) == (year is None):
        raise ReportError(_("Choose either a campaign or a year."))
    if year is not None and not rounds_of_year(year, root=root):
        raise ReportError(_("There is no campaign in %(year)d to report on.") % {"year": year})
    params = {"reason": reason, "variant": variant, "format": fmt}
    if unit is not None:
        params["unit_id"] = unit.pk
    run = ReportRun.objects.create(
        campaign=campaign, year=year, root=root, requested_by=user, params=params
    )
    _enqueue(run.pk)
    return run


def run_format(run: ReportRun) -> str:
    return (run.params or {}).get("format", "xlsx")


def run_variant(run: ReportRun) -> str:
    return (run.params or {}).get("variant", "internal")


def run_unit(run: ReportRun) -> Unit | None:
    unit_id = (run.params or {}).get("unit_id")
    return Unit.objects.filter(pk=unit_id).first() if unit_id else None


def run_is_lockable(run: ReportRun) -> bool:
    """Only what is sent to Sở Nội vụ is locked: the official workbook or the written report."""
    return run_format(run) in ("docx", "pdf") or run_variant(run) == "official"


def report_claim(*, run_id: int) -> int | None:
    """pending → running for this worker; returns the attempt number, None if not ours."""
    now = timezone.now()
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        progress_note="",
        error="",
    )
    if claimed != 1:
        return None
    return ReportRun.objects.values_list("attempts", flat=True).get(pk=run_id)


def _owned(run_id: int, attempt: int):
    return ReportRun.objects.filter(pk=run_id, status=ReportStatus.RUNNING, attempts=attempt)


class _ProgressWriter(ProgressWriter):
    """Saves progress and the heartbeat of one attempt (kbnn_survey.progress); an update after
    another attempt took the run over stops the compile (Superseded)."""

    def __init__(self, run_id: int, attempt: int):
        def save(percent: int, note: str) -> bool:
            return bool(
                _owned(run_id, attempt).update(
                    progress=percent, progress_note=note, heartbeat_at=timezone.now()
                )
            )

        super().__init__(save, name=f"report-{run_id}", interval=HEARTBEAT_SECONDS)

    def update(self, percent: int, note: str) -> None:
        super().update(percent, note)
        if self.superseded:
            raise Superseded


def plain_error(exc: BaseException) -> str:
    """What went wrong, in words a user can act on (Vietnamese by default)."""
    with translation.override("vi"):
        if isinstance(exc, CorruptFileError):
            return _(
                "The finished file did not read back correctly (%(part)s: %(reason)s); it was "
                "not kept. Please report this to the administrator."
            ) % {"part": exc.part, "reason": exc.reason}
        if isinstance(exc, ConversionError):
            return _("The PDF could not be produced: %(reason)s") % {"reason": exc}
        if isinstance(exc, DataChangedError):
            return _(
                "The data changed while the report was being compiled. Please request it again."
            )
        if isinstance(exc, DatabaseError):
            return _("The database could not be read (%(error)s). Please try again later.") % {
                "error": str(exc).strip().splitlines()[0]
                if str(exc).strip()
                else type(exc).__name__
            }
        if isinstance(exc, OSError):
            return _("The report file could not be written (%(error)s).") % {"error": exc}
        return _("Unexpected error while compiling the report: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"
        }


def download_name(run: ReportRun) -> str:
    """Readable Vietnamese file name for the download."""
    day = timezone.localtime(run.finished_at or run.created_at).date()
    fmt = run_format(run)
    kind = "Báo cáo kết quả khảo sát" if fmt != "xlsx" else "Báo cáo khảo sát sự hài lòng"
    unit = run_unit(run)
    where = f" - {unit.name}" if unit else ""
    official = " - bản chính thức" if fmt == "xlsx" and run_variant(run) == "official" else ""
    period = run.campaign.name if run.campaign_id else run.period_name
    return f"{kind}{official} - {period}{where} - {day:%d-%m-%Y} - số {run.pk}.{fmt}"


def report_file_write(
    *,
    campaign: Campaign | None = None,
    path: Path,
    fmt: str = "xlsx",
    variant: str = "internal",
    unit: Unit | None = None,
    run_id: int | None = None,
    progress=None,
    year: int | None = None,
    root: Unit | None = None,
) -> None:
    """Write one report file at `path` and read it back; raises if it is not whole.

    A round's report (`campaign`), or a year's (`year`, of `root` or of every root).

    The data is read in one snapshot; the PDF is converted from the DOCX after it closes (the
    conversion can take a while and needs no database).
    """
    if fmt == "xlsx":
        with open(path, "wb") as out, snapshot():
            workbook_write(
                campaign=campaign, out=out, progress=progress, variant=variant, unit=unit,
                run_id=run_id, year=year, root=root,
            )  # fmt: skip
        if progress:
            with translation.override("vi"):
                progress(99, _("Reading the file back"))
        package_verify(path)
        return
    docx = path if fmt == "docx" else path.with_suffix(".docx")
    with open(docx, "wb") as out, snapshot():
        document_write(
            campaign=campaign, out=out, progress=progress, unit=unit, run_id=run_id, year=year,
            root=root,
        )  # fmt: skip
    package_verify(docx)
    if fmt == "pdf":
        if progress:
            with translation.override("vi"):
                progress(90, _("Converting to PDF"))
        pdf_convert(docx, path)
        pdf_verify(path)


def work_root() -> Path:
    """Where runs write their files before storing them: beside the media, so that what a killed
    worker left is found again (by the run's next attempt, or the watchdog at start) and removed."""
    return Path(getattr(settings, "REPORT_WORK_ROOT", "") or Path(settings.MEDIA_ROOT) / ".work")


def _workdirs_remove(run_id: int) -> None:
    root = work_root()
    if root.is_dir():
        for leftover in root.glob(f"report-{run_id}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def report_workdirs_sweep() -> list[int]:
    """Remove the work directories of runs that no live attempt owns (not running, or running
    with a dead heartbeat); a worker calls it when it starts. Returns the runs cleaned."""
    root = work_root()
    if not root.is_dir():
        return []
    found: dict[int, list[Path]] = {}
    for path in root.glob("report-*-*"):
        run_id = path.name.split("-")[1]
        if run_id.isdigit():
            found.setdefault(int(run_id), []).append(path)
    alive = set(
        ReportRun.objects.filter(
            pk__in=found, status=ReportStatus.RUNNING,
            heartbeat_at__gte=timezone.now() - DEAD_AFTER,
        ).values_list("pk", flat=True)
    )  # fmt: skip
    cleaned = sorted(set(found) - alive)
    for run_id in cleaned:
        for path in found[run_id]:
            shutil.rmtree(path, ignore_errors=True)
    return cleaned


def report_run_execute(*, run_id: int) -> bool:
    """Claim and build one run. Safe to call any number of times: only one call builds it."""
    attempt = report_claim(run_id=run_id)
    if attempt is None:
        return False
    run = ReportRun.objects.select_related("campaign", "root").get(pk=run_id)
    fmt = run_format(run)
    # Everything is written in a private directory removed at the end, whatever happens; what an
    # earlier attempt killed on the way left is removed first.
    _workdirs_remove(run_id)
    work_root().mkdir(parents=True, exist_ok=True)
    workdir = tempfile.TemporaryDirectory(prefix=f"report-{run_id}-", dir=work_root())
    path = Path(workdir.name) / f"report.{fmt}"
    try:
        with _ProgressWriter(run_id, attempt) as writer:
            report_file_write(
                campaign=run.campaign, path=path, fmt=fmt, variant=run_variant(run),
                unit=run_unit(run), run_id=run.pk, progress=writer.update, year=run.year,
                root=run.root,
            )  # fmt: skip
        return _finish(run, attempt, str(path))
    except Superseded:
        logger.warning("report %s attempt %s was superseded", run_id, attempt)
        return False
    except Exception as exc:
        logger.exception("report %s failed", run_id)
        if not connection.in_atomic_block:
            close_old_connections()  # drop a connection the failure broke, before the update
        _owned(run_id, attempt).update(
            status=ReportStatus.FAILED, error=plain_error(exc), finished_at=timezone.now()
        )
        return False
    finally:
        workdir.cleanup()


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _finish(run: ReportRun, attempt: int, path: str) -> bool:
    checksum = _sha256(path)
    with open(path, "rb") as f:
        name = default_storage.save(
            report_upload_to(run, f"bao-cao-{run.slug}.{run_format(run)}"), File(f)
        )
    done = _owned(run.pk, attempt).update(
        status=ReportStatus.DONE,
        file=name,
        checksum=checksum,
        progress=100,
        progress_note="",
        finished_at=timezone.now(),
    )
    if not done:  # superseded at the last moment: leave the run to its new owner
        default_storage.delete(name)
        return False
    return True


def report_lock(*, run: ReportRun, user) -> ReportRun:
    """Mark a done run as the version sent to Sở Nội vụ (who, when). Once only.

    Only the official workbook or the written report is sent, hence lockable.
    """
    if not run_is_lockable(run):
        raise ReportError(_("Only the official workbook or the written report can be locked."))
    locked = ReportRun.objects.filter(
        pk=run.pk, status=ReportStatus.DONE, locked_at__isnull=True
    ).update(locked_at=timezone.now(), locked_by=user)
    if not locked:
        if run.is_locked:
            raise ReportError(_("This report is already locked."))
        raise ReportError(_("Only a finished report can be locked."))
    run.refresh_from_db()
    return run


def report_delete(*, run: ReportRun) -> None:
    """Delete a run and its file; a locked run (the version sent) is never deleted."""
    deleted, _unused = ReportRun.objects.filter(pk=run.pk, locked_at__isnull=True).delete()
    if not deleted:
        raise ReportError(_("A locked report is never deleted."))
    if run.file:
        transaction.on_commit(lambda: default_storage.delete(run.file.name))


@dataclass(frozen=True)
class RequeueResult:
    requeued: list[int]
    failed: list[int]


def report_requeue_stale(*, now: datetime.datetime | None = None) -> RequeueResult:
    """Pick up runs whose worker died: running with a dead heartbeat, or pending for too long.

    A dead run goes back to pending (conditionally, so two schedulers cannot both re-queue it)
    and is handed to a worker again; after MAX_ATTEMPTS it fails with a plain message.
    """
    now = now or timezone.now()
    lost = list(
        ReportRun.objects.filter(
            status=ReportStatus.PENDING, created_at__lt=now - STALE_AFTER
        ).values_list("pk", flat=True)
    )
    dead = report_requeue_dead(now=now)
    for pk in lost:
        _enqueue(pk)  # the message was lost: send it again; claiming dedupes
    return RequeueResult(sorted([*lost, *dead.requeued]), dead.failed)


def report_requeue_dead(*, now: datetime.datetime | None = None) -> RequeueResult:
    """Running runs whose heartbeat stopped more than DEAD_AFTER ago: their worker died.

    Called by beat (through report_requeue_stale) and every few seconds by each worker's
    watchdog; the conditional update lets only one of them re-queue a run.
    """
    now = now or timezone.now()
    cutoff = now - DEAD_AFTER
    requeued, failed = [], []
    dead = ReportRun.objects.filter(
        status=ReportStatus.RUNNING, heartbeat_at__lt=cutoff
    ).values_list("pk", "attempts")
    for pk, attempts in dead:
        same = ReportRun.objects.filter(pk=pk, status=ReportStatus.RUNNING, heartbeat_at__lt=cutoff)
        if attempts >= MAX_ATTEMPTS:
            with translation.override("vi"):
                error = _("The report stopped %(n)d times without finishing; it was abandoned.")
            if same.update(status=ReportStatus.FAILED, error=error % {"n": attempts}):
                failed.append(pk)
                _workdirs_remove(pk)
            continue
        with translation.override("vi"):
            note = _("Restarting after an interrupted attempt")
        if same.update(status=ReportStatus.PENDING, progress_note=note):
            requeued.append(pk)
            _enqueue(pk)
    return RequeueResult(requeued, failed)


def reports_schedule(*, today: datetime.date | None = None) -> list[ReportRun]:
    """The nightly compile: every open campaign, and each closed campaign once after it closes."""
    today = today or timezone.localdate()
    # Year runs have no campaign: a NULL in a NOT IN would exclude every campaign.
    runs_of_rounds = ReportRun.objects.filter(campaign__isnull=False)
    busy = runs_of_rounds.filter(status__in=[ReportStatus.PENDING, ReportStatus.RUNNING])
    runs = []
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.OPEN, closes_on__gte=today
    ).exclude(pk__in=busy.values("campaign_id")):
        runs.append(report_request(campaign=campaign, reason="nightly"))
    closed = Campaign.objects.filter(
        Q(status=CampaignStatus.CLOSED) | Q(status=CampaignStatus.OPEN, closes_on__lt=today)
    ).exclude(pk__in=runs_of_rounds.filter(params__reason="closed").values("campaign_id"))
    for campaign in closed:
        runs.append(report_request(campaign=campaign, reason="closed"))
    return runs
