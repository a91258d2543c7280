"""Official classifications Panhuo refers to, loaded from the CSVs in refdata/data/.

See refdata/data/SOURCES.md for where each file comes from.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A GB/T 2260 administrative division (province, prefecture-level city or county)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Industry(models.Model):
    """A GB/T 4754-2017 national economy industry class (门类 letter, 2, 3 or 4 digits)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=128)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(_("section"), max_length=1)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IpcClass(models.Model):
    """An IPC section, class or subclass with English and Chinese titles."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.CharField(_("level"), max_length=10)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    title_en = models.TextField(_("English title"), blank=True)
    title_zh = models.TextField(_("Chinese title"), blank=True)
    title_en_short = models.TextField(blank=True)
    title_zh_short = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("IPC class")
        verbose_name_plural = _("IPC classes")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        if (get_language() or "").startswith("zh") and self.title_zh_short:
            return self.title_zh_short
        return (self.title_en_short or self.title_zh_short).capitalize()
