from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from accounts import selectors
from accounts.api.serializers import MemberSerializer, MeSerializer, OrganisationSerializer
from accounts.models import Organisation, User


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "province"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_for(self.request.user).select_related("province", "city")


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberSerializer
    filterset_fields = ["role", "organisation"]

    def get_queryset(self) -> QuerySet[User]:
        return selectors.members_for(self.request.user).order_by("pk")


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer

    def get_object(self) -> User:
        return self.request.user  # type: ignore[return-value]


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token …`)."""
