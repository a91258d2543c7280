"""Writes of the dashboards app: recomputing the statistics table."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

from dashboards.metrics import METRICS
from dashboards.models import RefreshRun, StatValue

#: Key of the PostgreSQL advisory lock that serialises refreshes ("dash" in ASCII).
REFRESH_LOCK = 0x64617368
BATCH = 5000


def refresh_statistics() -> RefreshRun:
    """Recompute every metric over the whole database and replace the statistics table.

    Safe to run twice or concurrently: the replacement is one transaction (readers keep seeing the
    previous figures until it commits) and concurrent refreshes queue on an advisory lock instead
    of colliding on the unique key. Any caller may run it; it reads no user input.
    """
    run = RefreshRun.objects.create()
    started = time.monotonic()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
            now = timezone.now()
            values = [
                StatValue(
                    scope=scope,
                    metric=metric.slug,
                    dimension=dimension,
                    key=key[:64],
                    label=label[:200],
                    value=value,
                    refreshed_at=now,
                )
                for metric in METRICS.values()
                for scope, dimension, key, label, value in metric.compute()
            ]
            StatValue.objects.all().delete()
            StatValue.objects.bulk_create(values, batch_size=BATCH)
    except Exception as exc:
        RefreshRun.objects.filter(pk=run.pk).update(
            status=RefreshRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    run.status = RefreshRun.Status.DONE
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.rows = len(values)
    run.save(update_fields=["status", "finished_at", "duration_ms", "rows"])
    return run
