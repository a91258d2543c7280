"""Operators' view of appraisal records; status changes go through the services (HTML pages)."""

from __future__ import annotations

from django.contrib import admin

from evaluation.models import (
    ApplicationDocument,
    AppraisalInstitution,
    Appraiser,
    Filing,
    Inspection,
    TrainingRecord,
    Valuation,
)


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    readonly_fields = ["kind", "file", "uploaded_at", "uploaded_by"]


@admin.register(AppraisalInstitution)
class AppraisalInstitutionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "status", "certificate_no", "documents_complete_on"]
    list_filter = ["status", "kind", "organisation__province"]
    search_fields = ["organisation__name", "organisation__uscc", "certificate_no"]
    list_select_related = ["organisation"]
    readonly_fields = ["status", "documents_complete_on", "decided_on"]
    inlines = [DocumentInline]


@admin.register(Appraiser)
class AppraiserAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "employment", "degree", "certificate_kind", "left_on"]
    list_filter = ["employment", "certificate_kind"]
    search_fields = ["name", "registration_no", "certificate_no"]
    list_select_related = ["institution__organisation"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["appraiser", "completed_on", "title", "hours"]
    list_select_related = ["appraiser"]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ["institution", "reason", "changed_on", "due_on", "filed_on"]
    list_filter = ["reason"]
    list_select_related = ["institution__organisation"]
    readonly_fields = ["due_on", "overdue_flagged_at"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["institution", "year", "result", "inspected_on"]
    list_filter = ["result", "year"]
    list_select_related = ["institution__organisation"]


@admin.register(Valuation)
class ValuationAdmin(admin.ModelAdmin):
    list_display = ["report_no", "institution", "purpose", "method", "value", "value_date"]
    list_filter = ["purpose", "method"]
    search_fields = ["report_no"]
    list_select_related = ["institution__organisation"]
    autocomplete_fields = []
    filter_horizontal = ["appraisers"]
    raw_id_fields = ["patents"]
