"""Small display helpers for templates."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from accounts.text import join_list

register = template.Library()

_CLASS_BY_WIDGET = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.filter
def bs(field: BoundField) -> SafeString:
    """Render a form field's widget with the Bootstrap class that fits it."""
    css = _CLASS_BY_WIDGET.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter(name="join_list")
def join_list_filter(items: Iterable[object] | None) -> str:
    """`items` separated as the active language does it inside a sentence (accounts.text)."""
    return join_list(items or [])
