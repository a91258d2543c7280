"""Filters shared by every app's FilterSets (HTML pages and API alike)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Ids are BigAutoField (DEFAULT_AUTO_FIELD): 1 to 2**63 - 1. A larger number is no id at all,
#: and SQLite cannot even bind it (OverflowError, a 500) where PostgreSQL would compare it.
MAX_ID = 2**63 - 1


def is_id(number: int) -> bool:
    return 1 <= number <= MAX_ID


def parse_id(value: str) -> int:
    """The id written in `value`; ValueError if it is not a whole number in the id range."""
    number = int(value)
    if not is_id(number):
        raise ValueError(value)
    return number


class IdField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        number = super().to_python(value)
        if number is not None and not is_id(number):
            raise ValidationError(
                _("No record has this id: ids are whole numbers from 1 to %(max)s."),
                code="invalid_id",
                params={"max": MAX_ID},
            )
        return number


class IdFilter(django_filters.NumberFilter):
    """Records related to the one with this id. An id out of range is a form error (a 400 in
    the API) with a message, never a database error; use it instead of NumberFilter for ids."""

    field_class = IdField
