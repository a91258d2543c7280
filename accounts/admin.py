from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Department, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "province", "city", "uscc", "is_active")
    list_filter = ("kind", "province")
    search_fields = ("name", "uscc")
    list_select_related = ("province", "city")
    raw_id_fields = ("province", "city")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "organisation", "role", "is_active")
    list_filter = ("role", "organisation__kind", "is_active")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "department")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Panhuo", {"fields": ("organisation", "department", "role", "phone")}),
    )
