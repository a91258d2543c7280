"""Display helpers for patent pages."""

from __future__ import annotations

from django import template

from patents.models import DealForm, Patent

register = template.Library()


@register.filter
def deal_form_labels(patent: Patent) -> list[str]:
    """Labels of the deal forms the patent is offered for, in the active language."""
    return [str(DealForm(form).label) for form in patent.deal_forms]


@register.filter
def change_lines(changes: dict[str, object]) -> list[tuple[str, str]]:
    """History entries as (field, "old → new") or (field, value) pairs for display."""
    lines = []
    for field, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            old, new = (("—" if v in (None, "", []) else str(v)) for v in value)
            lines.append((field, f"{old} → {new}"))
        else:
            lines.append((field, str(value)))
    return lines


@register.simple_tag(takes_context=True)
def inventory_counts(context: template.Context) -> dict[str, int]:
    """Record counts per review status for the signed-in user, plus their own review queue."""
    from patents import selectors  # deferred: template tags load before the app registry

    user = context["request"].user
    counts = selectors.inventory_counts(user)
    counts["my_queue"] = selectors.review_queue_for(user).count()
    return counts
