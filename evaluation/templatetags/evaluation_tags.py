"""`{% current_valuation patent as valuation %}`: the patent's current valuation for this user."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Valuation
from patents.models import Patent

register = template.Library()


@register.simple_tag(takes_context=True)
def current_valuation(context: dict[str, Any], patent: Patent) -> Valuation | None:
    request = context.get("request")
    if request is None:
        return None
    return selectors.current_valuation(request.user, patent, timezone.localdate())
