"""The inbox and the e-mail outbox: every event is a Notification row before anything is sent.

A row is unique per (recipient, event_key), so the same event is never recorded twice however many
times the code that raises it runs. Titles and bodies are stored as msgids plus parameters and are
translated when read, so each reader sees them in their own language. A parameter that is itself
UI text (a choice's label) is stored the same way, as {"msgid": ...} (see `msgid_param`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def msgid_param(label: str | Promise) -> dict[str, str]:
    """A notification parameter that is translated when read, like the title and body: pass a
    lazy label (e.g. `FilingReason(x).label`), not its text in the language of the code that
    raises the event, nor the stored choice key."""
    with translation.override(None):  # the msgid itself
        return {"msgid": str(label)}


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("No e-mail")


class EmailStatus(models.TextChoices):
    NONE = "none", _("Not e-mailed")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_frequency = models.CharField(
        _("e-mail"), max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} {self.email_frequency}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    event_key = models.CharField(_("event key"), max_length=200)
    title = models.CharField(_("title (msgid)"), max_length=300)
    body = models.TextField(_("body (msgid)"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    in_inbox = models.BooleanField(_("shown in the inbox"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_frequency = models.CharField(
        max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.NEVER
    )
    email_status = models.CharField(
        _("e-mail status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.NONE,
        db_index=True,
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Where a one-click unsubscribe from this kind of e-mail leads: "all" or e.g. "topic:12".
    unsubscribe_scope = models.CharField(max_length=50, default="all")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event_and_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.event_key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def _render(self, msgid: str) -> str:
        if not msgid:
            return ""
        params: dict[str, Any] = {
            name: gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value
            for name, value in (self.params or {}).items()
        }
        text = gettext(msgid)
        try:
            return text % params if params else text
        except (KeyError, ValueError, TypeError):
            # A translation with a broken placeholder must not hide the notification.
            return msgid % params if params else msgid

    @property
    def title_text(self) -> str:
        return self._render(self.title)

    @property
    def body_text(self) -> str:
        return self._render(self.body)
