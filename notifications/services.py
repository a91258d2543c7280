"""Writes for the inbox and the e-mail outbox.

Other apps raise events through `notify()`. Delivery by e-mail happens in Celery tasks that claim
rows with compare-and-set or `select_for_update(skip_locked=True)`, so no e-mail goes out twice.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import EmailFrequency, EmailStatus, Notification, NotificationPreference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
#: A claim older than this is assumed to belong to a worker that died; it may be retried.
STALE_CLAIM = datetime.timedelta(minutes=30)
MAX_EMAIL_ATTEMPTS = 5


def preference_for(user: User) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    event_key: str,
    title: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    body: str = "",
    email: bool = True,
    email_frequency: str | None = None,
    in_inbox: bool = True,
    unsubscribe_scope: str = "all",
) -> list[Notification]:
    """Record one event for each recipient, once, and queue its e-mail.

    Contract for callers (patents, matching, evaluation, enterprises):
    - `title` and `body` are *untranslated* msgids, marked with `gettext_noop` in the caller, with
      `%(name)s` placeholders filled from `params` (JSON values only) when the reader opens them.
    - `event_key` names the event, e.g. "intent:12:declared". A (recipient, event_key) pair is
      stored at most once: calling again with the same key creates nothing and sends nothing,
      so callers may safely retry or run periodically.
    - `link` is a site-relative URL of the subject (e.g. `reverse("enterprises:intent_detail", …)`).
    - E-mail follows `email_frequency` if given (a subscription's own choice), otherwise the
      recipient's preference; `email=False` keeps it to the inbox. Inactive users get nothing.
    - Call it inside the caller's transaction: immediate e-mails are queued on commit, so a
      rolled-back event sends nothing.
    Returns the notifications created by this call (not those that already existed).
    """
    created: list[Notification] = []
    for user in recipients:
        if not user.is_active:
            continue
        frequency = email_frequency or preference_for(user).email_frequency
        wants_email = email and bool(user.email) and frequency != EmailFrequency.NEVER
        if wants_email and preference_for(user).email_frequency == EmailFrequency.NEVER:
            wants_email = False  # "unsubscribe from everything" wins over any subscription
        try:
            # A savepoint, so a duplicate key does not break the caller's transaction.
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    recipient=user,
                    event_key=event_key,
                    defaults={
                        "kind": kind,
                        "title": title,
                        "body": body,
                        "params": params or {},
                        "link": link,
                        "in_inbox": in_inbox,
                        "email_frequency": frequency if wants_email else EmailFrequency.NEVER,
                        "email_status": EmailStatus.PENDING if wants_email else EmailStatus.NONE,
                        "unsubscribe_scope": unsubscribe_scope,
                    },
                )
        except IntegrityError:
            continue  # a concurrent call recorded the same event first
        if not is_new:
            continue
        created.append(notification)
        if wants_email and frequency == EmailFrequency.IMMEDIATE:
            from notifications import tasks  # the tasks module imports this one

            transaction.on_commit(partial(tasks.deliver_email.delay, notification.pk))
    return created


def mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of the user's own notifications read (the caller fetched it through the
    selector, so another user's notification is already a 404)."""
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_email_frequency(*, user: User, frequency: str) -> NotificationPreference:
    if frequency not in EmailFrequency.values:
        raise ValidationError({"email_frequency": _("Choose how often to receive e-mail.")})
    preference = preference_for(user)
    preference.email_frequency = frequency
    preference.save(update_fields=["email_frequency"])
    return preference


# --- one-click unsubscribe -----------------------------------------------------------------


def unsubscribe_token(*, user: User, scope: str = "all") -> str:
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user: User, scope: str = "all") -> str:
    token = unsubscribe_token(user=user, scope=scope)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as exc:
        raise ValidationError(_("This unsubscribe link is not valid.")) from exc
    return user, str(data["s"])


def unsubscribe(*, token: str) -> str:
    """Stop the e-mails a signed link names: "all" e-mail, or one subscription's e-mail.
    Returns the scope. Raises ValidationError for a forged or damaged link."""
    user, scope = read_unsubscribe_token(token)
    if scope == "all":
        set_email_frequency(user=user, frequency=EmailFrequency.NEVER)
    else:
        # Subscriptions belong to the enterprises app; imported here to avoid an import cycle.
        from enterprises import services as enterprise_services

        enterprise_services.stop_subscription_email(user=user, scope=scope)
    Notification.objects.filter(
        recipient=user, email_status=EmailStatus.PENDING, **_scope_filter(scope)
    ).update(email_status=EmailStatus.NONE)
    return scope


def _scope_filter(scope: str) -> dict[str, str]:
    return {} if scope == "all" else {"unsubscribe_scope": scope}


# --- delivery ------------------------------------------------------------------------------


def claim_for_email(*, notification_id: int) -> Notification | None:
    """Compare-and-set: move one pending (or stale) row to SENDING; None if someone else has it
    or it was already sent. Committed at once, so the claim survives the sending step."""
    now = timezone.now()
    claimable = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING)
    stale = Notification.objects.filter(
        pk=notification_id, email_status=EmailStatus.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    )
    claimed = (claimable | stale).update(email_status=EmailStatus.SENDING, email_claimed_at=now)
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def release_claim(*, notification: Notification, failed: bool) -> None:
    """After a transient failure: back to PENDING for a retry, or FAILED when out of attempts."""
    attempts = notification.email_attempts + 1
    status = EmailStatus.FAILED if failed or attempts >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
    Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.SENDING).update(
        email_status=status, email_attempts=attempts
    )


def mark_emailed(notifications: Iterable[Notification]) -> None:
    ids = [n.pk for n in notifications]
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )


def send_notification_email(*, notifications: list[Notification], user: User) -> None:
    """Send one e-mail (a single event or a digest) in the recipient's language.

    Its Message-ID is derived from the recipient and the events: if a worker dies after the
    mail server accepted the message but before the row was marked sent, the retry carries the
    same Message-ID, which mail systems use to drop duplicates."""
    language = user.language or settings.LANGUAGE_CODE
    scope = notifications[0].unsubscribe_scope if len(notifications) == 1 else "all"
    with translation.override(language):
        link = unsubscribe_url(user=user, scope=scope)
        context = {
            "user": user,
            "notifications": notifications,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": link,
        }
        if len(notifications) == 1:
            subject = notifications[0].title_text
        else:
            subject = _("Panhuo: %(count)d new notifications") % {"count": len(notifications)}
        text = render_to_string("notifications/email.txt", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[user.email or ""],
        headers={
            # RFC 8058 one-click unsubscribe, honoured by the big mail providers.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Panhuo-Events": ",".join(n.event_key for n in notifications),
            "Message-ID": _message_id(user, notifications),
        },
    )
    message.send()


def _message_id(user: User, notifications: list[Notification]) -> str:
    events = "\n".join(sorted(str(n.pk) for n in notifications))
    digest = hashlib.sha256(f"{user.pk}\n{events}".encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "panhuo.localhost"
    return f"<{digest}@{domain}>"


def pending_digest_users(*, frequency: str) -> QuerySet[User]:
    return User.objects.filter(
        notifications__email_status=EmailStatus.PENDING,
        notifications__email_frequency=frequency,
    ).distinct()


def claim_digest(*, user: User, frequency: str) -> list[Notification]:
    """Lock this user's pending digest rows, skipping any another worker holds, and mark them
    SENDING in one short transaction, so two digest runs never send the same row."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=user, email_status=EmailStatus.PENDING, email_frequency=frequency)
            .order_by("created_at")
        )
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            email_status=EmailStatus.SENDING, email_claimed_at=timezone.now()
        )
    for row in rows:
        row.email_status = EmailStatus.SENDING
    return rows
