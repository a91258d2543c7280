"""The enterprise's actions on a library patent, for the library detail page and our own."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OrgKind, User
from enterprises import forms, selectors, services
from enterprises.models import ACTIVE_INTENT_STATUSES
from patents.models import Patent

register = template.Library()


def _open_licence_refusal(user: User, patent: Patent) -> str:
    """Why accepting `patent`'s open licence would be refused now, by the rule the POST applies
    (so the page never offers a button that fails); "" if it would be accepted."""
    try:
        services.ensure_may_accept_open_licence(patent=patent, by=user)
    except PermissionDenied as exc:
        return str(exc)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


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
        "open_licence_refusal": _open_licence_refusal(user, patent)
        if is_enterprise and patent.offers_open_licence
        else "",
        "subscription_form": forms.PatentSubscriptionForm(initial={"frequency": "immediate"}),
        "handed_over": services.handed_over_notice(patent),
    }
