"""Background work for patents: inventory imports and their sweeper."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from patents.services import imports

# Only database hiccups are retried; the job row (not the message) is the source of truth, and
# the sweeper re-enqueues jobs whose worker died, so a lost message loses nothing.
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, max_retries=5)
def run_inventory_import(job_id: int) -> None:
    imports.run_import(job_id=job_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def requeue_stale_imports() -> list[int]:
    return imports.requeue_stale_imports()
