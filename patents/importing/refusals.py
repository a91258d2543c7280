"""Refusals of an uploaded file: Django ValidationErrors with a code and a message naming what is
wrong, which callers show as they are."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def reject(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def not_a_spreadsheet(name: str) -> ValidationError:
    return reject(
        _("“%(name)s” is not a spreadsheet: upload an .xlsx or .csv file."),
        "not_spreadsheet",
        name=name,
    )
