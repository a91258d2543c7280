from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from patents.models import DealForm

IPC_SECTIONS = [(s, s) for s in "ABCDEFGH"]


class RecommendationFilter(django_filters.FilterSet):
    ipc_section = django_filters.ChoiceFilter(
        label=_("IPC section"), choices=IPC_SECTIONS, method="filter_ipc_section"
    )
    province = django_filters.CharFilter(
        label=_("Province code"), field_name="patent__organisation__province_id"
    )
    deal_form = django_filters.ChoiceFilter(
        label=_("Deal form"), choices=DealForm.choices, method="filter_deal_form"
    )
    min_score = django_filters.NumberFilter(
        label=_("Minimum score"), field_name="score", lookup_expr="gte"
    )

    class Meta:
        model = Match
        fields: list[str] = []

    def filter_ipc_section(
        self, queryset: QuerySet[Match], name: str, value: str
    ) -> QuerySet[Match]:
        return queryset.filter(patent__ipc_subclass__startswith=value)

    def filter_deal_form(self, queryset: QuerySet[Match], name: str, value: str) -> QuerySet[Match]:
        return queryset.filter(**{f"patent__offers_{value}": True})
