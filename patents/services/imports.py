"""Inventory uploads: accept a file, import it in chunks (resumably), and the template.

Flow: `start_import` (in the request) checks the file and stores it with a PENDING ImportJob,
then enqueues `run_import` on commit. `run_import` claims the job with a compare-and-set, reads the
file again and writes chunks of CHUNK_ROWS rows, each in its own transaction together with the
job's progress counters, so a job killed at any point resumes from the last committed chunk.
`requeue_stale_imports` (periodic) hands RUNNING jobs whose heartbeat stopped back to a worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import logging
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import PATENT_OWNER_KINDS, Organisation, Role, User
from patents.importing import pipeline, template
from patents.importing.files import open_spreadsheet
from patents.importing.rows import fold
from patents.importing.rules import rule_row_errors
from patents.importing.upsert import (
    ImportContext,
    insert_prepared,
    new_record_errors,
    prepare_new_records,
    search_text,
    upsert_chunk,
)
from patents.models import ImportJob, ImportRowError, ImportStatus, Patent
from patents.search import flush_search_index
from refdata.models import Industry

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
MAX_ATTEMPTS = 5
# Database hiccups: the task retries them (patents.tasks), so the job goes back to PENDING.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
IMPORTER_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.COLLEGE_STAFF})


def may_import(user: User) -> bool:
    return (
        user.is_authenticated
        and user.org_kind in PATENT_OWNER_KINDS
        and user.role in IMPORTER_ROLES
        and (user.role != Role.COLLEGE_STAFF or user.department_id is not None)
    )


def start_import(*, organisation: Organisation, file: UploadedFile, by: User) -> ImportJob:
    """Check an uploaded inventory and queue its import.

    Callers: admin, staff or college staff of the owning university or research institute
    (else PermissionDenied). A bad file raises ValidationError (code and message say why) and
    nothing is written. The file is kept with the job for audit.
    """
    if not may_import(by) or by.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only staff of a university or research institute may upload."))
    name = file.name or "inventory"
    size = file.size or 0
    sheet = open_spreadsheet(file, name=name, size=size, rows_needed=False)
    file.seek(0)
    digest = hashlib.sha256()
    for block in file.chunks():
        digest.update(block)
    file.seek(0)
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            uploaded_by=by,
            file=file,
            original_name=name[:255],
            size_bytes=size,
            sha256=digest.hexdigest(),
            formula_free=not sheet.formula_cells,
            language=translation.get_language() or "zh-hans",
            total_rows=sheet.data_rows,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from patents.tasks import run_inventory_import

    run_inventory_import.delay(job_id)


def run_import(*, job_id: int) -> None:
    """Do (or resume) the import of one job; safe to call twice, or concurrently."""
    job = _claim(job_id)
    if job is None:
        return  # done already, or another worker holds it
    try:
        with translation.override(job.language):
            _import(job)
    except TRANSIENT_ERRORS:
        # Leave the job to the task's retry (or the sweeper): committed chunks stay committed.
        ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
            status=ImportStatus.PENDING
        )
        raise
    except Exception:
        # Anything else is a bug that running the job again would only repeat: end it, say so
        # on its page, and keep the traceback for the operators. The chunk being written was
        # rolled back as a whole; the chunks committed before it stay, as their rows say.
        logger.exception("inventory import %s failed", job.pk)
        with translation.override(job.language):
            message = _(
                "The import stopped on an unexpected error after %(rows)s rows; the rows saved "
                "before it are kept. The error was logged: please tell the platform's "
                "administrators about this upload."
            ) % {"rows": ImportJob.objects.get(pk=job.pk).processed_rows}
        _finish(job, ImportStatus.FAILED, file_error=message)


def _claim(job_id: int) -> ImportJob | None:
    """Compare-and-set PENDING → RUNNING; `attempts` then fences off an older, slower worker."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.PENDING:
            return None
        job.status = ImportStatus.RUNNING
        job.attempts += 1
        job.heartbeat_at = timezone.now()
        job.started_at = job.started_at or job.heartbeat_at
        job.save(update_fields=["status", "attempts", "heartbeat_at", "started_at"])
    return job


def _import(job: ImportJob) -> None:
    assert job.started_at is not None  # set by _claim
    context = ImportContext(
        organisation_id=job.organisation_id,
        user_id=job.uploaded_by_id,
        job_id=job.pk,
        college_id=_college_of(job.uploaded_by),
        industry_names=dict(Industry.objects.values_list("code", "name")),
        # The day the job started, not the day this attempt did: a job resumed after midnight
        # judges the rest of its rows as it judged the rows it committed before.
        today=timezone.localdate(job.started_at),
    )
    spec = pipeline.ReadSpec(
        open_file=functools.partial(job.file.open, "rb"),
        name=job.original_name,
        size=job.size_bytes,
        language=job.language,
        departments={
            fold(name): pk for pk, name in job.organisation.departments.values_list("pk", "name")
        },
        industries=frozenset(context.industry_names),
        chunk_rows=CHUNK_ROWS,
        skip_rows=job.processed_rows,
        search_text=functools.partial(search_text, context),
        today=context.today,
        sha256=job.sha256,
        formula_free=job.formula_free,
    )
    try:
        # The forked reader inherits the collector's settings along with everything else.
        with pipeline.bulk_gc(), _reader(job, spec, context) as (headers, chunks):
            for chunk in chunks:
                if not _write_chunk(job, context, headers, chunk):
                    return  # fenced off: another attempt owns the job now
    except pipeline.FileRejected as exc:
        # The file passed these checks on upload; refusing now means the settings changed.
        _finish(job, ImportStatus.REJECTED, file_error=" ".join(exc.messages))
        return
    flush_search_index()
    _finish(job, ImportStatus.DONE)


@contextlib.contextmanager
def _reader(
    job: ImportJob, spec: pipeline.ReadSpec, context: ImportContext
) -> Iterator[tuple[dict[str, str], Iterator[pipeline.ParsedChunk]]]:
    """Read in a forked process when it pays (more than a chunk to go, fork available, enabled),
    which on PostgreSQL also writes the COPY text of the rows that look new; in this process
    otherwise (small files, tests, platforms without fork)."""
    remaining = job.total_rows - job.processed_rows
    if (
        getattr(settings, "INVENTORY_IMPORT_FORK", True)
        and hasattr(os, "fork")
        and remaining > spec.chunk_rows
    ):
        if connection.vendor == "postgresql":
            # Rows that look new: numbers the institution did not hold when the job started
            # (the insert still checks, see upsert.insert_prepared).
            held = Patent.objects.filter(organisation_id=context.organisation_id)
            spec = dataclasses.replace(
                spec,
                prepare=functools.partial(prepare_new_records, context),
                held=frozenset(held.values_list("application_no", flat=True)),
                check_new=functools.partial(new_record_errors, context),
            )
        with pipeline.forked(spec) as (headers, chunks):
            yield headers, pipeline.prefetch(chunks)
    else:
        yield pipeline.read(spec)


def _college_of(user: User | None) -> int | None:
    if user is not None and user.role == Role.COLLEGE_STAFF:
        return user.department_id
    return None


def _write_chunk(
    job: ImportJob,
    context: ImportContext,
    headers: dict[str, str],
    chunk: pipeline.ParsedChunk,
) -> bool:
    """Write one validated chunk with the job's counters, atomically; False if fenced off."""
    errors = [_row_error(job, error) for error in chunk.errors]
    valid = chunk.valid
    created = 0
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if (locked.status, locked.attempts) != (ImportStatus.RUNNING, job.attempts):
            return False
        if locked.processed_rows > chunk.position:
            return True  # this chunk was committed by an earlier attempt
        # One import at a time per institution: the records' unique key is per institution.
        Organisation.objects.select_for_update().filter(pk=job.organisation_id).first()
        if connection.vendor == "postgresql":
            # Don't wait for the WAL flush at each chunk's commit: a server crash can lose only
            # the last chunks as a whole, with the job's counters in the same transaction, so
            # the resumed job redoes exactly those. Atomicity and isolation are unchanged.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                # Every query here looks rows up by key. While an institution's first big
                # import grows its records from none, the statistics still say "none" and the
                # planner reads all its rows for each chunk (a bitmap scan on the institution
                # alone: 40 times slower at 100,000 rows); the unique index is always right.
                cursor.execute("SET LOCAL enable_seqscan TO off")
                cursor.execute("SET LOCAL enable_bitmapscan TO off")
        if chunk.prepared is not None:
            if insert_prepared(chunk.prepared):
                created = len(chunk.prepared.lines)
            else:  # one of them exists by now: write them all the careful way below
                valid = {**valid, **chunk.prepared.unpack()}
        errors += _other_college_errors(context, valid, headers)
        outcome = upsert_chunk(
            context,
            [(number, values) for number, (_row, values) in valid.items()],
            chunk.search_texts,
        )
        for number, rules in outcome.rejected.items():
            row, values = valid[number]
            errors += [_row_error(job, e) for e in rule_row_errors(row, rules, headers, values)]
        ImportRowError.objects.bulk_create(errors, ignore_conflicts=True)
        job.processed_rows = chunk.position + chunk.size
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=job.processed_rows,
            created_count=F("created_count") + created + outcome.created,
            updated_count=F("updated_count") + outcome.updated,
            unchanged_count=F("unchanged_count") + outcome.unchanged,
            error_count=F("error_count") + len({error.row_number for error in errors}),
            heartbeat_at=timezone.now(),
        )
    return True


def _row_error(job: ImportJob, error: pipeline.RenderedError) -> ImportRowError:
    row, column, value, code, params, message = error
    return ImportRowError(
        job_id=job.pk, row_number=row, column=column, value=value[:2000], code=code,
        params=params, message=message,
    )  # fmt: skip


def _other_college_errors(
    context: ImportContext, valid: dict[str, tuple[int, dict[str, Any]]], headers: dict[str, str]
) -> list[ImportRowError]:
    """College staff may not touch another college's records: reject (and drop) those rows."""
    if context.college_id is None or not valid:
        return []
    from patents.importing.messages import render

    others = (
        Patent.objects.filter(organisation_id=context.organisation_id, application_no__in=valid)
        .exclude(department_id=context.college_id)
        .values_list("application_no", "department__name")
    )
    errors = []
    for number, department in others:
        row_number, _values = valid.pop(number)
        params = {"department": department or "—"}
        errors.append(
            ImportRowError(
                job_id=context.job_id, row_number=row_number, column=headers["application_no"],
                value=number, code="other_department", params=params,
                message=render("other_department", params),
            )
        )  # fmt: skip
    return errors


def _finish(job: ImportJob, status: str, *, file_error: str = "") -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=status, file_error=file_error, finished_at=now, heartbeat_at=now
    )


def requeue_stale_imports(*, stale_after: datetime.timedelta | None = None) -> list[int]:
    """Hand jobs whose worker died (RUNNING, silent heartbeat) or whose message was lost
    (PENDING for long) back to a worker; give up after MAX_ATTEMPTS. Returns the requeued ids."""
    seconds = int(getattr(settings, "INVENTORY_IMPORT_STALE_SECONDS", 300))
    if stale_after is None:
        stale_after = datetime.timedelta(seconds=seconds)
    cutoff = timezone.now() - stale_after
    stale = ImportJob.objects.filter(
        Q(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=ImportStatus.PENDING, created_at__lt=cutoff)
    )
    requeued = []
    for job_id, attempts in stale.values_list("pk", "attempts"):
        same = stale.filter(pk=job_id, attempts=attempts)  # compare-and-set on the same attempt
        if attempts >= MAX_ATTEMPTS:
            with translation.override(None):
                same.update(
                    status=ImportStatus.FAILED,
                    finished_at=timezone.now(),
                    file_error=_("The import failed repeatedly; the rows saved so far are kept."),
                )
        elif same.update(status=ImportStatus.PENDING):
            transaction.on_commit(functools.partial(_enqueue, job_id))
            requeued.append(job_id)
    return requeued


def import_template(lang: str) -> bytes:
    """The upload template (.xlsx): the header row in `lang` (zh-hans or en) on an otherwise
    empty first sheet, examples and notes on a second."""
    return template.build_template("en" if lang.startswith("en") else "zh-hans")
