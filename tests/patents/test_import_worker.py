"""A real Celery worker imports a file; killed half way, the job resumes: no loss, no duplicate."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from benchmarks.generate_inventory import write_inventory
from patents.models import ImportJob, Patent, PatentChange
from patents.services import imports
from tests.fixtures.worker import wait_for

pytestmark = pytest.mark.worker
ROWS = 6000  # three chunks: enough to kill the worker between two of them


def test_worker_killed_mid_import_resumes_to_the_clean_result(
    celery_worker, univ_a_staff, tmp_path, settings
):
    # The worker process stores and reads files under its own (default) MEDIA_ROOT.
    settings.MEDIA_ROOT = settings.BASE_DIR / "media"
    path = write_inventory(ROWS, tmp_path / "inventory.xlsx")
    with transaction.atomic():
        job = imports.start_import(
            organisation=univ_a_staff.organisation,
            file=SimpleUploadedFile(path.name, path.read_bytes()),
            by=univ_a_staff,
        )
    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).processed_rows >= imports.CHUNK_ROWS,
        timeout=120,
        interval=0.05,
        message="the worker never committed a first chunk",
    )
    celery_worker.kill()
    killed = ImportJob.objects.get(pk=job.pk)
    assert killed.status == "running" and killed.processed_rows < ROWS

    celery_worker.start()
    assert imports.requeue_stale_imports(stale_after=datetime.timedelta(0)) == [job.pk]
    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).status == "done",
        timeout=180,
        message="the resumed import never finished",
    )
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.processed_rows == ROWS
    assert job.created_count + job.error_count == ROWS
    assert Patent.objects.count() == job.created_count
    # Each record's creation is its created_by_import (shown as its first history entry).
    assert Patent.objects.filter(created_by_import=job).count() == job.created_count
    assert not PatentChange.objects.exists()
    assert job.row_errors.values("row_number").distinct().count() == job.error_count
