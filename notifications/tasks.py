"""E-mail delivery of notifications: ids in, claim, send once, retry transient failures."""

from __future__ import annotations

import smtplib

from celery import shared_task

from notifications import services
from notifications.models import EmailFrequency

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, acks_late=True)
def deliver_email(notification_id: int) -> bool:
    """Send one notification's e-mail. Safe to run twice: only the run that claims the row
    sends (tests/notifications/test_worker.py runs it twice against a real worker)."""
    notification = services.claim_for_email(notification_id=notification_id)
    if notification is None:
        return False
    try:
        services.send_notification_email(notifications=[notification], user=notification.recipient)
    except TRANSIENT:
        services.release_claim(notification=notification, failed=False)
        raise
    services.mark_emailed([notification])
    return True


@shared_task
def send_digests(frequency: str) -> int:
    """Beat: gather each user's pending daily (or weekly) notifications into one e-mail."""
    if frequency not in (EmailFrequency.DAILY, EmailFrequency.WEEKLY):
        raise ValueError(frequency)
    sent = 0
    for user in services.pending_digest_users(frequency=frequency):
        send_user_digest.delay(user.pk, frequency)
        sent += 1
    return sent


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_user_digest(user_id: int, frequency: str) -> int:
    from accounts.models import User

    user = User.objects.get(pk=user_id)
    rows = services.claim_digest(user=user, frequency=frequency)
    if not rows:
        return 0
    try:
        services.send_notification_email(notifications=rows, user=user)
    except TRANSIENT:
        for row in rows:
            services.release_claim(notification=row, failed=False)
        raise
    services.mark_emailed(rows)
    return len(rows)
