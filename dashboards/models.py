"""Precomputed statistics, the log of their refreshes, and published typical cases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The scope of national figures (every province); other scopes are GB/T 2260 province codes.
NATIONAL = "all"


class StatValue(models.Model):
    """One precomputed figure: `metric` in `scope`, for one `key` of one `dimension`.

    Rows are replaced all at once by `services.refresh_statistics`; pages only read them.
    """

    scope = models.CharField(_("scope"), max_length=6)
    metric = models.CharField(_("metric"), max_length=64)
    dimension = models.CharField(_("dimension"), max_length=32)
    key = models.CharField(_("key"), max_length=64, blank=True)
    # Name of the institution, city or industry behind `key`, copied at refresh so that pages
    # need no join.
    label = models.CharField(_("label"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "metric", "dimension", "key"], name="one_stat_value_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.metric}/{self.dimension}/{self.key} = {self.value}"


class RefreshRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
