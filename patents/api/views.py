"""API: inventory records (scoped), review steps, the library (filters + cursor), spot checks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.models import User
from patents import selectors
from patents.api import serializers as s
from patents.filters import LibraryFilter, sort_key
from patents.models import ChangeSource, Patent, SpotCheck
from patents.pagination import paginate
from patents.services import records, review, spotchecks


class KeepsInventory(permissions.BasePermission):
    """Inventory endpoints are for owners' members, bureaus and the national level."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return selectors.may_keep_inventory(request.user)


class IsBureau(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if request.method in permissions.SAFE_METHODS:
            return True
        return isinstance(user, User) and (user.is_bureau or user.is_national)


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


class LibraryCursorPagination(BasePagination):
    """Keyset pagination over the library's sort key (see patents.pagination)."""

    page_size = 20
    cursor_query_param = "cursor"

    def paginate_queryset(  # type: ignore[override]  # querysets only: keyset needs SQL
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        key = sort_key(request.query_params.get("sort"))
        self.page = paginate(
            queryset,
            key=key,
            cursor=request.query_params.get(self.cursor_query_param),
            size=self.page_size,
        )
        return self.page.items

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class PatentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Inventory records the user may see; PATCH edits through the records service."""

    permission_classes = [permissions.IsAuthenticated, KeepsInventory]
    pagination_class = NewestFirst
    filterset_fields = ["review_status", "legal_status", "department"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Patent]:
        return selectors.patents_for(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return s.PatentListSerializer
        if self.action == "partial_update":
            return s.PatentUpdateSerializer
        return s.PatentDetailSerializer

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        patent = self.get_object()
        serializer = s.PatentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected = fields.pop("expected_version", None)
        patent = records.update_patent(
            patent=patent,
            fields=fields,
            by=request.user,  # type: ignore[arg-type]
            source=ChangeSource.API,
            expected_version=expected,
        )
        return Response(s.PatentDetailSerializer(patent).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        return self.partial_update(request, *args, **kwargs)

    @action(detail=True, methods=["post"], serializer_class=s.ReviewSerializer)
    def review(self, request: Request, pk: str | None = None) -> Response:
        patent = self.get_object()
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patent = review.review_patent(
            patent=patent,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(s.PatentDetailSerializer(patent).data)

    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-review",
        serializer_class=s.BulkReviewSerializer,
    )
    def bulk_review(self, request: Request) -> Response:
        serializer = s.BulkReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = review.bulk_review(
            patent_ids=data["ids"],
            action=data["action"],
            note=data["note"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(
            {"updated": [p.pk for p in done], "warnings": review.publication_warnings(done)}
        )


class LibraryViewSet(viewsets.ReadOnlyModelViewSet):
    """The convertible patent library: keyword (Chinese-aware) search, filters, cursor pages."""

    serializer_class = s.LibraryPatentSerializer
    filterset_class = LibraryFilter
    pagination_class = LibraryCursorPagination

    def get_queryset(self) -> QuerySet[Patent]:
        return selectors.library_for(self.request.user)


class SpotCheckViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Bureaus' spot checks: list and open (scoped), start one, mark sampled patents."""

    permission_classes = [permissions.IsAuthenticated, IsBureau]
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[SpotCheck]:
        return selectors.spot_checks_for(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return s.SpotCheckCreateSerializer
        if self.action == "retrieve":
            return s.SpotCheckDetailSerializer
        if self.action == "mark":
            return s.SpotCheckMarkSerializer
        return s.SpotCheckSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.SpotCheckCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        institution = get_object_or_404(
            selectors.institutions_for_spot_check(request.user),
            pk=serializer.validated_data["institution"],
        )
        check = spotchecks.start_spot_check(
            institution=institution,
            sample_percent=serializer.validated_data["sample_percent"],
            by=request.user,  # type: ignore[arg-type]
        )
        check = self.get_queryset().get(pk=check.pk)
        return Response(s.SpotCheckDetailSerializer(check).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["patch"], url_path=r"items/(?P<item_pk>\d+)")
    def mark(self, request: Request, pk: str | None = None, item_pk: str | None = None) -> Response:
        check = self.get_object()
        item = get_object_or_404(check.items, pk=item_pk)
        serializer = s.SpotCheckMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = spotchecks.mark_item(
            item=item,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(s.SpotCheckItemSerializer(item).data)
