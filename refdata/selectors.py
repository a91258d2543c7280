"""Reads of reference data; everyone may see all of it."""

from __future__ import annotations

from django.db.models import QuerySet

from refdata.models import Industry, IpcClass, Region


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE)


def cities_of(province_code: str) -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.CITY, parent_id=province_code)


def industry_classes() -> QuerySet[Industry]:
    """4-digit GB/T 4754 classes, the level enterprises register with."""
    return Industry.objects.filter(level=4)


def ipc_subclasses() -> QuerySet[IpcClass]:
    return IpcClass.objects.filter(level="subclass")
