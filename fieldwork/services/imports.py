"""Importing paper forms from an Excel file: every row valid, then all rows in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from surveys.models import Campaign, Channel
from surveys.services import SubmissionError, response_submit

from ..models import ImportKind, ImportLog
from ..sheets import ErrorList, RowError, SheetRefused, sheet_read, workbook_bytes
from .paper import (
    active_groups,
    answers_given,
    campaign_questions,
    date_check,
    date_parse,
    group_find,
    score_parse,
)

COL_UNIT = "Mã đơn vị"
COL_GROUP = "Nhóm khách hàng"
COL_DATE = "Ngày"
COL_COMMENT = "Ý kiến"
COL_BATCH = "Số lô"
# response_submit names its error keys after its arguments; the sheet after its columns.
_COLUMN_OF = {
    "unit": COL_UNIT,
    "respondent_group": COL_GROUP,
    "answered_on": COL_DATE,
    "comment": COL_COMMENT,
    "__all__": "",
}


def sheet_columns(campaign: Campaign) -> list[str]:
    codes = [q.code for q in campaign_questions(campaign)]
    return [COL_UNIT, COL_GROUP, COL_DATE, *codes, COL_COMMENT, COL_BATCH]


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def responses_template(campaign: Campaign) -> bytes:
    """The blank paper-form sheet of a campaign: drop-down lists of its units' and the groups'
    Vietnamese names (the import reads a name as well as a code), and the codes beside them."""
    units = campaign.units.order_by("sort_order", "code").values_list("name", "code")
    groups = [(g.name, g.code) for g in active_groups()]
    unit_sheet, group_sheet = _("Units"), _("Groups")
    return workbook_bytes(
        _("Paper forms"),
        sheet_columns(campaign),
        {
            unit_sheet: [(_("Unit"), COL_UNIT), *units],
            group_sheet: [(_("Name"), _("Code")), *groups],
        },
        choices={COL_UNIT: (unit_sheet, 1), COL_GROUP: (group_sheet, 1)},
    )


@dataclass(frozen=True)
class _Row:
    number: int
    kwargs: dict


def _already_imported(kind: str, *checksums: str) -> RowError | None:
    earlier = (
        ImportLog.objects.filter(kind=kind)
        .filter(Q(checksum__in=checksums) | Q(content_checksum__in=checksums))
        .first()
    )
    if earlier is None:
        return None
    return RowError(
        0,
        "",
        _("This file was already imported on %(when)s (%(name)s); nothing was imported again.")
        % {
            "when": formats.date_format(timezone.localtime(earlier.imported_at), "d/m/Y H:i"),
            "name": earlier.filename,
        },
    )


def rows_checksum(rows: list[_Row]) -> str:
    """A digest of the forms themselves, whatever the file that carries them."""
    canonical = [
        [
            row.kwargs["unit"].code,
            row.kwargs["respondent_group"].code,
            row.kwargs["answered_on"].isoformat(),
            sorted(row.kwargs["answers"].items()),
            row.kwargs["comment"].strip(),
            row.kwargs["batch"],
        ]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def _rows_check(campaign: Campaign, data: bytes, questions: list) -> list[_Row]:
    codes = [q.code for q in questions]
    sheet = sheet_read(
        data, required=[COL_UNIT, COL_GROUP, COL_DATE, *codes], optional=[COL_COMMENT, COL_BATCH]
    )
    units = {u.code.casefold(): u for u in campaign.units.all()}
    # The template's drop-down writes the unit's name; a name never hides another unit's code.
    for unit in list(units.values()):
        units.setdefault(unit.name.casefold(), unit)
    groups = active_groups()
    today = timezone.localdate()
    errors = ErrorList()
    rows: list[_Row] = []
    for number, values in sheet.rows:
        row_errors: list[RowError] = []
        unit = units.get(str(values.get(COL_UNIT) or "").strip().casefold())
        if unit is None:
            row_errors.append(
                RowError(
                    number,
                    COL_UNIT,
                    _("unit code “%(code)s” is not part of this survey.")
                    % {"code": values.get(COL_UNIT) or ""},
                )
            )
        group = group_find(values.get(COL_GROUP), groups)
        if group is None:
            row_errors.append(
                RowError(number, COL_GROUP, _("write payer or budget_user (or the group's name)."))
            )
        day = date_parse(values.get(COL_DATE))
        problem = date_check(campaign, day, today)
        if problem:
            row_errors.append(RowError(number, COL_DATE, problem))
        answers = {}
        for question in questions:
            score, problem = score_parse(question, values.get(question.code))
            if problem:
                row_errors.append(RowError(number, question.code, problem))
            answers[question.code] = score
        answers = answers_given(answers)
        batch = str(values.get(COL_BATCH) or "").strip()
        if len(batch) > 50:
            row_errors.append(RowError(number, COL_BATCH, _("at most 50 characters.")))
        errors.extend(row_errors)
        if not row_errors:
            rows.append(
                _Row(
                    number,
                    {
                        "unit": unit,
                        "respondent_group": group,
                        "answered_on": day,
                        "answers": answers,
                        "comment": str(values.get(COL_COMMENT) or ""),
                        "batch": batch,
                    },
                )
            )
    if errors:
        raise SheetRefused(errors)
    return rows


class _Rollback(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    log: ImportLog
    created: int


def responses_import_message(result: ImportResult) -> str:
    return _("%(n)d forms imported from %(name)s.") % {
        "n": result.created,
        "name": result.log.filename,
    }


def responses_import(
    *,
    campaign: Campaign,
    data: bytes,
    filename: str,
    user: AbstractBaseUser | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import every row of a paper-form sheet, or none: raises SheetRefused with every error.

    `progress(percent, note)`, when given, hears how far it got (an import job's progress bar).
    """
    progress = progress or (lambda percent, note: None)
    progress(5, _("Checking the rows"))
    checksum = file_checksum(data)
    earlier = _already_imported(ImportKind.RESPONSES, checksum)
    if earlier:
        raise SheetRefused([earlier])
    questions = campaign_questions(campaign)
    rows = _rows_check(campaign, data, questions)
    content_checksum = rows_checksum(rows)
    earlier = _already_imported(ImportKind.RESPONSES, content_checksum)
    if earlier:
        raise SheetRefused([earlier])
    progress(40, _("Saving the forms"))
    step = max(len(rows) // 50, 1)
    try:
        with transaction.atomic():
            # First, so that the same file uploaded twice at once meets the unique checksum.
            log = ImportLog.objects.create(
                kind=ImportKind.RESPONSES,
                campaign=campaign,
                filename=filename[:255],
                checksum=checksum,
                content_checksum=content_checksum,
                rows=len(rows),
                created=len(rows),
                imported_by=user,
            )
            errors = ErrorList()
            for done, row in enumerate(rows):
                if done % step == 0:
                    progress(40 + 59 * done // len(rows), _("Saving the forms"))
                try:
                    # Rows were validated first and any failure rolls the whole file back, so
                    # per-row savepoints would only slow PostgreSQL down.
                    response_submit(
                        campaign=campaign,
                        channel=Channel.PAPER,
                        keyed_by=user if user and user.is_authenticated else None,
                        questions=questions,
                        savepoint=False,
                        **row.kwargs,
                    )
                except SubmissionError as exc:
                    errors.extend(
                        RowError(row.number, _COLUMN_OF.get(key, key), message)
                        for key, messages in exc.errors.items()
                        for message in messages
                    )
            if errors:
                raise _Rollback(errors)
    except _Rollback as exc:
        raise SheetRefused(exc.errors) from None
    except IntegrityError:
        earlier = _already_imported(ImportKind.RESPONSES, checksum, content_checksum)
        if earlier is None:
            raise
        raise SheetRefused([earlier]) from None
    return ImportResult(log, len(rows))
