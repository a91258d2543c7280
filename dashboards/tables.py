"""What the dashboard shows: key figures and tables, each built from registered metrics.

Pages, exports, the monthly report and the API all render these same definitions, so an exported
file carries exactly the numbers of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dashboards.metrics import INVENTORY


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise


@dataclass(frozen=True)
class Table:
    slug: str
    section: str
    title: Promise
    dimension: str
    metrics: tuple[str, ...]
    ratios: tuple[str, ...] = ()
    # Only meaningful for all provinces together (the per-province comparison).
    national_only: bool = False
    chart: str = ""  # "bar", "line" or nothing


SECTIONS: list[Section] = [Section(INVENTORY, _("Inventory"))]

#: Key figures at the top of each section: metric or ratio slugs.
KEY_FIGURES: dict[str, tuple[str, ...]] = {
    INVENTORY: (
        "patents_inventoried",
        "patents_admitted",
        "library_patents",
        "inventory_progress",
        "spot_check_pass_rate",
    ),
}

_INVENTORY_COUNTS = ("patents_inventoried", "patents_admitted", "library_patents")

TABLES: dict[str, Table] = {
    t.slug: t
    for t in [
        Table(
            "inventory_by_province",
            INVENTORY,
            _("Inventory by province"),
            "province",
            (*_INVENTORY_COUNTS, "spot_checked", "spot_passed"),
            ("inventory_progress", "spot_check_pass_rate"),
            national_only=True,
            chart="bar",
        ),
        Table(
            "inventory_by_institution",
            INVENTORY,
            _("Inventory by institution"),
            "institution",
            (*_INVENTORY_COUNTS, "spot_checked", "spot_passed"),
            ("inventory_progress", "spot_check_pass_rate"),
        ),
        Table(
            "inventory_by_category",
            INVENTORY,
            _("Inventory by category"),
            "category",
            _INVENTORY_COUNTS,
            chart="bar",
        ),
        Table(
            "inventory_by_month",
            INVENTORY,
            _("Inventory by month of entry"),
            "month",
            _INVENTORY_COUNTS,
            chart="line",
        ),
        Table(
            "inventory_by_industry",
            INVENTORY,
            _("Inventory by industry"),
            "industry",
            _INVENTORY_COUNTS,
            ("library_share",),
            chart="bar",
        ),
        Table(
            "inventory_by_ipc",
            INVENTORY,
            _("Inventory by IPC section"),
            "ipc",
            _INVENTORY_COUNTS,
            ("library_share",),
            chart="bar",
        ),
        Table(
            "inventory_by_city",
            INVENTORY,
            _("Inventory by city"),
            "city",
            _INVENTORY_COUNTS,
            ("library_share",),
        ),
    ]
}
