from django.contrib import admin

from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "event_key", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["event_key", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["event_key", "params", "emailed_at", "email_attempts"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_frequency"]
    list_select_related = ["user"]
