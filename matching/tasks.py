"""Celery tasks: ids in, one service call, retried on transient database errors only."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from matching import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, acks_late=True)
def run_shard(shard_id: int) -> int:
    return services.run_shard(shard_id=shard_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, acks_late=True)
def run_incremental(run_id: int) -> int:
    return services.run_incremental(run_id=run_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def full_rematch() -> int:
    return services.start_full_rematch().pk


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def requeue_unfinished() -> int:
    return services.requeue_unfinished()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def prune_runs() -> int:
    return services.prune_runs()
