"""PostgreSQL COPY for the inventory upload's inserts of new patents.

Django's bulk_create spends most of its time preparing every value of every row through the
field machinery and building one huge INSERT; COPY streams tab-separated text the server parses
itself. Run inside the caller's transaction (the chunk's), so a chunk still commits or rolls back
as a whole. Ids of new patents are drawn from the table's sequence first (one query): COPY returns
none, and the callers need them.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

from patents.models import Patent

# COPY's text format: backslash escapes for the four characters that would end a field or row.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": ""})
_SPECIAL = re.compile(r"[\\\t\n\r\0]")  # str.translate is slow; most values need nothing
NULL = "\\N"


def available(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def _text(value: Any) -> str:
    """One value as COPY text; the types the row parser produces, and nothing else."""
    if value is None or isinstance(value, str):
        return _text_cell(value)
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, list | dict):
        return _json_cell(value)
    raise TypeError(f"no COPY text for {type(value).__name__}")


def _text_cell(value: Any) -> str:
    """A text column's value: most need no escaping, and testing for that is the cheap part."""
    if value is None:
        return NULL
    value = str(value)
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


# Characters a JSON string must escape, and COPY's own specials: a list of strings without any
# is written directly, exactly as json.dumps(..., ensure_ascii=False) would write it.
_JSON_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f]')


def _json_cell(value: Any) -> str:
    if value is None:
        return NULL
    if type(value) is list and all(type(item) is str for item in value):
        if not value:
            return "[]"
        if not _JSON_SPECIAL.search("".join(value)):
            joined = '", "'.join(value)
            return f'["{joined}"]'
    return _text_cell(json.dumps(value, ensure_ascii=False))


def _converter(field: Field[Any, Any]) -> Callable[[Any], str]:
    """How to write one column's values: decided once per column, not per cell."""
    if isinstance(field, models.JSONField):
        return _json_cell
    if isinstance(field, models.CharField | models.TextField):
        return _text_cell
    return _text


@dataclass(frozen=True)
class _Column:
    attname: str
    name: str
    default: Any
    convert: Callable[[Any], str]

    @property
    def is_text(self) -> bool:
        """A CharField or TextField: its values are str."""
        return self.convert is _text_cell


@lru_cache(maxsize=1)
def _patent_columns() -> tuple[_Column, ...]:
    """Every Patent column but id, in a fixed order."""
    return tuple(
        _Column(
            attname=field.attname,
            name=str(field.column),
            default=field.get_default(),
            convert=_converter(field),
        )
        for field in Patent._meta.concrete_fields
        if not field.primary_key
    )


def _text_cells(cells: list[Any]) -> str:
    """Text cells joined by tabs: one search for special characters over the whole row."""
    try:
        text = "".join(cells)
    except TypeError:  # a None (NULL) among them
        text = "\\"  # take the careful path
    if _SPECIAL.search(text):
        return "\t".join([_text_cell(cell) for cell in cells])
    return "\t".join(cells)


def patent_lines(rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(column names, COPY line of each row) for new patents; ids are left to the column default.

    The hot loop of an import (100,000 rows x 40 columns): columns no row sets are formatted once;
    the text columns of a row are checked for COPY's special characters in one search over the
    row, and escaped cell by cell only in the rare row that has any. No database access, so the
    reading process writes these ahead of the database work (see pipeline.ReadSpec.prepare)."""
    present = {name for values in rows for name in values}
    columns = [c for c in _patent_columns() if c.attname in present]
    fixed = [c for c in _patent_columns() if c.attname not in present]
    constant = ["\t".join(c.convert(c.default) for c in fixed)] if fixed else []
    texts = [(c.attname, c.default) for c in columns if c.is_text]
    others = [(c.attname, c.default, c.convert) for c in columns if not c.is_text]
    lines = []
    for values in rows:
        parts = []
        if texts:
            parts.append(_text_cells([values.get(name, default) for name, default in texts]))
        if others:
            parts += [convert(values.get(name, default)) for name, default, convert in others]
        lines.append("\t".join(parts + constant) + "\n")
    names = [c.name for c in columns if c.is_text]
    names += [c.name for c in columns if not c.is_text]
    names += [c.name for c in fixed]
    return names, lines


def _copy(
    connection: BaseDatabaseWrapper, table: str, columns: Sequence[str], lines: list[str]
) -> None:
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    buffer = io.StringIO("".join(lines))
    # copy_expert is psycopg2's own: wrapped, its errors become Django's (IntegrityError...).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(statement, buffer)


def insert_patents(connection: BaseDatabaseWrapper, rows: list[dict[str, Any]]) -> None:
    """Insert new patents (field values by attname; others take their defaults)."""
    names, lines = patent_lines(rows)
    insert_patent_lines(connection, names, lines)


def insert_patent_lines(
    connection: BaseDatabaseWrapper, names: list[str], lines: list[str]
) -> None:
    """Insert new patents given as `patent_lines` output; ids come from the column's default."""
    _copy(connection, Patent._meta.db_table, names, lines)
