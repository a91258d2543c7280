"""Reads of inventory uploads, scoped by who asks."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.access import scope_to_owner
from accounts.models import Role, User
from patents.models import ImportJob, ImportRowError


def import_jobs_for(user: User | AnonymousUser) -> QuerySet[ImportJob]:
    """Uploads the user may open: their institution's (bureaus: their province's, the national
    level: all); college staff see the uploads made by members of their college."""
    jobs = scope_to_owner(ImportJob.objects.all(), user)
    if isinstance(user, User) and user.role == Role.COLLEGE_STAFF and not user.is_national:
        jobs = jobs.filter(uploaded_by__department=user.department)
    return jobs.select_related("uploaded_by")


def row_errors_for(job: ImportJob) -> QuerySet[ImportRowError]:
    return job.row_errors.order_by("row_number", "id")
