"""The registry of dashboard figures: what each one counts, how, and which records lie behind it.

Every metric has
- a translatable label and a written definition (shown as the tooltip on the page);
- a compute function doing set-based aggregation over the whole database (one GROUP BY per
  dimension, grouped by province as well), returning rows for each province and for the nation;
- a drill-down returning the records behind one figure, starting from the owning app's selector so
  that a viewer never sees more than that selector allows.

Only additive counts are stored; ratios (progress, pass rate, conversion rate) are derived from two
stored counts when shown, so that a national figure is always the sum of the provincial ones.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Aggregate, Count, F, Model, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.filters import parse_id
from accounts.models import Organisation, User
from dashboards.models import NATIONAL
from patents.models import (
    IN_LIBRARY,
    InventoryCategory,
    Patent,
    ReviewStatus,
    SpotCheckItem,
    SpotCheckResult,
)
from patents.selectors import patents_for
from refdata.models import Industry, IpcClass, Region

#: (scope, dimension, key, label, value)
Row = tuple[str, str, str, str, Decimal]
Viewer = User | AnonymousUser

TOTAL = "total"


@dataclass(frozen=True)
class Dimension:
    slug: str
    label: Promise
    # Fixed labels of keys that are choices (the others carry a stored label).
    choices: dict[str, Any] = field(default_factory=dict)


DIMENSIONS: dict[str, Dimension] = {
    d.slug: d
    for d in [
        Dimension(TOTAL, _("Total")),
        Dimension("province", _("Province")),
        Dimension("institution", _("Institution")),
        Dimension("city", _("City")),
        Dimension("month", _("Month")),
        Dimension("category", _("Inventory category"), dict(InventoryCategory.choices)),
        Dimension("industry", _("Industry (GB/T 4754 section)")),
        Dimension("ipc", _("IPC section")),
    ]
}


@dataclass(frozen=True)
class Source:
    """How to group and filter one model: where its province is, and each dimension's
    expression (for GROUP BY) and filter (for drill-down)."""

    province_path: str
    group: dict[str, Any]
    filters: dict[str, Callable[[str], Q]]
    labels: dict[str, Callable[[set[str]], dict[str, str]]]
    # Dimensions whose keys are fixed conditions rather than a column (a JSON list of kinds,
    # a kind that depends on two columns): counted with one filtered aggregate per key.
    buckets: dict[str, dict[str, Q]] = field(default_factory=dict)


def count_rows(condition: Q | None = None) -> Aggregate:
    return Count("pk", filter=condition)


#: What a metric adds up per group: rows by default, or e.g. the sum of an amount.
Measure = Callable[[Q | None], Aggregate]


@dataclass(frozen=True)
class Metric:
    slug: str
    section: str
    label: Promise
    definition: Promise
    source: Source
    condition: Q
    model: type[Model]
    dimensions: tuple[str, ...]
    # Records the viewer may open, before the metric's own condition and the figure's filters.
    visible: Callable[[Viewer], QuerySet[Any]]
    columns: str = "patent"
    measure: Measure = count_rows
    # False for records private to their owner (subscriptions, inbox notifications): the figure
    # is shown, the rows behind it are not.
    drillable: bool = True
    # A condition depending on the day of the refresh (overdue answers, filings, audits).
    condition_on: Callable[[], Q] | None = None

    @property
    def is_count(self) -> bool:
        """A number of records (a whole number), not a sum of amounts or days."""
        return self.measure is count_rows

    def where(self) -> Q:
        return self.condition & self.condition_on() if self.condition_on else self.condition

    def compute(self, province: str | None = None) -> list[Row]:
        """All rows of this metric, for every province and the nation (or one province, live)."""
        queryset = self.model._default_manager.filter(self.where())  # type: ignore[attr-defined]
        return aggregate(queryset, self.source, self.dimensions, province, self.measure)

    def records(self, user: Viewer, scope: str, dimension: str, key: str) -> QuerySet[Any]:
        """The records behind one figure, as far as `user` may see them."""
        if not self.drillable:
            return self.model._default_manager.none()  # type: ignore[attr-defined,no-any-return]
        queryset = self.visible(user).filter(self.where())
        if scope != NATIONAL:
            queryset = queryset.filter(**{self.source.province_path: scope})
        if dimension != TOTAL:
            queryset = queryset.filter(self.source.filters[dimension](key))
        return queryset


@dataclass(frozen=True)
class Ratio:
    slug: str
    label: Promise
    definition: Promise
    numerator: str
    denominator: str
    # 100 for a share in percent; 1 for a mean (e.g. days per answer).
    scale: int = 100
    unit: str = "%"


def _month_key(value: Any) -> str:
    return value.strftime("%Y-%m") if value is not None else ""


#: A month key as the refresh writes it. Years are bounded because the database lookup turns a
#: year into datetimes, which Python cannot build for year 0 or 99999 (a 500, not a 404).
MONTH_KEY = re.compile(r"^((?:19|20)\d\d)-(0[1-9]|1[0-2])$")


def _month_filter(path: str) -> Callable[[str], Q]:
    def build(key: str) -> Q:
        found = MONTH_KEY.match(key)
        if found is None:
            raise ValueError(key)
        year, month = found.groups()
        return Q(**{f"{path}__year": int(year), f"{path}__month": int(month)})

    return build


def _or_blank(path: str, *, lookup: str = "", blank_is_null: bool = True) -> Callable[[str], Q]:
    """Filter on `path` = key, where an empty key means 'not set'."""

    def build(key: str) -> Q:
        if key:
            return Q(**{f"{path}{lookup}": key})
        return Q(**{f"{path}__isnull": True}) if blank_is_null else Q(**{path: ""})

    return build


def _org_names(keys: set[str]) -> dict[str, str]:
    ids = [int(k) for k in keys if k]
    return {
        str(pk): name
        for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
    }


def _region_names(keys: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))


def _industry_names(keys: set[str]) -> dict[str, str]:
    return dict(Industry.objects.filter(code__in=keys).values_list("code", "name"))


def _ipc_names(keys: set[str]) -> dict[str, str]:
    return dict(IpcClass.objects.filter(code__in=keys).values_list("code", "title_zh_short"))


def _patent_source(prefix: str = "") -> Source:
    """Dimensions of a patent, reached from the counted model through `prefix`."""
    org = f"{prefix}organisation"
    return Source(
        province_path=f"{org}__province_id",
        group={
            "institution": F(f"{org}_id"),
            "city": F(f"{org}__city_id"),
            "month": TruncMonth(f"{prefix}created_at"),
            "category": F(f"{prefix}inventory_category"),
            "industry": F(f"{prefix}industry__section"),
            "ipc": Substr(f"{prefix}ipc_subclass", 1, 1),
        },
        filters={
            "province": lambda key: Q(**{f"{org}__province_id": key}),
            "institution": lambda key: Q(**{f"{org}_id": parse_id(key)}),
            "city": _or_blank(f"{org}__city_id"),
            "month": _month_filter(f"{prefix}created_at"),
            "category": lambda key: Q(**{f"{prefix}inventory_category": key}),
            "industry": _or_blank(f"{prefix}industry__section"),
            "ipc": _or_blank(f"{prefix}ipc_subclass", lookup="__startswith", blank_is_null=False),
        },
        labels={
            "province": _region_names,
            "institution": _org_names,
            "city": _region_names,
            "industry": _industry_names,
            "ipc": _ipc_names,
        },
    )


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(round(value, 2)))


def aggregate(
    queryset: QuerySet[Any],
    source: Source,
    dimensions: Iterable[str],
    province: str | None,
    measure: Measure = count_rows,
) -> list[Row]:
    """Measure `queryset` per province and per (province, key) of each dimension, and sum the
    provinces into national rows. One GROUP BY per dimension, over the whole table."""
    if province is not None:
        queryset = queryset.filter(**{source.province_path: province})
    rows: list[Row] = []
    national: dict[tuple[str, str], Decimal] = defaultdict(Decimal)

    def add(scope: str | None, dimension: str, key: str, n: Any) -> None:
        # Empty groups of a sum (no amounts) are left out rather than stored as 0.
        if scope is None or n is None:
            return
        rows.append((scope, dimension, key, "", _decimal(n)))
        national[(dimension, key)] += _decimal(n)

    by_province = source.province_path
    for scope, n in queryset.values_list(by_province).annotate(n=measure(None)).order_by():
        add(scope, TOTAL, "", n)
        if scope is not None and n is not None:
            national[("province", scope)] += _decimal(n)
    for dimension in dimensions:
        if dimension in (TOTAL, "province"):
            continue
        if dimension in source.buckets:
            buckets = list(source.buckets[dimension].items())
            named = {f"b{i}": measure(q) for i, (_key, q) in enumerate(buckets)}
            for found in queryset.values(by_province).annotate(**named).order_by():
                for i, (key, _q) in enumerate(buckets):
                    if found[f"b{i}"]:
                        add(found[by_province], dimension, key, found[f"b{i}"])
            continue
        grouped = (
            queryset.annotate(_key=source.group[dimension])
            .values_list(by_province, "_key")
            .annotate(n=measure(None))
            .order_by()
        )
        for scope, raw_key, n in grouped:
            key = _month_key(raw_key) if dimension == "month" else str(raw_key or "")
            add(scope, dimension, key, n)
    rows.extend((NATIONAL, dim, key, "", value) for (dim, key), value in national.items())
    return _with_labels(rows, source)


def _with_labels(rows: list[Row], source: Source) -> list[Row]:
    keys: dict[str, set[str]] = defaultdict(set)
    for _scope, dimension, key, _label, _value in rows:
        if dimension in source.labels:
            keys[dimension].add(key)
    names = {dim: source.labels[dim](found) for dim, found in keys.items()}
    return [
        (scope, dim, key, names.get(dim, {}).get(key, ""), value)
        for scope, dim, key, _label, value in rows
    ]


PATENT = _patent_source()
SPOT_CHECK_ITEM = _patent_source("patent__")
PATENT_DIMENSIONS = ("province", "institution", "city", "month", "category", "industry", "ipc")


def _spot_check_items_for(user: Viewer) -> QuerySet[SpotCheckItem]:
    # Items of patents the viewer may open: the patents selector is the one door.
    return SpotCheckItem.objects.filter(patent__in=patents_for(user))


INVENTORY = "inventory"

METRICS: dict[str, Metric] = {
    m.slug: m
    for m in [
        Metric(
            slug="patents_inventoried",
            section=INVENTORY,
            label=_("Patents inventoried"),
            definition=_(
                "Patent records entered in the inventory by institutions of the area, whatever "
                "their review status; by month of entry."
            ),
            source=PATENT,
            condition=Q(),
            model=Patent,
            dimensions=PATENT_DIMENSIONS,
            visible=patents_for,
        ),
        Metric(
            slug="patents_admitted",
            section=INVENTORY,
            label=_("Admitted after review"),
            definition=_(
                "Inventoried patents whose review by college and university is complete "
                "(review status: admitted to the library)."
            ),
            source=PATENT,
            condition=Q(review_status=ReviewStatus.ADMITTED),
            model=Patent,
            dimensions=PATENT_DIMENSIONS,
            visible=patents_for,
        ),
        Metric(
            slug="library_patents",
            section=INVENTORY,
            label=_("In the conversion library"),
            definition=_(
                "Patents open to enterprises in the convertible patent library: admitted, "
                "legally valid and self-assessed as having conversion prospects."
            ),
            source=PATENT,
            condition=IN_LIBRARY,
            model=Patent,
            dimensions=PATENT_DIMENSIONS,
            visible=patents_for,
        ),
        Metric(
            slug="spot_checked",
            section=INVENTORY,
            label=_("Spot-check items decided"),
            definition=_(
                "Items of the bureau's spot checks that were decided (passed or failed); items "
                "not checked yet are not counted."
            ),
            source=SPOT_CHECK_ITEM,
            condition=Q(result__in=[SpotCheckResult.PASSED, SpotCheckResult.FAILED]),
            model=SpotCheckItem,
            dimensions=("province", "institution"),
            visible=_spot_check_items_for,
            columns="spot_check_item",
        ),
        Metric(
            slug="spot_passed",
            section=INVENTORY,
            label=_("Spot-check items passed"),
            definition=_("Decided spot-check items whose result is 'passed'."),
            source=SPOT_CHECK_ITEM,
            condition=Q(result=SpotCheckResult.PASSED),
            model=SpotCheckItem,
            dimensions=("province", "institution"),
            visible=_spot_check_items_for,
            columns="spot_check_item",
        ),
    ]
}

RATIOS: dict[str, Ratio] = {
    r.slug: r
    for r in [
        Ratio(
            "inventory_progress",
            _("Review progress"),
            _("Admitted after review ÷ patents inventoried."),
            "patents_admitted",
            "patents_inventoried",
        ),
        Ratio(
            "library_share",
            _("Share in the library"),
            _("Patents in the conversion library ÷ patents inventoried."),
            "library_patents",
            "patents_inventoried",
        ),
        Ratio(
            "spot_check_pass_rate",
            _("Spot-check pass rate"),
            _("Spot-check items passed ÷ spot-check items decided."),
            "spot_passed",
            "spot_checked",
        ),
    ]
}


def ratio(
    numerator: Decimal | None, denominator: Decimal | None, scale: int = 100
) -> Decimal | None:
    """A share in percent (or a mean, scale 1) with one decimal, or None when there is nothing
    to divide by."""
    if not denominator:
        return None
    return (Decimal(scale) * (numerator or 0) / denominator).quantize(Decimal("0.1"))


# The demand, conversion, responsiveness and evaluation figures live in their own module; it
# imports the classes above, so it is imported (and merged in) only once they exist.
from dashboards.activity import ACTIVITY_DIMENSIONS, ACTIVITY_METRICS, ACTIVITY_RATIOS  # noqa: E402

DIMENSIONS |= ACTIVITY_DIMENSIONS
METRICS |= ACTIVITY_METRICS
RATIOS |= ACTIVITY_RATIOS
