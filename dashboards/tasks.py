"""Celery tasks keeping the statistics current, and how writes ask for them.

Writes to the tables the figures count ask for a refresh (`dashboards.watch`). With a worker, the
request queues one refresh a few seconds after the commit; later requests join it until it starts.
In process (the demo, no worker), the refresh runs at the start of the next request instead
(`dashboards.middleware`), before anything shows a figure.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction

from dashboards import fragments, services

logger = logging.getLogger(__name__)

#: How long a queued refresh may wait for a worker before later writes queue another one; a lost
#: task thus holds refreshes back this long at most (the beat refreshes every 15 minutes anyway).
PENDING_GRACE_SECONDS = 300


def pending_key() -> str:
    """While this cache key exists a refresh is queued; later requests add nothing. Per database,
    like the sections cache: test databases (or sites) may share one Redis."""
    return f"dashboards:refresh-pending:{connection.settings_dict['NAME']}"


@shared_task(
    bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True
)
def refresh_statistics(self: Task) -> int:  # type: ignore[type-arg]
    """Recompute the statistics (idempotent: the table is replaced, never appended to), then
    pre-render every dashboard for the new run so that no viewer waits for the rendering.

    In process the rendering is left to each page's first viewer: 64 renders would otherwise
    be paid for by whichever request ran the refresh."""
    # Cleared first: a write committed while this runs may be missed by it, so it queues the next.
    cache.delete(pending_key())
    run = services.refresh_statistics()
    if not self.request.is_eager:
        fragments.warm(run)
    return run.rows


def in_process() -> bool:
    """Whether tasks run in the calling process (no worker: the demo, unit tests)."""
    return bool(refresh_statistics.app.conf.task_always_eager)


def request_refresh(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Ask for a refresh once the current transaction commits (at once in autocommit).

    Cheap enough for every write: one request per transaction, and none from a transaction that
    rolls back. Returns whether this call added a request.
    """
    db = connections[using]
    if db.in_atomic_block:
        # One callback per transaction: Django drops those of a rolled-back savepoint from
        # run_on_commit, so finding ours there means it still stands.
        if any(entry[1] is queue_refresh for entry in db.run_on_commit):  # (savepoints, func, ...)
            return False
    elif not db.get_autocommit():
        return False  # manual transaction management: nothing to hook; the beat catches up
    # Robust: a failure to queue (Redis down) is logged, never turned into a failed write.
    transaction.on_commit(queue_refresh, using=using, robust=True)
    return True


def queue_refresh() -> bool:
    """Queue one refresh in DASHBOARDS_REFRESH_DELAY seconds unless one is pending already (then
    it will see this write too); in process, mark it for the next request. Returns whether this
    call queued or marked one."""
    delay = settings.DASHBOARDS_REFRESH_DELAY
    # In process nothing can lose the mark, and it must last until a request runs the refresh.
    timeout = None if in_process() else delay + PENDING_GRACE_SECONDS
    if not cache.add(pending_key(), "1", timeout=timeout):
        return False
    if not in_process():
        refresh_statistics.apply_async(countdown=delay)  # type: ignore[attr-defined]
    return True


def run_requested_refresh() -> bool:
    """In process only: run the refresh that writes asked for, if any. Called before a request
    is handled, never from the write itself: that would run it from the commit callback of an
    autocommit write, between the statement and the reading of its RETURNING rows, which
    SQLite (the demo's database) refuses."""
    if not in_process() or not cache.get(pending_key()):
        return False
    try:
        refresh_statistics.apply()
    except Exception:
        # The request that happens to run it is not to fail for it; the task took the pending
        # mark first, so the next write asks again.
        logger.exception("dashboards: the requested refresh failed")
        return False
    return True
