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


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the bureau")
    AGREED = "agreed", _("Agreed by the university")
    PUBLISHED = "published", _("Published")


#: A typical case's summary: a few paragraphs for the public page (the form and the service read
#: the limit from the field).
CASE_SUMMARY_MAX_LENGTH = 3000


class TypicalCase(models.Model):
    """A successful conversion (a recorded deal) that the bureau of the patent's province
    proposes, the owning university agrees to, and the bureau then publishes on a public page."""

    deal = models.OneToOneField(
        "enterprises.Deal",
        on_delete=models.PROTECT,
        related_name="typical_case",
        verbose_name=_("deal"),
    )
    # The province of the patent's owner, copied so that scoping needs no join.
    province = models.ForeignKey(
        "refdata.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=CASE_SUMMARY_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CaseStatus.choices,
        default=CaseStatus.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    agreed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-proposed_at"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def __str__(self) -> str:
        return self.title
