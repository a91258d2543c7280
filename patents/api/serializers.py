"""API shapes for inventory records, review steps, the library and spot checks."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from accounts.models import Department
from accounts.validators import max_length_of
from patents.models import Patent, SpotCheck, SpotCheckItem, SpotCheckResult
from patents.services.records import EDITABLE_FIELDS
from patents.services.review import ReviewAction
from patents.services.spotchecks import pass_rate
from refdata.models import Industry


class PatentListSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    department = serializers.CharField(source="department.name", default=None)

    class Meta:
        model = Patent
        fields = [
            "id",
            "application_no",
            "title",
            "patent_type",
            "legal_status",
            "inventory_category",
            "review_status",
            "organisation",
            "department",
            "version",
            "updated_at",
        ]


class PatentDetailSerializer(PatentListSerializer):
    deal_forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    # What enterprises see: an admitted record is published only while valid with prospects.
    in_library = serializers.BooleanField(source="is_in_library", read_only=True)
    unpublished_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(PatentListSerializer.Meta):
        fields = [
            *PatentListSerializer.Meta.fields,
            *(f for f in EDITABLE_FIELDS if f not in PatentListSerializer.Meta.fields),
            "ipc_subclass",
            "review_note",
            "deal_forms",
            "in_library",
            "unpublished_reasons",
        ]


class PatentUpdateSerializer(serializers.Serializer):
    """PATCH input: any subset of the editable fields, plus the version the client last saw."""

    application_no = serializers.CharField(max_length=32, required=False)
    ipc_main = serializers.CharField(max_length=40, required=False, allow_blank=True)
    ipc_other = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    patentees = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    inventors = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.filter(level=4), allow_null=True, required=False
    )
    expected_version = serializers.IntegerField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # The remaining editable fields take their shape (choices, lengths) from the model.
        for name in EDITABLE_FIELDS:
            if name in fields:
                continue
            model_field = Patent._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            builder = _ModelFieldBuilder()
            field_class, kwargs = builder.build_standard_field(name, model_field)
            kwargs["required"] = False
            kwargs.pop("validators", None)
            fields[name] = field_class(**kwargs)
        return fields


class _ModelFieldBuilder(serializers.ModelSerializer):
    class Meta:
        model = Patent
        fields: list[str] = []


class ReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ReviewAction.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(Patent, "review_note"),
    )


class BulkReviewSerializer(ReviewSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True, max_length=500)


class LibraryPatentSerializer(serializers.ModelSerializer):
    """What enterprises and service institutions see: no review workflow details."""

    institution = serializers.CharField(source="organisation.name")
    institution_id = serializers.IntegerField(source="organisation.pk")
    province = serializers.CharField(source="organisation.province_id")
    industry_name = serializers.CharField(source="industry.name", default=None)
    deal_forms = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Patent
        fields = [
            "id",
            "application_no",
            "title",
            "abstract",
            "patent_type",
            "legal_status",
            "ipc_main",
            "ipc_other",
            "patentees",
            "inventors",
            "application_date",
            "grant_date",
            "institution",
            "institution_id",
            "province",
            "industry",
            "industry_name",
            "maturity",
            "value_grade",
            "application_field",
            "target_products",
            "prospect_note",
            "deal_forms",
            "open_licence_fee_basis",
            "open_licence_fee_amount",
            "open_licence_royalty_rate",
            "open_licence_payment_method",
            "open_licence_period_years",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]


class SpotCheckItemSerializer(serializers.ModelSerializer):
    application_no = serializers.CharField(source="patent.application_no")
    title = serializers.CharField(source="patent.title")

    class Meta:
        model = SpotCheckItem
        fields = ["id", "patent", "application_no", "title", "result", "reason", "checked_at"]


class SpotCheckSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name")
    item_count = serializers.IntegerField()
    passed_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    pass_rate = serializers.SerializerMethodField()

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "institution",
            "institution_name",
            "sample_percent",
            "created_at",
            "item_count",
            "passed_count",
            "failed_count",
            "pass_rate",
        ]

    def get_pass_rate(self, check: SpotCheck) -> float | None:
        return pass_rate(check)


class SpotCheckDetailSerializer(SpotCheckSerializer):
    items = SpotCheckItemSerializer(many=True, read_only=True)

    class Meta(SpotCheckSerializer.Meta):
        fields = [*SpotCheckSerializer.Meta.fields, "items"]


class SpotCheckCreateSerializer(serializers.Serializer):
    # Looked up by the view in the bureau's own scope, so another province's institution is a 404.
    institution = serializers.IntegerField()
    sample_percent = serializers.IntegerField()


class SpotCheckMarkSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[SpotCheckResult.PASSED, SpotCheckResult.FAILED])
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(SpotCheckItem, "reason"),
    )
