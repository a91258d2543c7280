"""Keyset (cursor) pagination over a sort key that ends in the unique id.

Deep pages cost the same as the first one: the next page is "rows after the last one seen"
(`WHERE (key, id) < (last_key, last_id)`), never `OFFSET n`. Used by the library page and API.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, transaction
from django.db.models import Expression, F, Max, Min, Model, Q, QuerySet

M = TypeVar("M", bound=Model)

#: Ids just past the cursor (or the table's edge) searched first by walking the primary key.
#: Bounded, so the walk reads at most this many rows however rare the matches are; a query whose
#: matches are denser than ~page/PROBE_IDS (0.2% for the API's 21 rows) fills its page here.
#: 12,000 measured better than 5,000 on the 1M-row benchmark (benchmarks/library_search.py).
PROBE_IDS = 12_000


@contextmanager
def _planner_settings(using: str, **settings: str) -> Iterator[None]:
    """Planner settings for the queries inside, restored after (SET LOCAL alone would outlive a
    savepoint and leak into the rest of a surrounding transaction)."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        previous = {}
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            previous[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        try:
            yield
        finally:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@dataclass(frozen=True)
class SortKey:
    """Sort by `field` (never NULL in the data it sorts, or made so with a filter), then id.
    With `expression`, `field` is the name of that annotation: a rank computed from the row
    (never NULL either), for orders no column holds as such."""

    field: str
    descending: bool
    expression: Expression | None = None

    def prepare(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """`queryset` holding the sort value of each row and only rows that have one."""
        if self.expression is not None:
            return queryset.annotate(**{self.field: self.expression})
        if self.field != "id":
            return queryset.exclude(**{f"{self.field}__isnull": True})
        return queryset

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


def _cursor_id(values: list[Any]) -> int | None:
    if len(values) == 1 and isinstance(values[0], int) and not isinstance(values[0], bool):
        return values[0]
    return None


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


def _rows_in_id_order(
    queryset: QuerySet[M], *, start: int | None, descending: bool, limit: int
) -> list[M]:
    """The first `limit` rows of `queryset` in id order after id `start` (exclusive; None = from
    the table's edge): the same rows, in the same order, as `order_by("id")[:limit]`.

    PostgreSQL's planner answers "ORDER BY id LIMIT n" by walking the primary key and filtering,
    assuming matches are spread evenly. When the keyword and the filters rarely co-occur (or never
    do) that walk visits the whole table. So the search runs in two steps:

    1. near: walk the primary key over the PROBE_IDS ids next to `start` (bitmap scans off:
       the planner's estimate for several words and facets assumes they are independent, and
       when it guesses too few matches it reads every match of the whole table instead);
    2. far (only if step 1 left the page short, so matches are sparse): the rest, ordered by
       `id + 0`, which no index provides, so the planner must collect the matches first (the
       GIN index answers keyword and facets together, see patents.search.facet_filter) and keep
       the top `limit`: its cost follows the number of matches, not their position.
    """
    sign = "-" if descending else ""
    if connections[queryset.db].vendor != "postgresql":
        return list(queryset.order_by(f"{sign}id")[:limit])
    if start is None:
        edges = queryset.model._default_manager.using(queryset.db).aggregate(
            edge=Max("id") if descending else Min("id")
        )
        if edges["edge"] is None:
            return []
        start = edges["edge"] + 1 if descending else edges["edge"] - 1
    if descending:
        near, far = Q(id__lt=start, id__gte=start - PROBE_IDS), Q(id__lt=start - PROBE_IDS)
    else:
        near, far = Q(id__gt=start, id__lte=start + PROBE_IDS), Q(id__gt=start + PROBE_IDS)
    # Both steps select ids alone: the sort and any joins (select_related) then handle the page,
    # not every match, and the rows themselves are read once, by primary key.
    ids = queryset.values_list("id", flat=True)
    with _planner_settings(queryset.db, enable_bitmapscan="off"):
        found = list(ids.filter(near).order_by(f"{sign}id")[:limit])
    if len(found) < limit:
        id_plus_0 = F("id") + 0
        ordering = id_plus_0.desc() if descending else id_plus_0.asc()
        found += ids.filter(far).order_by(ordering)[: limit - len(found)]
    by_id = queryset.in_bulk(found)
    return [by_id[pk] for pk in found]


def paginate(queryset: QuerySet[M], *, key: SortKey, cursor: str | None, size: int) -> Page[M]:
    """One page of `queryset` in `key` order, starting after (or before) the cursor's row."""
    decoded = _decode(cursor) if cursor else None
    backwards = bool(decoded and decoded[1])
    queryset = key.prepare(queryset)
    if key.field == "id":
        start = _cursor_id(decoded[0]) if decoded else None
        if decoded and start is None:
            decoded = None  # a mangled cursor starts from the first page rather than failing
            backwards = False
        rows = _rows_in_id_order(
            queryset, start=start, descending=key.descending != backwards, limit=size + 1
        )
    else:
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
