"""Daily: flag filings that passed their 30-working-day deadline (idempotent; see the service)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from evaluation import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def flag_overdue_filings() -> int:
    return len(services.flag_overdue_filings(today=timezone.localdate()))
