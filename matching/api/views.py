from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import OrgKind, User
from matching import selectors, services
from matching.api.serializers import LikelyTakerSerializer, RecommendationSerializer
from matching.filters import RecommendationFilter
from matching.models import Match, Taker
from patents.models import Patent
from patents.selectors import patents_for


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """An enterprise's recommended library patents with reasons; other roles get 403."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    queryset = Match.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        user: User = self.request.user  # type: ignore[assignment]
        if user.org_kind != OrgKind.ENTERPRISE:
            raise PermissionDenied
        return selectors.recommendations_for(user)

    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        services.dismiss_match(match=self.get_object(), by=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class LikelyTakersView(generics.ListAPIView):
    """Enterprises likely to take up one of your patents, best first (only those that allow it).
    A list older than the latest profile change is ranked again in the background; the header
    `X-Takers-Updating: 1` says so."""

    serializer_class = LikelyTakerSerializer
    queryset = Taker.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Taker]:
        if getattr(self, "swagger_fake_view", False):
            return Taker.objects.none()
        return selectors.likely_takers_for(self.request.user, self._patent)

    @cached_property
    def _patent(self) -> Patent:
        return get_object_or_404(patents_for(self.request.user), pk=self.kwargs["patent_pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        updating = services.refresh_takers(self._patent.pk)
        response = super().list(request, *args, **kwargs)
        response["X-Takers-Updating"] = "1" if updating else "0"
        return response
