"""The enterprise's actions on a library patent, for the library detail page and our own."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import OrgKind, User
from enterprises import forms, selectors
from enterprises.models import ACTIVE_INTENT_STATUSES
from patents.models import Patent

register = template.Library()


@register.inclusion_tag("enterprises/_patent_actions_body.html", takes_context=True)
def patent_actions(context: dict[str, Any], patent: Patent) -> dict[str, Any]:
    user: User = context["request"].user
    is_enterprise = user.is_authenticated and user.org_kind == OrgKind.ENTERPRISE
    intents = selectors.intents_for(user).filter(patent=patent)
    profile = selectors.profile_of(user) if is_enterprise else None
    summary = selectors.rating_summary(patent)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "patent": patent,
        "is_enterprise": is_enterprise,
        "is_verified": bool(profile and profile.is_verified),
        "active_intent": intents.filter(status__in=ACTIVE_INTENT_STATUSES).first()
        if is_enterprise
        else None,
        "has_intent": is_enterprise and intents.exists(),
        "subscribed": is_enterprise
        and selectors.patent_subscriptions_for(user).filter(patent=patent).exists(),
        "my_rating": selectors.ratings_for(user).filter(patent=patent).first()
        if is_enterprise
        else None,
        "rating_count": summary["count"],
        "rating_average": summary["average"],
        "subscription_form": forms.PatentSubscriptionForm(initial={"frequency": "immediate"}),
    }
