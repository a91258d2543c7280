"""Read-only API over the scoped selectors; writes go through the HTML forms and services."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import viewsets

from accounts.filters import IdFilter
from evaluation import selectors
from evaluation.api.serializers import (
    AppraiserSerializer,
    FilingSerializer,
    InstitutionSerializer,
    ValuationSerializer,
)
from evaluation.models import AppraisalInstitution, Appraiser, Filing, Valuation


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[AppraisalInstitution]:
        return selectors.institutions_for(self.request.user).order_by("pk")


class AppraiserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AppraiserSerializer
    filterset_fields = ["institution"]

    def get_queryset(self) -> QuerySet[Appraiser]:
        return selectors.appraisers_for(self.request.user).order_by("pk")


class FilingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FilingSerializer
    filterset_fields = ["institution", "reason"]

    def get_queryset(self) -> QuerySet[Filing]:
        return selectors.filings_for(self.request.user).order_by("pk")


class ValuationFilter(django_filters.FilterSet):
    # An id filter: a ModelChoiceFilter would need a queryset of every patent.
    patent = IdFilter(field_name="patents", distinct=True)

    class Meta:
        model = Valuation
        fields = ["patent", "institution", "purpose"]


class ValuationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ValuationSerializer
    filterset_class = ValuationFilter

    def get_queryset(self) -> QuerySet[Valuation]:
        return selectors.valuations_for(self.request.user).order_by("-value_date", "-pk")
