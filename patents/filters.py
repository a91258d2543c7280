"""Library filters, shared by the library page and /api/library/."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, DateField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import PATENT_OWNER_KINDS, Organisation
from patents.models import (
    DEAL_FORM_FIELDS,
    LIBRARY_LEGAL_STATUS,
    DealForm,
    Patent,
    PatentType,
    ReviewStatus,
    ValueGrade,
    in_industry,
)
from patents.pagination import SortKey
from patents.search import facet_filter, keyword_filter
from refdata.models import Region


def _grade_rank(*grades: ValueGrade) -> Case:
    """A rank that sorts `grades` first to last in descending order, newest first within each,
    and patents without a grade after all of them (rank 0), whichever way the grades run."""
    ranks = [When(value_grade=grade, then=Value(len(grades) - i)) for i, grade in enumerate(grades)]
    return Case(*ranks, default=Value(0), output_field=IntegerField())


def _or_else(field: str, missing: date | int) -> Coalesce:
    """`field`, or `missing` where the record has none: a value that sorts after every real one
    in the sort's direction."""
    output = DateField() if isinstance(missing, date) else IntegerField()
    return Coalesce(field, Value(missing), output_field=output)


SORTS: dict[str, tuple[Any, SortKey]] = {
    "newest": (_("Newest first"), SortKey("id", descending=True)),
    "oldest": (_("Oldest first"), SortKey("id", descending=False)),
    # A patent without the sort's value comes last, never drops out of the list.
    "filed_desc": (
        _("Filed most recently"),
        SortKey("filed_on", descending=True, expression=_or_else("application_date", date.min)),
    ),
    "filed_asc": (
        _("Filed earliest"),
        SortKey("filed_on", descending=False, expression=_or_else("application_date", date.max)),
    ),
    "maturity": (
        _("Most mature"),
        SortKey("maturity_rank", descending=True, expression=_or_else("maturity", 0)),
    ),
    "grade_desc": (
        _("Value self-grade, highest first"),
        SortKey("grade_rank", descending=True, expression=_grade_rank(*ValueGrade)),
    ),
    "grade_asc": (
        _("Value self-grade, lowest first"),
        SortKey("grade_rank", descending=True, expression=_grade_rank(*reversed(ValueGrade))),
    ),
}
DEFAULT_SORT = "newest"
_TRL_MIN, _TRL_MAX = 1, 9  # the `maturity_is_trl` constraint


def sort_key(name: str | None) -> SortKey:
    return SORTS.get(name or DEFAULT_SORT, SORTS[DEFAULT_SORT])[1]


def _owned_by(queryset: QuerySet[Patent], owners: list[int]) -> QuerySet[Patent]:
    """Patents of these institutions, as a condition no index answers (`organisation_id + 0`).

    The GIN index answers owners as facet tokens together with the keyword; given a plain
    `organisation_id = ANY(...)` the planner also scans the owner btree and ANDs the two bitmaps,
    which for a province reads ~80,000 index entries to drop nothing the tokens kept (13 of 24 ms
    of the slowest province searches on the 1M-row benchmark)."""
    return queryset.alias(_owner=F("organisation_id") + 0).filter(_owner__in=owners)


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    ipc = django_filters.CharFilter(
        method="filter_ipc", label=_("IPC section, class or subclass"), max_length=4
    )
    industry = django_filters.CharFilter(
        method="filter_industry", label=_("Industry (GB/T 4754 code or section)"), max_length=4
    )
    province = django_filters.ModelChoiceFilter(
        method="filter_province",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        label=_("Province"),
    )
    institution = django_filters.ModelChoiceFilter(
        method="filter_institution",
        queryset=Organisation.objects.filter(kind__in=PATENT_OWNER_KINDS),
        label=_("Institution"),
    )
    patent_type = django_filters.ChoiceFilter(
        choices=PatentType.choices, method="filter_patent_type", label=_("Patent type")
    )
    # Only what the library can hold: offering "pending" or "lapsed" would only ever find nothing.
    legal_status = django_filters.ChoiceFilter(
        choices=[(LIBRARY_LEGAL_STATUS.value, LIBRARY_LEGAL_STATUS.label)], label=_("Legal status")
    )
    deal_form = django_filters.ChoiceFilter(
        choices=DealForm.choices, method="filter_deal_form", label=_("Deal form")
    )
    open_licence = django_filters.BooleanFilter(
        method="filter_open_licence",
        label=_("Open licence offered"),
        # A plain select, so it is styled like the other dropdowns (the `bs` template filter
        # does not know NullBooleanSelect and rendered it as a text box); "true"/"false" as before.
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    maturity_min = django_filters.NumberFilter(
        method="filter_maturity_min", label=_("Maturity from (TRL)")
    )
    maturity_max = django_filters.NumberFilter(
        method="filter_maturity_max", label=_("Maturity up to (TRL)")
    )
    value_grade = django_filters.ChoiceFilter(
        choices=ValueGrade.choices, label=_("Value self-grade")
    )
    sort = django_filters.ChoiceFilter(
        choices=[(name, label) for name, (label, _key) in SORTS.items()],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Patent
        fields: list[str] = []

    def filter_keyword(self, queryset: QuerySet[Patent], name: str, value: str) -> QuerySet[Patent]:
        return keyword_filter(queryset, value)

    def filter_province(
        self, queryset: QuerySet[Patent], name: str, value: Region
    ) -> QuerySet[Patent]:
        # The rule: owned by one of the province's institutions, as a list of ids (a join made
        # the planner repeat the GIN scan once per institution). The index answers it as the
        # single token of the province (migration 0008), however many institutions it has.
        owners = list(
            Organisation.objects.using(queryset.db)
            .filter(province=value)
            .order_by()
            .values_list("pk", flat=True)
        )
        return facet_filter(_owned_by(queryset, owners), "prov", [value.pk])

    def filter_institution(
        self, queryset: QuerySet[Patent], name: str, value: Organisation
    ) -> QuerySet[Patent]:
        return facet_filter(_owned_by(queryset, [value.pk]), "org", [value.pk])

    def filter_patent_type(
        self, queryset: QuerySet[Patent], name: str, value: str
    ) -> QuerySet[Patent]:
        return facet_filter(queryset.filter(patent_type=value), "type", [value])

    def filter_open_licence(
        self, queryset: QuerySet[Patent], name: str, value: bool
    ) -> QuerySet[Patent]:
        queryset = queryset.filter(offers_open_licence=value)
        # Only "offered" is a facet: an index can't usefully look up what a row lacks.
        return facet_filter(queryset, "deal", ["open_licence"]) if value else queryset

    def filter_maturity_min(
        self, queryset: QuerySet[Patent], name: str, value: Decimal
    ) -> QuerySet[Patent]:
        # Whole levels: "from 4.5" means from 5 (Django truncates a Decimal to 4 otherwise).
        lowest = math.ceil(value)
        queryset = queryset.filter(maturity__gte=lowest)
        return facet_filter(queryset, "mat", range(max(_TRL_MIN, lowest), _TRL_MAX + 1))

    def filter_maturity_max(
        self, queryset: QuerySet[Patent], name: str, value: Decimal
    ) -> QuerySet[Patent]:
        highest = math.floor(value)
        queryset = queryset.filter(maturity__lte=highest)
        return facet_filter(queryset, "mat", range(_TRL_MIN, min(_TRL_MAX, highest) + 1))

    def filter_ipc(self, queryset: QuerySet[Patent], name: str, value: str) -> QuerySet[Patent]:
        # Section (H), class (H01) or subclass (H01M): all are prefixes of the stored subclass,
        # and migration 0004 stores each prefix of it as a facet.
        prefix = value.strip().upper()
        return facet_filter(queryset.filter(ipc_subclass__startswith=prefix), "ipc", [prefix])

    def filter_industry(
        self, queryset: QuerySet[Patent], name: str, value: str
    ) -> QuerySet[Patent]:
        return queryset.filter(in_industry(value.strip().upper()))

    def filter_deal_form(
        self, queryset: QuerySet[Patent], name: str, value: str
    ) -> QuerySet[Patent]:
        form = DealForm(value)
        return facet_filter(queryset.filter(**{DEAL_FORM_FIELDS[form]: True}), "deal", [form])

    def filter_sort(self, queryset: QuerySet[Patent], name: str, value: str) -> QuerySet[Patent]:
        return queryset  # applied by the paginator, which needs the key itself


class InventoryFilter(django_filters.FilterSet):
    """The inventory list: review status plus keyword."""

    q = django_filters.CharFilter(method="filter_q", label=_("Title or application number"))
    review_status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices, label=_("Review status")
    )

    class Meta:
        model = Patent
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Patent], name: str, value: str) -> QuerySet[Patent]:
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(application_no__icontains=value))
