"""Who changed what on a patent record, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeSource(models.TextChoices):
    FORM = "form", _("Edited on the site")
    IMPORT = "import", _("Inventory upload")
    REVIEW = "review", _("Review")
    API = "api", _("API")
    SYSTEM = "system", _("System")
    DEAL = "deal", _("Recorded deal")


class PatentChange(models.Model):
    patent = models.ForeignKey("patents.Patent", on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    import_job = models.ForeignKey(
        "patents.ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"field": [old, new], ...}; for review steps also {"review_status": [...], "note": ...}
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("patent change")
        verbose_name_plural = _("patent changes")

    def __str__(self) -> str:
        return f"{self.patent_id} {self.source} {self.changed_at:%Y-%m-%d %H:%M}"
