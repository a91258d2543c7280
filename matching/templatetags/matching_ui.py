from __future__ import annotations

from typing import Any

from django import template

from matching.reasons import render_reasons as _render

register = template.Library()


@register.filter
def render_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    return _render(reasons or [])
