"""Record who changed what on a patent (called by every service that writes a patent)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from accounts.models import User
from matching import hooks as matching_hooks
from patents.models import ImportJob, Patent, PatentChange


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        field: [_plain(before.get(field)), _plain(value)]
        for field, value in after.items()
        if _plain(before.get(field)) != _plain(value)
    }


def record_change(
    *,
    patent: Patent,
    by: User | None,
    source: str,
    changes: dict[str, Any],
    import_job: ImportJob | None = None,
) -> PatentChange | None:
    if not changes:
        return None
    change = PatentChange.objects.create(
        patent=patent, changed_by=by, source=source, changes=changes, import_job=import_job
    )
    if patent.is_in_library or "review_status" in changes:
        # Entering, leaving or changing inside the library changes who it suits.
        matching_hooks.patent_changed(patent.pk)
    return change
