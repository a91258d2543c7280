"""DRF endpoints: get_queryset() is the selector; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import OrgKind, User
from enterprises import selectors, services
from enterprises.api import serializers as s
from enterprises.models import (
    CooperationIntent,
    Deal,
    EnterpriseProfile,
    ProspectRating,
    TechnologyNeed,
    TopicSubscription,
)
from patents.selectors import library_for


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprise profiles (own; a bureau its province's). POST registers (public);
    verify/reject are the provincial bureau's."""

    serializer_class = s.EnterpriseSerializer
    filterset_fields = ["verification_status"]

    def get_permissions(self) -> Any:
        if self.action == "create":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[EnterpriseProfile]:
        return selectors.profiles_for(self.request.user).order_by("pk")

    def create(self, request: Request) -> Response:
        data = s.RegistrationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.register_enterprise(**data.validated_data)
        return Response(s.EnterpriseSerializer(profile).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, approve: bool) -> Response:
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.verify_enterprise(
            profile=self.get_object(),
            by=_user(request),
            approve=approve,
            reason=data.validated_data["reason"],
        )
        return Response(s.EnterpriseSerializer(profile).data)

    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, True)

    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, False)


class NeedViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = s.NeedSerializer
    filterset_fields = ["status", "enterprise"]

    def get_queryset(self) -> QuerySet[TechnologyNeed]:
        return selectors.needs_for(self.request.user).prefetch_related("industries")

    def _fields(self, serializer: BaseSerializer[Any]) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        data.setdefault("keywords", [])
        data.setdefault("ipc_codes", [])
        data.setdefault("industries", [])
        data.setdefault("preferred_deal_forms", [])
        return data

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.create_need(
            by=_user(self.request), **self._fields(serializer)
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        need = self.get_object()
        if _user(self.request).organisation_id != need.enterprise_id:
            raise PermissionDenied
        current = s.NeedSerializer(need).data
        fields = {
            key: current[key]
            for key in ("title", "description", "keywords", "ipc_codes", "preferred_deal_forms")
        }
        fields.update(
            industries=list(need.industries.all()),
            budget_min=need.budget_min,
            budget_max=need.budget_max,
            region_preference=need.region_preference,
            deadline=need.deadline,
            status=need.status,
        )
        fields.update(serializer.validated_data)
        serializer.instance = services.update_need(need=need, by=_user(self.request), **fields)


class TopicSubscriptionViewSet(viewsets.ModelViewSet):
    serializer_class = s.TopicSubscriptionSerializer

    def get_queryset(self) -> QuerySet[TopicSubscription]:
        return selectors.topic_subscriptions_for(self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = {"keywords": "", "filters": {}, **serializer.validated_data}
        serializer.instance = services.save_topic_subscription(user=_user(self.request), **data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        topic = self.get_object()
        data = {
            "name": topic.name,
            "keywords": topic.keywords,
            "filters": topic.filters,
            "frequency": topic.frequency,
            "by_inbox": topic.by_inbox,
            "by_email": topic.by_email,
            **serializer.validated_data,
        }
        serializer.instance = services.save_topic_subscription(
            user=_user(self.request), subscription=topic, **data
        )

    def perform_destroy(self, instance: TopicSubscription) -> None:
        services.delete_subscription(subscription=instance, user=_user(self.request))


class IntentViewSet(viewsets.ReadOnlyModelViewSet):
    """Cooperation intents, scoped to both sides. POST declares; actions move it along."""

    serializer_class = s.IntentSerializer
    filterset_fields = ["status", "patent", "enterprise"]

    def get_queryset(self) -> QuerySet[CooperationIntent]:
        return selectors.intents_for(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.IntentInputSerializer
        if self.action == "sign":
            return s.DealInputSerializer
        if self.action == "decline":
            return s.DeclineInputSerializer
        if self.action == "close":
            return s.CloseInputSerializer
        return s.IntentSerializer

    def create(self, request: Request) -> Response:
        data = s.IntentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patent = get_object_or_404(library_for(request.user), pk=data.validated_data["patent"])
        intent = services.declare_intent(
            patent=patent,
            kinds=data.validated_data["kinds"],
            message=data.validated_data["message"],
            by=_user(request),
        )
        return Response(s.IntentSerializer(intent).data, status=status.HTTP_201_CREATED)

    def _reply(self, intent: CooperationIntent) -> Response:
        intent.refresh_from_db()
        return Response(s.IntentSerializer(intent).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._reply(services.accept_intent(intent=self.get_object(), by=_user(request)))

    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        data = s.DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intent = services.decline_intent(
            intent=self.get_object(), by=_user(request), reason=data.validated_data["reason"]
        )
        return self._reply(intent)

    @action(detail=True, methods=["post"])
    def negotiate(self, request: Request, pk: str | None = None) -> Response:
        intent = services.start_negotiation(intent=self.get_object(), by=_user(request))
        return self._reply(intent)

    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        data = s.DealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deal = services.record_deal(
            intent=self.get_object(), by=_user(request), **data.validated_data
        )
        return Response(s.DealSerializer(deal).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        data = s.CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intent = services.close_intent(
            intent=self.get_object(), by=_user(request), reason=data.validated_data["reason"]
        )
        return self._reply(intent)


class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """Prospect ratings: an enterprise's own; a university's on its patents. POST creates or
    edits the enterprise's one rating of a patent."""

    serializer_class = s.RatingSerializer
    filterset_fields = ["patent"]

    def get_queryset(self) -> QuerySet[ProspectRating]:
        return selectors.ratings_for(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.RatingInputSerializer if self.action == "create" else s.RatingSerializer

    def create(self, request: Request) -> Response:
        user = _user(request)
        if user.org_kind != OrgKind.ENTERPRISE:
            raise PermissionDenied
        data = s.RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        patent = get_object_or_404(library_for(user), pk=fields.pop("patent"))
        rating = services.rate_prospects(patent=patent, by=user, **fields)
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class DealViewSet(viewsets.ReadOnlyModelViewSet):
    """Deals, scoped to both sides. POST open-licence/ takes a published open licence."""

    serializer_class = s.DealSerializer
    filterset_fields = ["kind", "licence_type", "patent", "university", "enterprise"]

    def get_queryset(self) -> QuerySet[Deal]:
        return selectors.deals_for(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "open_licence":
            return s.OpenLicenceInputSerializer
        return s.DealSerializer

    @action(detail=False, methods=["post"], url_path="open-licence")
    def open_licence(self, request: Request) -> Response:
        data = s.OpenLicenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patent = get_object_or_404(library_for(request.user), pk=data.validated_data["patent"])
        deal = services.accept_open_licence(patent=patent, by=_user(request))
        return Response(s.DealSerializer(deal).data, status=status.HTTP_201_CREATED)
