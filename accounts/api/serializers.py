from __future__ import annotations

from rest_framework import serializers

from accounts.models import Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    city_name = serializers.CharField(source="city.name", read_only=True, default=None)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "uscc", "province", "province_name", "city", "city_name"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "organisation",
            "department",
            "is_active",
        ]
        read_only_fields = fields


class MeSerializer(MemberSerializer):
    organisation = OrganisationSerializer(read_only=True)
    org_kind = serializers.CharField(read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "org_kind"]
        read_only_fields = fields
