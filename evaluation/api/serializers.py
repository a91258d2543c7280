from __future__ import annotations

from rest_framework import serializers

from evaluation.models import AppraisalInstitution, Appraiser, Filing, Valuation


class InstitutionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    uscc = serializers.CharField(source="organisation.uscc", read_only=True)
    province = serializers.CharField(source="organisation.province_id", read_only=True)
    audit_due_on = serializers.DateField(read_only=True)

    class Meta:
        model = AppraisalInstitution
        fields = [
            "id",
            "name",
            "uscc",
            "province",
            "kind",
            "status",
            "domicile",
            "legal_representative",
            "under_state_council",
            "certificate_no",
            "certificate_date",
            "documents_complete_on",
            "audit_due_on",
        ]
        read_only_fields = fields


class AppraiserSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appraiser
        fields = [
            "id",
            "institution",
            "name",
            "employment",
            "degree",
            "degree_field",
            "certificate_kind",
            "registration_no",
            "joined_on",
            "left_on",
        ]
        read_only_fields = fields


class FilingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Filing
        fields = ["id", "institution", "reason", "detail", "changed_on", "due_on", "filed_on"]
        read_only_fields = fields


class ValuationSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.organisation.name", read_only=True)
    appraisers: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Valuation
        fields = [
            "id",
            "institution",
            "institution_name",
            "patents",
            "purpose",
            "method",
            "value",
            "value_date",
            "valid_until",
            "report_no",
            "appraisers",
        ]
        read_only_fields = fields
