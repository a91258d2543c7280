"""Periodic work of the demand side (Celery beat). Each is idempotent through event keys and
compare-and-set flags, so a repeated or overlapping run notifies nobody twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from enterprises import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def remind_and_flag_intents() -> dict[str, int]:
    today = timezone.localdate()
    return {
        "reminded": services.send_intent_reminders(today=today),
        "flagged": services.flag_overdue_intents(today=today),
    }


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def check_subscriptions() -> dict[str, int]:
    now = timezone.now()
    return {
        "topics": services.check_topic_subscriptions(now=now),
        "patents": services.check_patent_subscriptions(now=now),
    }
