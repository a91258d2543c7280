"""Display helpers for patent pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.template.defaultfilters import yesno
from django.utils.translation import gettext_lazy

from accounts.text import join_list
from patents.models import DealForm, Patent
from patents.services.review import ReviewAction

register = template.Library()


@register.filter
def deal_form_labels(patent: Patent) -> list[str]:
    """Labels of the deal forms the patent is offered for, in the active language."""
    return [str(DealForm(form).label) for form in patent.deal_forms]


#: History keys that are not Patent fields, with what the page calls them.
_HISTORY_LABELS = {
    "action": gettext_lazy("Review"),
    "note": Patent._meta.get_field("review_note").verbose_name,
    "created": gettext_lazy("created"),
}


@register.filter
def change_lines(changes: dict[str, object]) -> list[tuple[str, str]]:
    """History entries as (label, "old → new") or (label, value) pairs for display.

    The history stores field names and stored values ("review_status": ["draft", "admitted"]);
    readers see the field's name and the choice's label in their own language instead.
    """
    lines = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            old, new = (_shown(key, v) for v in value)
            lines.append((_label(key), f"{old} → {new}"))
        else:
            lines.append((_label(key), _shown(key, value)))
    return lines


def _label(key: str) -> str:
    if key in _HISTORY_LABELS:
        return str(_HISTORY_LABELS[key])
    field = _patent_field(key)
    # A key no field has any more (written by an older version) is shown as stored.
    return str(field.verbose_name) if field else key


def _shown(key: str, value: object) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(yesno(value))
    if isinstance(value, list):
        return join_list(value)
    if key == "action" and value in ReviewAction.values:
        return str(ReviewAction(value).label)
    field = _patent_field(key)
    if field is not None and field.many_to_one and field.related_model is not None:
        # The history stores a college's or an industry's key; readers know it by its name.
        # (One lookup per line of a single record's history; a deleted one shows its key.)
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    choices = dict(field.flatchoices) if field else {}
    return str(choices.get(value, value))


def _patent_field(key: str) -> Field[Any, Any] | None:
    try:
        field = Patent._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


@register.simple_tag(takes_context=True)
def inventory_counts(context: template.Context) -> dict[str, int]:
    """Record counts per review status for the signed-in user, plus their own review queue."""
    from patents import selectors  # deferred: template tags load before the app registry

    user = context["request"].user
    counts = selectors.inventory_counts(user)
    counts["my_queue"] = selectors.review_queue_for(user).count()
    return counts
