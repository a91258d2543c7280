"""Keyset (cursor) pagination over a sort key that ends in the unique id.

Deep pages cost the same as the first one: the next page is "rows after the last one seen"
(`WHERE (key, id) < (last_key, last_id)`), never `OFFSET n`. Used by the library page and API.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SortKey:
    """Sort by `field` (never NULL in the data it sorts, or made so with a filter), then id."""

    field: str
    descending: bool

    @property
    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        if self.field == "id":
            return [f"{sign}id"]
        return [f"{sign}{self.field}", f"{sign}id"]


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None
    previous_cursor: str | None


def _encode(values: list[Any], *, backwards: bool) -> str:
    payload = json.dumps({"k": [_plain(v) for v in values], "b": backwards}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _decode(cursor: str) -> tuple[list[Any], bool] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        return list(data["k"]), bool(data["b"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None  # a mangled cursor starts from the first page rather than failing


def _after(key: SortKey, values: list[Any], *, forwards: bool) -> Q:
    """Rows strictly after `values` in the direction of travel."""
    descending = key.descending if forwards else not key.descending
    op = "lt" if descending else "gt"
    if key.field == "id":
        return Q(**{f"id__{op}": values[0]})
    field_value, last_id = values
    return Q(**{f"{key.field}__{op}": field_value}) | Q(
        **{key.field: field_value, f"id__{op}": last_id}
    )


def paginate(queryset: QuerySet[M], *, key: SortKey, cursor: str | None, size: int) -> Page[M]:
    """One page of `queryset` in `key` order, starting after (or before) the cursor's row."""
    decoded = _decode(cursor) if cursor else None
    backwards = bool(decoded and decoded[1])
    if key.field != "id":
        queryset = queryset.exclude(**{f"{key.field}__isnull": True})
    ordering = key.order_by
    if backwards:
        ordering = [o[1:] if o.startswith("-") else f"-{o}" for o in ordering]
    if decoded:
        queryset = queryset.filter(_after(key, decoded[0], forwards=not backwards))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page(items=[], next_cursor=None, previous_cursor=None)

    def values_of(row: M) -> list[Any]:
        if key.field == "id":
            return [row.pk]
        return [getattr(row, key.field), row.pk]

    more_forwards = has_more if not backwards else True
    more_backwards = bool(decoded) if not backwards else has_more
    return Page(
        items=rows,
        next_cursor=_encode(values_of(rows[-1]), backwards=False) if more_forwards else None,
        previous_cursor=_encode(values_of(rows[0]), backwards=True) if more_backwards else None,
    )
