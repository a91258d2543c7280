from __future__ import annotations

from typing import Any

from django import template

from matching.reasons import Audience
from matching.reasons import render_reasons as _render

register = template.Library()


@register.filter
def render_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons as the enterprise they are about reads them."""
    return _render(reasons or [])


@register.filter
def render_taker_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons as a university reads them about one of its patent's likely takers."""
    return _render(reasons or [], Audience.UNIVERSITY)
