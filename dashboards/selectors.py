"""Reads of the dashboards, scoped by who asks. Pages, exports and the API all start here.

- the national level (and superusers) may open any province or all of them;
- a provincial IP bureau only its own province (another province is a 404, like any record of
  another organisation);
- everyone else is refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.models import User
from dashboards.metrics import DIMENSIONS, METRICS, RATIOS, TOTAL, Metric, ratio
from dashboards.models import NATIONAL, RefreshRun, StatValue
from dashboards.tables import KEY_FIGURES, SECTIONS, TABLES, Table
from refdata.models import Region

Values = dict[tuple[str, str, str], tuple[str, Decimal]]


def may_see_dashboards(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_national or user.is_bureau)  # type: ignore[union-attr]


def default_scope(user: User | AnonymousUser) -> str:
    """The scope a viewer lands on: their province, or all provinces for the national level."""
    if not may_see_dashboards(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return NATIONAL if user.is_national else str(user.province_code)


def check_scope(user: User | AnonymousUser, scope: str) -> str:
    """Return `scope` if `user` may see it. Raises PermissionDenied (not a dashboard role) or
    Http404 (another province, or no such province)."""
    if not may_see_dashboards(user):
        raise PermissionDenied
    assert isinstance(user, User)
    if user.is_national:
        if scope == NATIONAL or Region.objects.filter(code=scope, level=1).exists():
            return scope
        raise Http404
    if scope != user.province_code:
        raise Http404
    return scope


def provinces_for(user: User | AnonymousUser) -> QuerySet[Region]:
    """Provinces the viewer may pick."""
    provinces = Region.objects.filter(level=1)
    if isinstance(user, User) and user.is_national:
        return provinces
    return provinces.filter(code=getattr(user, "province_code", None))


def stat_values(scope: str) -> Values:
    """Every precomputed figure of one scope, in one indexed query."""
    return _as_values(StatValue.objects.filter(scope=scope))


#: Dimensions with thousands of keys nationally: the page loads only their largest rows.
LARGE_DIMENSIONS = ("institution", "city", "flow")


def page_values(scope: str, limit: int) -> tuple[Values, dict[str, int]]:
    """The figures a page shows: everything of `scope` except, for large dimensions, only the
    `limit` keys largest by the first metric of each table; plus how many keys each such table
    has (by table slug)."""
    rows = StatValue.objects.filter(scope=scope)
    values = _as_values(rows.exclude(dimension__in=LARGE_DIMENSIONS))
    counts: dict[str, int] = {}
    top_keys: dict[str, set[str]] = {}
    large = [t for t in tables_for(scope) if t.dimension in LARGE_DIMENSIONS]
    ranked = (
        rows.filter(dimension__in=LARGE_DIMENSIONS, metric__in={t.metrics[0] for t in large})
        .order_by("-value", "key")
        .values_list("metric", "dimension", "key")
    )
    # One query for the ranking of every large table; the keys per table are few.
    ordered: dict[tuple[str, str], list[str]] = {}
    for metric, dimension, key in ranked:
        ordered.setdefault((metric, dimension), []).append(key)
    for table in large:
        keys = ordered.get((table.metrics[0], table.dimension), [])
        counts[table.slug] = len(keys)
        top_keys.setdefault(table.dimension, set()).update(keys[:limit])
    for dimension, wanted in top_keys.items():
        values |= _as_values(rows.filter(dimension=dimension, key__in=list(wanted)))
    return values, counts


def _as_values(rows: QuerySet[StatValue]) -> Values:
    found = rows.values_list("metric", "dimension", "key", "label", "value")
    return {(metric, dim, key): (label, value) for metric, dim, key, label, value in found}


def live_values(scope: str) -> Values:
    """The same figures computed on the spot by GROUP BY (for the benchmark's comparison and
    to check that the precomputed table matches the data)."""
    province = None if scope == NATIONAL else scope
    values: Values = {}
    for metric in METRICS.values():
        for row_scope, dim, key, label, value in metric.compute(province):
            if row_scope == scope:
                values[(metric.slug, dim, key)] = (label, value)
    return values


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(status=RefreshRun.Status.DONE).order_by("-finished_at").first()


@dataclass
class Figure:
    slug: str
    label: str
    definition: str
    value: Decimal | None
    is_ratio: bool
    drillable: bool
    unit: str = ""


@dataclass
class TableRow:
    key: str
    label: str
    cells: list[Decimal]
    ratios: list[Decimal | None]
    metrics: tuple[str, ...] = ()
    # (metric slug, value, drill-down URL) per cell, filled by `link_rows` for the page.
    links: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def linked_cells(self) -> list[tuple[str, Decimal]]:
        """(metric slug, value) pairs, for links to the records behind each figure."""
        return list(zip(self.metrics, self.cells, strict=True))


@dataclass
class TableData:
    table: Table
    headers: list[Figure]
    rows: list[TableRow] = field(default_factory=list)
    # Rows shown on the page (the largest ones); exports carry all `rows`.
    shown: list[TableRow] = field(default_factory=list)
    # How many keys the dimension has in all (the page may load only the largest).
    total_rows: int = 0

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.table.dimension].label)


def figure(slug: str, values: Values, dimension: str = TOTAL, key: str = "") -> Figure:
    """One metric or ratio's value for one key (the total by default)."""
    if slug in RATIOS:
        spec = RATIOS[slug]
        value = ratio(
            _value(values, spec.numerator, dimension, key),
            _value(values, spec.denominator, dimension, key),
            spec.scale,
        )
        return Figure(slug, str(spec.label), str(spec.definition), value, True, False, spec.unit)
    metric = METRICS[slug]
    value = _value(values, slug, dimension, key) or Decimal(0)
    return Figure(slug, str(metric.label), str(metric.definition), value, False, metric.drillable)


def _value(values: Values, metric: str, dimension: str, key: str) -> Decimal | None:
    found = values.get((metric, dimension, key))
    return found[1] if found else None


def key_label(dimension: str, key: str, stored: str) -> str:
    choices = DIMENSIONS[dimension].choices
    if key in choices:
        return str(choices[key])
    return stored or key or "—"


def table_data(table: Table, values: Values) -> TableData:
    """Rows of `table` (one per key having any figure), largest first (months in order)."""
    keys: dict[str, str] = {}
    wanted = set(table.metrics)
    for (metric, dimension, key), (label, _amount) in values.items():
        if dimension == table.dimension and metric in wanted:
            keys.setdefault(key, label)
    headers = [figure(slug, {}) for slug in (*table.metrics, *table.ratios)]
    data = TableData(table, headers)
    for key, stored in keys.items():
        cells = [_value(values, slug, table.dimension, key) or Decimal(0) for slug in table.metrics]
        ratios = [figure(slug, values, table.dimension, key).value for slug in table.ratios]
        label = key_label(table.dimension, key, stored)
        data.rows.append(TableRow(key, label, cells, ratios, table.metrics))
    if table.dimension == "month":
        data.rows.sort(key=lambda row: row.key)
    else:
        data.rows.sort(key=lambda row: (-row.cells[0], row.key))
    return data


def tables_for(scope: str) -> list[Table]:
    return [t for t in TABLES.values() if scope == NATIONAL or not t.national_only]


def dashboard(scope: str, values: Values) -> dict[str, Any]:
    """Everything a dashboard page, the API or the monthly report shows for one scope."""
    sections = []
    for section in SECTIONS:
        sections.append(
            {
                "section": section,
                "figures": [figure(slug, values) for slug in KEY_FIGURES[section.slug]],
                "tables": [
                    table_data(t, values) for t in tables_for(scope) if t.section == section.slug
                ],
            }
        )
    return {"scope": scope, "sections": sections}


def metric_or_404(slug: str) -> Metric:
    try:
        return METRICS[slug]
    except KeyError:
        raise Http404 from None


def table_or_404(slug: str, scope: str) -> Table:
    table = TABLES.get(slug)
    if table is None or table not in tables_for(scope):
        raise Http404
    return table


def drill_records(
    user: User | AnonymousUser, scope: str, metric: Metric, dimension: str, key: str
) -> QuerySet[Any]:
    """The records behind one figure, scoped to the viewer (see `check_scope` first)."""
    if not metric.drillable or (dimension != TOTAL and dimension not in metric.source.filters):
        raise Http404
    try:
        records = metric.records(user, scope, dimension, key)
    except (ValueError, TypeError, KeyError):
        # A malformed key (a month that is not YYYY-MM, an institution id out of range) names no
        # records. Keys are checked here, before the query runs: the database would fail later.
        raise Http404 from None
    return records.select_related(*RELATED[metric.columns]).order_by("-pk")


#: Joins the drill-down page needs for each kind of record.
RELATED: dict[str, tuple[str, ...]] = {
    "patent": ("organisation",),
    "spot_check_item": ("patent__organisation",),
    "intent": ("patent__organisation", "enterprise"),
    "rating": ("patent__organisation", "enterprise"),
    "deal": ("patent__organisation", "enterprise"),
    "profile": ("organisation",),
    "need": ("enterprise",),
    "institution": ("organisation",),
    "filing": ("institution__organisation",),
}


def link_rows(data: TableData, scope: str, limit: int, counts: dict[str, int]) -> None:
    """Keep the `limit` first rows for the page, each cell with its drill-down URL.

    URLs are built by string concatenation from one reverse() per metric: reversing per cell
    made a national page with thousands of institutions take seconds.
    """
    bases = {
        slug: reverse("dashboards:drill", args=[scope, slug]) if METRICS[slug].drillable else ""
        for slug in data.table.metrics
    }
    prefix = f"?dimension={data.table.dimension}&key="
    data.shown = data.rows[:limit]
    data.total_rows = max(len(data.rows), counts.get(data.table.slug, 0))
    for row in data.shown:
        query = prefix + quote(row.key)
        row.links = [
            (slug, f"{value:.0f}", bases[slug] + query if bases[slug] else "")
            for slug, value in row.linked_cells
        ]
