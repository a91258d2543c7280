from django.contrib import admin

from enterprises.models import (
    CooperationIntent,
    Deal,
    EnterpriseProfile,
    PatentSubscription,
    ProspectRating,
    TechnologyNeed,
    TopicSubscription,
)


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "size", "verification_status", "verified_at"]
    list_filter = ["verification_status", "size"]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation"]
    # Verification goes through the bureau's page (services.verify_enterprise), not here.
    readonly_fields = ["verification_status", "verified_by", "verified_at", "verification_reason"]


@admin.register(TechnologyNeed)
class TechnologyNeedAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "status", "deadline"]
    list_filter = ["status"]
    search_fields = ["title", "enterprise__name"]
    list_select_related = ["enterprise"]


@admin.register(CooperationIntent)
class CooperationIntentAdmin(admin.ModelAdmin):
    list_display = ["patent", "enterprise", "status", "declared_at", "answer_due"]
    list_filter = ["status"]
    search_fields = ["patent__title", "patent__application_no", "enterprise__name"]
    list_select_related = ["patent", "enterprise"]
    readonly_fields = [f.name for f in CooperationIntent._meta.fields]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["patent", "university", "enterprise", "kind", "licence_type", "contract_date"]
    list_filter = ["kind", "licence_type"]
    search_fields = ["patent__title", "registration_no", "enterprise__name"]
    list_select_related = ["patent", "university", "enterprise"]


admin.site.register(ProspectRating)
admin.site.register(PatentSubscription)
admin.site.register(TopicSubscription)
