"""Write one chunk of validated rows: one query to fetch what exists, bulk insert, bulk update.

The upsert is keyed by (organisation, normalised application number) and compares values, so
running a chunk twice (a resumed job, the same file uploaded again) writes nothing new.

On PostgreSQL new records are written with COPY (patents.importing.copy), in the chunk's
transaction: Django building multi-row INSERT statements cost more than the database itself
(about half a second per 1,000 rows). Elsewhere (SQLite in development) bulk_create. A new
record's history is its `created_by_import` (the job: who, when, which file), not a history row;
changes to existing records get a history row each.

Review rule: a substantive change (anything but the contact fields) to a record already admitted
to the library sends it back to university review, and the history entry says so. Records still
in draft or under review keep their status; new records start as drafts.
"""

from __future__ import annotations

import datetime
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from matching import hooks as matching_hooks
from patents.importing import copy, rules
from patents.importing.indexing import search_text_for
from patents.models import ChangeSource, LegalStatus, Patent, PatentChange, ReviewStatus
from patents.services.history import diff_fields

# The same parts, in the same order, as patents.search.search_text_for(patent).
_TEXT_FIELDS = ("title", "abstract", "application_field", "target_products", "prospect_note")
_LIST_FIELDS = ("inventors", "patentees")
SEARCHED_FIELDS = (*_TEXT_FIELDS, *_LIST_FIELDS, "industry_id")
NON_SUBSTANTIVE = frozenset({"contact_name", "contact_phone", "contact_email"})
BOOKKEEPING = ("version", "updated_at", "updated_by_id")


@dataclass(frozen=True)
class ChunkOutcome:
    created: int
    updated: int
    unchanged: int
    # Rows the record rules refused, nothing written: application number → their errors.
    rejected: dict[str, rules.RuleErrors] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportContext:
    organisation_id: int
    user_id: int | None
    job_id: int
    college_id: int | None  # set for college staff: their rows land in (and stay in) it
    industry_names: dict[str, str]
    # The one day the whole import judges every row by: the row checks (no date after it, no
    # application number from a later year) and the record rules (an open licence must fit the
    # patent's remaining term). One per job (the day it started), so a job running past
    # midnight, or resumed on a later day, has a single date; the reader gets it in ReadSpec.
    today: datetime.date


def _search_text(context: ImportContext, values: dict[str, Any]) -> str:
    get = values.get
    parts = [get(name) or "" for name in _TEXT_FIELDS]
    parts += [" ".join(map(str, get(name) or ())) for name in _LIST_FIELDS]
    parts.append(context.industry_names.get(get("industry_id") or "", ""))
    return search_text_for(parts)


def search_text(context: ImportContext, values: dict[str, Any]) -> str:
    """The search text of a new record with these values (what `_new_patent` stores)."""
    return _search_text(context, values)


# The unique index that says "this institution already holds a record of that number".
NUMBER_KEY = "one_record_per_patent_per_owner"

# Valid rows by application number: (row number in the file, field values).
Rows = dict[str, tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class PreparedRecords:
    """Rows believed new, written ahead as new records' COPY text (PostgreSQL), by a process
    that cannot look: `insert_prepared` inserts them without a lookup, the unique index being
    the check. For the rare row that exists by then (added since the guess was made), the rows
    themselves come along, pickled, and are unpacked only then."""

    columns: list[str]
    lines: dict[str, str]  # application number → COPY line (the id left to its default)
    packed: bytes  # pickled Rows

    def unpack(self) -> Rows:
        rows: Rows = pickle.loads(self.packed)
        return rows


def prepare_new_records(context: ImportContext, rows: Rows) -> PreparedRecords:
    """No database access: runs in the reading process, ahead of the database work."""
    now = timezone.now()
    records = [
        _new_patent(context, number, values, now, None) for number, (_row, values) in rows.items()
    ]
    columns, lines = copy.patent_lines(records)
    return PreparedRecords(
        columns,
        dict(zip(rows, lines, strict=True)),
        pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL),
    )


def insert_prepared(prepared: PreparedRecords) -> bool:
    """Insert the prepared records; call inside a transaction.

    False, having written nothing, if one of them exists by now: the caller then writes the
    unpacked rows the careful way (`upsert_chunk`)."""
    try:
        with transaction.atomic():  # a savepoint: a clash undoes this insert alone
            copy.insert_patent_lines(connection, prepared.columns, list(prepared.lines.values()))
    except IntegrityError as exc:
        if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) != NUMBER_KEY:
            raise
        return False
    return True


def upsert_chunk(
    context: ImportContext,
    rows: Sequence[tuple[str, dict[str, Any]]],
    search_texts: dict[str, str] | None = None,
) -> ChunkOutcome:
    """Insert or update `rows` ((application number, field values)); call inside a transaction.

    `search_texts` (application number → `search_text(context, values)`) may carry search texts
    computed ahead, e.g. by the reading process; missing ones are computed here."""
    fields = sorted({name for _number, values in rows for name in values})
    wanted = {*fields, *SEARCHED_FIELDS, *rules.RULE_FIELDS, "id", "application_no"}
    wanted |= {"review_status", "version"}
    existing = {
        record["application_no"]: record
        for record in Patent.objects.filter(
            organisation_id=context.organisation_id,
            application_no__in=[number for number, _values in rows],
        ).values(*wanted)
    }
    now = timezone.now()
    texts = search_texts or {}
    new: list[dict[str, Any]] = []
    changed: list[tuple[Patent, dict[str, list[Any]]]] = []
    unchanged = 0
    rejected: dict[str, rules.RuleErrors] = {}
    for number, values in rows:
        before = existing.get(number)
        if before is None:
            record = _new_patent(context, number, values, now, texts.get(number))
            if errors := rules.rule_errors(record, context.today):
                rejected[number] = errors
            else:
                new.append(record)
            continue
        changes = diff_fields(before, values)
        if not changes:
            # As the edit form: saving the same values again is no change, and not checked.
            unchanged += 1
            continue
        if errors := rules.rule_errors({**before, **values}, context.today):
            rejected[number] = errors
            continue
        changed.append(_changed_patent(context, before, values, changes, now))
    _save(context, new, changed)
    return ChunkOutcome(len(new), len(changed), unchanged, rejected)


def new_record_errors(
    context: ImportContext, number: str, values: dict[str, Any]
) -> rules.RuleErrors:
    """The record rules' errors for a row that creates a record (rules.rule_errors); no
    database access, for the reading process."""
    return rules.rule_errors(_new_patent(context, number, values, None, ""), context.today)


def _new_patent(
    context: ImportContext, number: str, values: dict[str, Any], now: Any, text: str | None
) -> dict[str, Any]:
    """The new record's field values by attname (fields not given take their defaults)."""
    values = dict(values)
    if "legal_status" not in values or not values["legal_status"]:
        values["legal_status"] = (
            LegalStatus.VALID if values.get("grant_date") else LegalStatus.PENDING
        )
    if context.college_id is not None:
        values["department_id"] = context.college_id
    values.update(
        organisation_id=context.organisation_id,
        application_no=number,
        review_status=ReviewStatus.DRAFT,
        search_text=_search_text(context, values) if text is None else text,
        updated_by_id=context.user_id,
        created_by_import_id=context.job_id,
        created_at=now,
        updated_at=now,
    )
    return values


def _changed_patent(
    context: ImportContext,
    before: dict[str, Any],
    values: dict[str, Any],
    changes: dict[str, list[Any]],
    now: Any,
) -> tuple[Patent, dict[str, list[Any]]]:
    patent = Patent(id=before["id"], **values)
    patent.version = before["version"] + 1
    patent.updated_at = now
    patent.updated_by_id = context.user_id
    patent.review_status = before["review_status"]
    if before["review_status"] == ReviewStatus.ADMITTED and set(changes) - NON_SUBSTANTIVE:
        patent.review_status = ReviewStatus.UNIVERSITY_REVIEW
        changes["review_status"] = [ReviewStatus.ADMITTED, ReviewStatus.UNIVERSITY_REVIEW]
    if set(changes) & set(SEARCHED_FIELDS):
        texts = {name: values.get(name, before[name]) for name in SEARCHED_FIELDS}
        patent.search_text = _search_text(context, texts)
    return patent, changes


def _save(
    context: ImportContext,
    new: list[dict[str, Any]],
    changed: list[tuple[Patent, dict[str, list[Any]]]],
) -> None:
    history: list[PatentChange] = []
    if new and copy.available(connection):
        copy.insert_patents(connection, new)
    elif new:
        Patent.objects.bulk_create([Patent(**values) for values in new], batch_size=1000)
    # Every row of a file carries the same columns; group by what else must be written
    # (review status, search text) so bulk_update never writes a value a row did not set.
    groups: dict[tuple[str, ...], list[Patent]] = {}
    for patent, changes in changed:
        columns = {*changes, *BOOKKEEPING, "review_status"}
        if set(changes) & set(SEARCHED_FIELDS):
            columns.add("search_text")
        groups.setdefault(tuple(sorted(columns)), []).append(patent)
        history.append(_history(context, patent.pk, changes))
    for names, patents in groups.items():
        Patent.objects.bulk_update(patents, list(names), batch_size=1000)
    PatentChange.objects.bulk_create(history, batch_size=2000)
    # Admitted records sent back to review left the library: matching must drop them.
    left = [patent.pk for patent, changes in changed if "review_status" in changes]
    if left:
        matching_hooks.patents_changed(left)


def _history(context: ImportContext, patent_id: int, changes: dict[str, Any]) -> PatentChange:
    return PatentChange(
        patent_id=patent_id,
        changed_by_id=context.user_id,
        source=ChangeSource.IMPORT,
        import_job_id=context.job_id,
        changes=changes,
    )
