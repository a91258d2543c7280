"""Celery tasks keeping the statistics current."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError, transaction

from dashboards import fragments, services

#: While this cache key exists a refresh is already queued; later requests add nothing.
PENDING_KEY = "dashboards:refresh-pending"
DEBOUNCE_SECONDS = 60


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def refresh_statistics() -> int:
    """Recompute the statistics (idempotent: the table is replaced, never appended to), then
    pre-render every dashboard for the new run so that no viewer waits for the rendering."""
    cache.delete(PENDING_KEY)
    run = services.refresh_statistics()
    fragments.warm(run)
    return run.rows


def request_refresh() -> bool:
    """Ask for a refresh soon after a write that changes figures, at most one per minute.

    Call it inside the writing transaction: the task is queued only once that commits. Returns
    whether a refresh was queued by this call.
    """
    if not cache.add(PENDING_KEY, "1", timeout=DEBOUNCE_SECONDS * 5):
        return False
    transaction.on_commit(
        lambda: refresh_statistics.apply_async(countdown=DEBOUNCE_SECONDS)  # type: ignore[attr-defined]
    )
    return True
