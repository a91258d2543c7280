"""PostgreSQL COPY for the inventory upload's inserts: new patents and their history rows.

Django's bulk_create spends most of its time preparing every value of every row through the
field machinery and building one huge INSERT; COPY streams tab-separated text the server parses
itself. Run inside the caller's transaction (the chunk's), so a chunk still commits or rolls back
as a whole. Ids of new patents are drawn from the table's sequence first (one query), because
COPY returns none and the history rows need them.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

from patents.models import Patent, PatentChange

# COPY's text format: backslash escapes for the four characters that would end a field or row.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": ""})
_SPECIAL = re.compile(r"[\\\t\n\r\0]")  # str.translate is slow; most values need nothing
NULL = "\\N"


def available(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def _text(value: Any) -> str:
    """One value as COPY text; the types the row parser produces, and nothing else."""
    if type(value) is str:  # the commonest case first
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, list | dict):
        return _text(json.dumps(value, ensure_ascii=False))
    raise TypeError(f"no COPY text for {type(value).__name__}")


def _text_cell(value: Any) -> str:
    """A text column's value: most need no escaping, and testing for that is the cheap part."""
    if value is None:
        return NULL
    value = str(value)
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


def _json_cell(value: Any) -> str:
    return NULL if value is None else _text_cell(json.dumps(value, ensure_ascii=False))


def _converter(field: Field[Any, Any]) -> Callable[[Any], str]:
    """How to write one column's values: decided once per column, not per cell."""
    if isinstance(field, models.JSONField):
        return _json_cell
    if isinstance(field, models.CharField | models.TextField):
        return _text_cell
    return _text


@lru_cache(maxsize=1)
def _patent_columns() -> tuple[tuple[str, str, Any, Callable[[Any], str]], ...]:
    """(attname, column, default, converter) of every Patent column but id, in a fixed order."""
    columns = []
    for field in Patent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append((field.attname, str(field.column), field.get_default(), _converter(field)))
    return tuple(columns)


def _copy(
    connection: BaseDatabaseWrapper, table: str, columns: Sequence[str], lines: list[str]
) -> None:
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor:
        cursor.copy_expert(statement, buffer)


def insert_patents(connection: BaseDatabaseWrapper, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new patents (field values by attname; others take their defaults); their ids."""
    table = Patent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    columns = _patent_columns()
    present = {name for values in rows for name in values}
    # Columns no row sets hold the same default text on every line: format those once.
    varying = [
        (attname, default, convert)
        for attname, _column, default, convert in columns
        if attname in present
    ]
    constant = "".join(
        "\t" + convert(default)
        for attname, _column, default, convert in columns
        if attname not in present
    )
    lines = []
    for patent_id, values in zip(ids, rows, strict=True):
        cells = [str(patent_id)]
        cells += [convert(values.get(attname, default)) for attname, default, convert in varying]
        lines.append("\t".join(cells) + constant + "\n")
    varying_names = [column for attname, column, _d, _c in columns if attname in present]
    constant_names = [column for attname, column, _d, _c in columns if attname not in present]
    _copy(connection, table, ["id", *varying_names, *constant_names], lines)
    return ids


def insert_history(
    connection: BaseDatabaseWrapper,
    entries: list[tuple[int, dict[str, Any]]],
    *,
    user_id: int | None,
    job_id: int | None,
    source: str,
    now: datetime.datetime,
) -> None:
    """One PatentChange per (patent id, changes), all by the same user, job and source."""
    fixed = "\t".join(_text(value) for value in (user_id, now, source, job_id))
    lines = [f"{patent_id}\t{fixed}\t{_text(changes)}\n" for patent_id, changes in entries]
    columns = [
        str(PatentChange._meta.get_field(name).column)  # type: ignore[union-attr]
        for name in ("patent", "changed_by", "changed_at", "source", "import_job", "changes")
    ]
    _copy(connection, PatentChange._meta.db_table, columns, lines)
