"""Inventory uploads: the job (kept with its file for audit) and the rows it rejected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("File rejected")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("institution"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="inventory-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # The upload check found no formula in the file: the import, reading the same bytes (same
    # digest), need not decompress the sheet once more to look for one.
    formula_free = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
    )
    file_error = models.TextField(_("why the file was rejected"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.REJECTED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportRowError(models.Model):
    """One problem with one cell (or row) of an upload, kept to be shown in the user's language."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.TextField(_("value"), blank=True)
    code = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("reason"))

    class Meta:
        ordering = ["row_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "row_number", "column", "code"], name="one_error_per_cell_and_code"
            )
        ]

    def __str__(self) -> str:
        return f"row {self.row_number} {self.column}: {self.message}"
