"""Reads of inventory uploads, scoped by who asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.access import scope_to_owner
from accounts.models import Role, User
from patents.models import ChangeSource, ImportJob, ImportRowError, PatentChange


def import_jobs_for(user: User | AnonymousUser) -> QuerySet[ImportJob]:
    """Uploads the user may open: their institution's (bureaus: their province's, the national
    level: all); college staff see the uploads made by members of their college."""
    jobs = scope_to_owner(ImportJob.objects.all(), user)
    if isinstance(user, User) and user.role == Role.COLLEGE_STAFF and not user.is_national:
        jobs = jobs.filter(uploaded_by__department=user.department)
    return jobs.select_related("uploaded_by")


def row_errors_for(job: ImportJob) -> QuerySet[ImportRowError]:
    return job.row_errors.order_by("row_number", "id")


@dataclass(frozen=True)
class UpdateEffects:
    """What an upload's updates did that its uploader may not have meant."""

    cleared: int  # existing records of which an empty cell cleared at least one field
    sent_back: int  # admitted records whose change sent them back to university review
    cleared_and_sent_back: int


_EMPTY: tuple[Any, ...] = (None, "", [])


def _clears_a_field(changes: dict[str, list[Any]]) -> bool:
    # A value that became empty. A deal form withdrawn (True → False) is not counted: the
    # history cannot tell an empty deal-forms cell from a shorter list of forms.
    return any(
        new in _EMPTY and old not in _EMPTY
        for name, (old, new) in changes.items()
        if name != "review_status"
    )


def update_effects(job: ImportJob) -> UpdateEffects:
    """Counted from the history entries the upload wrote, one per record it changed (read in
    one pass, so a finished job's page only)."""
    cleared = sent_back = both = 0
    entries = PatentChange.objects.filter(import_job=job, source=ChangeSource.IMPORT)
    for changes in entries.values_list("changes", flat=True).iterator(chunk_size=2000):
        clears, sent = _clears_a_field(changes), "review_status" in changes
        cleared += clears
        sent_back += sent
        both += clears and sent
    return UpdateEffects(cleared, sent_back, both)
