from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from patents.models import DealForm
from refdata.models import Region

IPC_SECTIONS = [(s, s) for s in "ABCDEFGH"]


class RecommendationFilter(django_filters.FilterSet):
    """Filters of an enterprise's recommendations, on the page and in the API. An invalid value
    is an error to show (a 400 in the API), never a filter quietly left out."""

    ipc_section = django_filters.ChoiceFilter(
        label=_("IPC section"), choices=IPC_SECTIONS, method="filter_ipc_section"
    )
    # The API keeps taking the GB/T 2260 code (a region's primary key); the page shows names.
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name="patent__organisation__province",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        empty_label=_("All provinces"),
    )
    deal_form = django_filters.ChoiceFilter(
        label=_("Deal form"), choices=DealForm.choices, method="filter_deal_form"
    )
    # Scores are the engine's, from 0 to 1, as each recommendation shows them; the range is
    # enforced so that a percentage (50) is an error instead of an empty list.
    min_score = django_filters.NumberFilter(
        label=_("Minimum score (0–1)"),
        field_name="score",
        lookup_expr="gte",
        min_value=0,
        max_value=1,
        help_text=_("Match scores run from 0 to 1, as shown beside each patent; for example 0.5."),
    )

    class Meta:
        model = Match
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Match]:
        # django-filter leaves an invalid filter out and filters by the others; the list would
        # then look like the answer to the filter the user gave. Nothing until it is corrected.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def is_narrowing(self) -> bool:
        """Whether the request asks for any filter at all (valid or not)."""
        return any(self.data.get(name) for name in self.filters)

    def filter_ipc_section(
        self, queryset: QuerySet[Match], name: str, value: str
    ) -> QuerySet[Match]:
        return queryset.filter(patent__ipc_subclass__startswith=value)

    def filter_deal_form(self, queryset: QuerySet[Match], name: str, value: str) -> QuerySet[Match]:
        return queryset.filter(**{f"patent__offers_{value}": True})
