"""Operators' views of patent records and spot checks. Changes go through the services; the
admin only reads (records are edited on the site, where history is kept)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from patents.models import Patent, PatentChange, SpotCheck, SpotCheckItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PatentChangeInline(admin.TabularInline):
    model = PatentChange
    fields = ["changed_at", "changed_by", "source", "changes"]
    readonly_fields = ("changed_at", "changed_by", "source", "changes")
    extra = 0
    can_delete = False
    ordering = ["-changed_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Patent)
class PatentAdmin(ReadOnlyAdmin):
    list_display = [
        "application_no",
        "title",
        "organisation",
        "patent_type",
        "legal_status",
        "review_status",
        "updated_at",
    ]
    list_filter = ["review_status", "legal_status", "patent_type", "inventory_category"]
    search_fields = ["application_no", "title"]
    list_select_related = ["organisation"]
    # Records created by an upload have no stored creation entry: the job is shown instead.
    readonly_fields = ["created_by_import"]
    inlines = [PatentChangeInline]


class SpotCheckItemInline(admin.TabularInline):
    model = SpotCheckItem
    fields = ["patent", "result", "reason", "checked_by", "checked_at"]
    readonly_fields = ("patent", "result", "reason", "checked_by", "checked_at")
    extra = 0
    can_delete = False


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["institution", "bureau", "sample_percent", "created_at"]
    list_select_related = ["institution", "bureau"]
    inlines = [SpotCheckItemInline]
