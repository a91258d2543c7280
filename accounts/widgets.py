"""Form widgets shared by every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms


class DatePicker(forms.DateInput):
    """The browser's date picker. It accepts only ISO dates (2021-10-17) whatever the page's
    language; the localised value Chinese pages would render (2021/10/17) shows as an empty
    field and is submitted empty, silently clearing the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
