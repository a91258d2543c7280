"""API shapes: output serializers are read-only; input serializers only parse."""

from __future__ import annotations

from rest_framework import serializers

from accounts.validators import max_length_of
from enterprises import selectors
from enterprises.models import (
    CooperationIntent,
    Deal,
    EnterpriseProfile,
    EnterpriseSize,
    EnterpriseTag,
    Frequency,
    IntentKind,
    NeedStatus,
    ProspectRating,
    RatingReason,
    TechnologyNeed,
    TopicSubscription,
)
from patents.models import DealForm
from refdata.models import Region


class EnterpriseSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name")
    uscc = serializers.CharField(source="organisation.uscc")
    province = serializers.CharField(source="organisation.province_id")
    city = serializers.CharField(source="organisation.city_id", default=None)
    industries = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = EnterpriseProfile
        fields = [
            "id",
            "organisation",
            "name",
            "uscc",
            "province",
            "city",
            "industries",
            "size",
            "tags",
            "show_as_likely_taker",
            "verification_status",
            "verified_at",
            "verification_reason",
        ]
        read_only_fields = fields


class RegistrationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(max_length=30)
    province = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level=1))
    city = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=2), required=False, allow_null=True, default=None
    )
    industries = serializers.PrimaryKeyRelatedField(
        queryset=selectors.selectable_industries(), many=True, required=False, default=list
    )
    size = serializers.ChoiceField(choices=EnterpriseSize.choices)
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=EnterpriseTag.choices), required=False, default=list
    )
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)
    first_name = serializers.CharField(required=False, default="", allow_blank=True)
    last_name = serializers.CharField(required=False, default="", allow_blank=True)
    phone = serializers.CharField(required=False, default="", allow_blank=True)


class DecisionInputSerializer(serializers.Serializer):
    """The bureau's decision on a registration; the service says what a rejection without a
    reason lacks."""

    reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=max_length_of(EnterpriseProfile, "verification_reason"),
    )


def _intent_reason(field: str) -> serializers.CharField:
    """A step's reason, as long as the intent's field for it may be; the service says what an
    empty reason lacks."""
    limit = max_length_of(CooperationIntent, field)
    return serializers.CharField(required=False, default="", allow_blank=True, max_length=limit)


class DeclineInputSerializer(serializers.Serializer):
    reason = _intent_reason("decline_reason")


class CloseInputSerializer(serializers.Serializer):
    reason = _intent_reason("close_reason")


class NeedSerializer(serializers.ModelSerializer):
    industries = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=selectors.selectable_industries(), required=False
    )
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    ipc_codes = serializers.ListField(child=serializers.CharField(), required=False)
    preferred_deal_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=DealForm.choices), required=False
    )
    status = serializers.ChoiceField(choices=NeedStatus.choices, required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = TechnologyNeed
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "title",
            "description",
            "keywords",
            "ipc_codes",
            "industries",
            "preferred_deal_forms",
            "budget_min",
            "budget_max",
            "region_preference",
            "deadline",
            "status",
            "created_at",
        ]
        read_only_fields = ["id", "enterprise", "enterprise_name", "created_at"]


class TopicSubscriptionSerializer(serializers.ModelSerializer):
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.IMMEDIATE)

    class Meta:
        model = TopicSubscription
        fields = ["id", "name", "keywords", "filters", "frequency", "by_inbox", "by_email"]
        read_only_fields = ["id"]


class IntentSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(read_only=True)
    patent_title = serializers.CharField(source="patent.title", read_only=True)
    university = serializers.IntegerField(source="patent.organisation_id", read_only=True)

    class Meta:
        model = CooperationIntent
        fields = [
            "id",
            "patent",
            "patent_title",
            "university",
            "enterprise",
            "kinds",
            "message",
            "status",
            "declared_at",
            "answer_due",
            "overdue",
            "accepted_at",
            "declined_at",
            "decline_reason",
            "negotiating_at",
            "signed_at",
            "closed_at",
            "close_reason",
        ]
        read_only_fields = fields


class IntentInputSerializer(serializers.ModelSerializer):
    """Parses only (declare_intent writes); the message's limit is the model field's."""

    patent = serializers.IntegerField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=IntentKind.choices))

    class Meta:
        model = CooperationIntent
        fields = ["patent", "kinds", "message"]
        # The service says what an empty message lacks.
        extra_kwargs = {"message": {"allow_blank": True}}


class DealInputSerializer(serializers.ModelSerializer):
    """Parses only (record_deal writes); fields built from the model's, so its limits, such as
    the amount's digits and the registration number's length, are defined once."""

    class Meta:
        model = Deal
        fields = ["kind", "licence_type", "contract_date", "amount", "registration_no"]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProspectRating
        fields = ["id", "patent", "enterprise", "score", "reasons", "comment", "updated_at"]
        read_only_fields = fields


class RatingInputSerializer(serializers.ModelSerializer):
    """Parses only (rate_prospects writes); the comment's limit is the model field's."""

    patent = serializers.IntegerField()
    score = serializers.IntegerField()  # the service says which scores there are
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=RatingReason.choices), required=False, default=list
    )

    class Meta:
        model = ProspectRating
        fields = ["patent", "score", "reasons", "comment"]


class DealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deal
        fields = [
            "id",
            "kind",
            "licence_type",
            "patent",
            "university",
            "enterprise",
            "intent",
            "contract_date",
            "amount",
            "registration_no",
            "created_at",
        ]
        read_only_fields = fields


class OpenLicenceInputSerializer(serializers.Serializer):
    patent = serializers.IntegerField()
