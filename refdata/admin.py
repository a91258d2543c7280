from django.contrib import admin

from refdata.models import Industry, IpcClass, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "section")
    list_filter = ("level", "section")
    search_fields = ("code", "name")


@admin.register(IpcClass)
class IpcClassAdmin(admin.ModelAdmin):
    list_display = ("code", "level", "title_zh_short", "title_en_short")
    list_filter = ("level",)
    search_fields = ("code", "title_zh", "title_en")
