"""Library filters, shared by the library page and /api/library/."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import PATENT_OWNER_KINDS, Organisation
from patents.models import DealForm, LegalStatus, Patent, PatentType, ReviewStatus
from patents.pagination import SortKey
from patents.search import keyword_filter
from refdata.models import Region

SORTS: dict[str, tuple[Any, SortKey]] = {
    "newest": (_("Newest first"), SortKey("id", descending=True)),
    "oldest": (_("Oldest first"), SortKey("id", descending=False)),
    "filed_desc": (_("Filed most recently"), SortKey("application_date", descending=True)),
    "filed_asc": (_("Filed earliest"), SortKey("application_date", descending=False)),
    "maturity": (_("Most mature"), SortKey("maturity", descending=True)),
}
DEFAULT_SORT = "newest"

_DEAL_FORM_FIELDS = {
    DealForm.TRANSFER: "offers_transfer",
    DealForm.EXCLUSIVE_LICENCE: "offers_exclusive_licence",
    DealForm.ORDINARY_LICENCE: "offers_ordinary_licence",
    DealForm.OPEN_LICENCE: "offers_open_licence",
    DealForm.INVESTMENT: "offers_investment",
}


def sort_key(name: str | None) -> SortKey:
    return SORTS.get(name or DEFAULT_SORT, SORTS[DEFAULT_SORT])[1]


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    ipc = django_filters.CharFilter(
        method="filter_ipc", label=_("IPC section, class or subclass"), max_length=4
    )
    industry = django_filters.CharFilter(
        method="filter_industry", label=_("Industry (GB/T 4754 code or section)"), max_length=4
    )
    province = django_filters.ModelChoiceFilter(
        field_name="organisation__province",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        label=_("Province"),
    )
    institution = django_filters.ModelChoiceFilter(
        field_name="organisation",
        queryset=Organisation.objects.filter(kind__in=PATENT_OWNER_KINDS),
        label=_("Institution"),
    )
    patent_type = django_filters.ChoiceFilter(choices=PatentType.choices, label=_("Patent type"))
    legal_status = django_filters.ChoiceFilter(choices=LegalStatus.choices, label=_("Legal status"))
    deal_form = django_filters.ChoiceFilter(
        choices=DealForm.choices, method="filter_deal_form", label=_("Deal form")
    )
    open_licence = django_filters.BooleanFilter(
        field_name="offers_open_licence", label=_("Open licence offered")
    )
    maturity_min = django_filters.NumberFilter(
        field_name="maturity", lookup_expr="gte", label=_("Maturity from (TRL)")
    )
    maturity_max = django_filters.NumberFilter(
        field_name="maturity", lookup_expr="lte", label=_("Maturity up to (TRL)")
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

    def filter_ipc(self, queryset: QuerySet[Patent], name: str, value: str) -> QuerySet[Patent]:
        # Section (H), class (H01) or subclass (H01M): all are prefixes of the stored subclass.
        return queryset.filter(ipc_subclass__startswith=value.strip().upper())

    def filter_industry(
        self, queryset: QuerySet[Patent], name: str, value: str
    ) -> QuerySet[Patent]:
        code = value.strip().upper()
        if code.isalpha():
            return queryset.filter(industry__section=code)
        return queryset.filter(industry__code__startswith=code)

    def filter_deal_form(
        self, queryset: QuerySet[Patent], name: str, value: str
    ) -> QuerySet[Patent]:
        return queryset.filter(**{_DEAL_FORM_FIELDS[DealForm(value)]: True})

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
