"""Provincial bureaus' spot checks of an institution's admitted patents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SpotCheck(models.Model):
    bureau = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="spot_checks_made",
        verbose_name=_("bureau"),
    )
    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="spot_checks",
        verbose_name=_("institution"),
    )
    sample_percent = models.PositiveSmallIntegerField(_("sample share (%)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")

    def __str__(self) -> str:
        return f"{self.institution} {self.created_at:%Y-%m-%d}"


class SpotCheckResult(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


#: Why a sampled patent failed the spot check: a few sentences (the page, the API and the service
#: read the limit from the field).
SPOT_CHECK_REASON_MAX_LENGTH = 500


class SpotCheckItem(models.Model):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items")
    patent = models.ForeignKey("patents.Patent", on_delete=models.CASCADE, related_name="+")
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=SpotCheckResult.choices,
        default=SpotCheckResult.PENDING,
    )
    reason = models.TextField(_("reason"), max_length=SPOT_CHECK_REASON_MAX_LENGTH, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "patent"], name="one_item_per_patent")
        ]

    def __str__(self) -> str:
        return f"{self.patent_id}: {self.result}"
