from __future__ import annotations

from rest_framework import serializers

from matching.models import Match, Taker
from matching.reasons import Audience, render_reasons


class RecommendationSerializer(serializers.ModelSerializer):
    patent_title = serializers.CharField(source="patent.title", read_only=True)
    institution = serializers.CharField(source="patent.organisation.name", read_only=True)
    reasons = serializers.SerializerMethodField()
    rank = serializers.IntegerField(read_only=True, help_text="Position in the list, best first")

    class Meta:
        model = Match
        fields = ["id", "patent", "patent_title", "institution", "score", "rank", "reasons"]
        read_only_fields = fields

    def get_reasons(self, match: Match) -> list[str]:
        return render_reasons(match.reasons)


class LikelyTakerSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    province = serializers.CharField(source="enterprise.province_id", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Taker
        fields = ["enterprise", "enterprise_name", "province", "score", "reasons"]
        read_only_fields = fields

    def get_reasons(self, taker: Taker) -> list[str]:
        return render_reasons(taker.reasons, audience=Audience.UNIVERSITY)
