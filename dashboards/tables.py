"""What the dashboard shows: key figures and tables, each built from registered metrics.

Pages, exports, the monthly report and the API all render these same definitions, so an exported
file carries exactly the numbers of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dashboards.activity import CONVERSION, DEMAND, EVALUATION, RESPONSIVENESS
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


SECTIONS: list[Section] = [
    Section(INVENTORY, _("Inventory")),
    Section(DEMAND, _("Demand")),
    Section(CONVERSION, _("Conversion")),
    Section(RESPONSIVENESS, _("Responsiveness")),
    Section(EVALUATION, _("Evaluation")),
]

#: Key figures at the top of each section: metric or ratio slugs.
KEY_FIGURES: dict[str, tuple[str, ...]] = {
    INVENTORY: (
        "patents_inventoried",
        "patents_admitted",
        "library_patents",
        "inventory_progress",
        "spot_check_pass_rate",
    ),
    DEMAND: (
        "enterprises_registered",
        "enterprises_verified",
        "technology_needs",
        "patent_subscriptions",
        "topic_subscriptions",
        "intents",
        "ratings",
        "average_rating",
        "matches_recommended",
        "matches_pushed",
        "matches_opened",
    ),
    CONVERSION: (
        "deals",
        "deal_amount",
        "library_with_intent",
        "library_with_deal",
        "intent_rate",
        "conversion_rate",
        "implementation_reported",
        "deals_out_of_province",
        "deals_into_province",
    ),
    RESPONSIVENESS: (
        "intents_answered",
        "average_answer_days",
        "intents_answered_late",
        "late_answer_share",
        "intents_overdue",
    ),
    EVALUATION: ("appraisal_institutions", "filings_overdue", "audits_overdue"),
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
        # --- Demand ---------------------------------------------------------------------
        Table(
            "demand_by_province",
            DEMAND,
            _("Demand by province"),
            "province",
            ("enterprises_registered", "enterprises_verified", "technology_needs", "intents"),
            national_only=True,
            chart="bar",
        ),
        Table(
            "demand_by_month",
            DEMAND,
            _("Intents and needs by month"),
            "month",
            ("intents", "technology_needs", "enterprises_registered"),
            chart="line",
        ),
        Table("intents_by_kind", DEMAND, _("Intents by kind"), "kind", ("intents",), chart="bar"),
        Table(
            "intents_by_institution",
            DEMAND,
            _("Intents and ratings by institution"),
            "institution",
            ("intents", "ratings"),
            ("average_rating",),
        ),
        Table(
            "ratings_by_score", DEMAND, _("Ratings by score"), "score", ("ratings",), chart="bar"
        ),
        Table(
            "ratings_by_reason",
            DEMAND,
            _("Rating reasons"),
            "reason",
            ("ratings",),
            chart="bar",
        ),
        Table(
            "enterprises_by_city",
            DEMAND,
            _("Enterprises and needs by city"),
            "city",
            ("enterprises_registered", "enterprises_verified", "technology_needs"),
        ),
        Table(
            "matches_by_month",
            DEMAND,
            _("Matches pushed by month"),
            "month",
            ("matches_pushed", "matches_opened"),
            ("match_open_rate",),
        ),
        # --- Conversion -----------------------------------------------------------------
        Table(
            "conversion_by_province",
            CONVERSION,
            _("Conversion by province"),
            "province",
            ("library_patents", "library_with_intent", "library_with_deal", "deals", "deal_amount"),
            ("intent_rate", "conversion_rate"),
            national_only=True,
            chart="bar",
        ),
        Table(
            "deals_by_kind",
            CONVERSION,
            _("Deals by kind"),
            "kind",
            ("deals", "deal_amount"),
            chart="bar",
        ),
        Table(
            "deals_by_month",
            CONVERSION,
            _("Deals by month of contract"),
            "month",
            ("deals", "deal_amount"),
            chart="line",
        ),
        Table(
            "conversion_by_institution",
            CONVERSION,
            _("Conversion by institution"),
            "institution",
            ("library_patents", "library_with_intent", "library_with_deal", "deals", "deal_amount"),
            ("intent_rate", "conversion_rate"),
        ),
        Table(
            "conversion_by_industry",
            CONVERSION,
            _("Conversion by industry"),
            "industry",
            ("library_patents", "library_with_intent", "library_with_deal", "deals"),
            ("intent_rate", "conversion_rate"),
        ),
        Table(
            "implementation_by_status",
            CONVERSION,
            _("Implementation and industrialization reported"),
            "implementation",
            ("implementation_reported",),
            chart="bar",
        ),
        Table(
            "deals_out_by_flow",
            CONVERSION,
            _("Deals out of the province"),
            "flow",
            ("deals_out_of_province",),
        ),
        Table(
            "deals_in_by_flow",
            CONVERSION,
            _("Deals into the province"),
            "flow",
            ("deals_into_province",),
        ),
        # --- Responsiveness -------------------------------------------------------------
        Table(
            "responsiveness_by_province",
            RESPONSIVENESS,
            _("Responsiveness by province"),
            "province",
            ("intents", "intents_answered", "intents_answered_late", "intents_overdue"),
            ("average_answer_days", "late_answer_share"),
            national_only=True,
        ),
        Table(
            "responsiveness_by_institution",
            RESPONSIVENESS,
            _("Responsiveness by institution"),
            "institution",
            ("intents", "intents_answered", "intents_answered_late", "intents_overdue"),
            ("average_answer_days", "late_answer_share"),
        ),
        Table(
            "responsiveness_by_month",
            RESPONSIVENESS,
            _("Answers by month declared"),
            "month",
            ("intents_answered", "intents_answered_late"),
            ("average_answer_days", "late_answer_share"),
        ),
        # --- Evaluation -----------------------------------------------------------------
        Table(
            "evaluation_by_province",
            EVALUATION,
            _("Evaluation by province"),
            "province",
            ("appraisal_institutions", "filings_overdue", "audits_overdue"),
            national_only=True,
        ),
        Table(
            "appraisal_by_status",
            EVALUATION,
            _("Appraisal institutions by status"),
            "status",
            ("appraisal_institutions",),
        ),
        Table(
            "filings_overdue_by_institution",
            EVALUATION,
            _("Overdue filings by appraisal institution"),
            "institution",
            ("filings_overdue",),
        ),
    ]
}
