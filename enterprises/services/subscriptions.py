"""Subscriptions to a patent or to a topic (a saved library search), and their notifications.

A beat task looks for what is new since each subscription's `checked_at`; event keys make a run
safe to repeat, and the subscription's own frequency and channels decide how it is delivered.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import OrgKind, User
from accounts.text import join_list
from enterprises.models import Frequency, PatentSubscription, TopicSubscription
from enterprises.services.needs import split_terms
from matching import hooks as matching_hooks
from notifications import services as notifications
from patents.models import IN_LIBRARY, Patent, PatentChange, PatentType, in_industry
from refdata import selectors as refdata
from refdata.models import Industry

#: The library filters a topic may save.
TOPIC_FILTERS = ("ipc_subclass", "industry", "patent_type", "province")


def _filter_q(name: str, value: str) -> Q:
    """The library patents one saved filter lets through (as the library's own filters do)."""
    if name == "ipc_subclass":
        return Q(ipc_subclass=value)
    if name == "industry":
        return in_industry(value)
    if name == "patent_type":
        return Q(patent_type=value)
    return Q(organisation__province_id=value)


def _unknown_filter_value(name: str, value: str) -> str | None:
    """Why `value` cannot be saved for filter `name`, or None. A value that names nothing the
    library knows (a mistyped province, say) would keep the topic silent for ever."""
    if name == "ipc_subclass":
        known = refdata.ipc_subclasses().filter(code=value).exists()
        message = _("Unknown IPC subclass: %(value)s.")
    elif name == "industry":
        known = Industry.objects.filter(code=value).exists()
        message = _("Unknown GB/T 4754 industry: %(value)s.")
    elif name == "patent_type":
        known = value in PatentType.values
        message = _("Unknown patent type: %(value)s.")
    else:
        known = refdata.provinces().filter(code=value).exists()
        message = _("Unknown province: %(value)s.")
    return None if known else message % {"value": value}


def _clean_filters(raw: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """The filters to save, codes in their stored case; problems go into `errors`, keyed by the
    filter's name (the topic form's fields have the same names)."""
    given = {
        name: value
        for name, value in raw.items()
        if value is not None and not (isinstance(value, str) and not value.strip())
    }
    unknown = sorted(set(given) - set(TOPIC_FILTERS))
    if unknown:
        errors["filters"] = _("Unknown filter: %(names)s") % {"names": join_list(unknown)}
    filters: dict[str, str] = {}
    for name in TOPIC_FILTERS:
        value = given.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            errors[name] = _("Give one value for this filter.")
            continue
        filters[name] = str(value).strip()
        if name in ("ipc_subclass", "industry"):
            filters[name] = filters[name].upper()
        problem = _unknown_filter_value(name, filters[name])
        if problem:
            errors[name] = problem
    return filters


def _ensure_enterprise(user: User) -> None:
    if user.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied(_("Subscriptions are for enterprise users."))


def _check_channels(frequency: str, by_inbox: bool, by_email: bool) -> None:
    errors: dict[str, str] = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often to hear about it.")
    if not (by_inbox or by_email):
        errors["by_inbox"] = _("Choose the inbox, e-mail or both.")
    if errors:
        raise ValidationError(errors)


def subscribe_patent(
    *, user: User, patent: Patent, frequency: str, by_inbox: bool = True, by_email: bool = True
) -> PatentSubscription:
    """Subscribe to changes of a library patent (idempotent: updates an existing one)."""
    _ensure_enterprise(user)
    _check_channels(frequency, by_inbox, by_email)
    assert user.organisation is not None  # checked by _ensure_enterprise
    subscription, _created = PatentSubscription.objects.update_or_create(
        user=user,
        patent=patent,
        defaults={
            "organisation": user.organisation,
            "frequency": frequency,
            "by_inbox": by_inbox,
            "by_email": by_email,
        },
    )
    matching_hooks.profile_changed(subscription.organisation_id)
    return subscription


def save_topic_subscription(
    *,
    user: User,
    name: str,
    keywords: str,
    filters: dict[str, Any],
    frequency: str,
    by_inbox: bool = True,
    by_email: bool = True,
    subscription: TopicSubscription | None = None,
) -> TopicSubscription:
    """Create (or edit the user's own) saved library search, and re-match the enterprise's
    profile. Raises PermissionDenied (not an enterprise user, someone else's topic) or
    ValidationError keyed by field; a filter's errors are under the filter's name."""
    _ensure_enterprise(user)
    _check_channels(frequency, by_inbox, by_email)
    errors: dict[str, str] = {}
    filters = _clean_filters(filters, errors)
    # Stored space-separated, as the library search and the matching profile read them.
    keywords = " ".join(split_terms(keywords))
    if not name.strip():
        errors["name"] = _("Name the topic.")
    if not keywords and not filters:
        errors["keywords"] = _("Give keywords or at least one filter.")
    if errors:
        raise ValidationError(errors)
    if subscription is not None and subscription.user_id != user.pk:
        raise PermissionDenied
    topic = subscription or TopicSubscription(user=user, organisation=user.organisation)
    topic.name = name.strip()
    topic.keywords = keywords
    topic.filters = filters
    topic.frequency = frequency
    topic.by_inbox = by_inbox
    topic.by_email = by_email
    topic.save()
    # Its keywords and filters are part of the enterprise's matching profile.
    matching_hooks.profile_changed(topic.organisation_id)
    return topic


def delete_subscription(
    *, subscription: PatentSubscription | TopicSubscription, user: User
) -> None:
    """The subscriber removes one of their subscriptions; both kinds feed matching."""
    if subscription.user_id != user.pk:
        raise PermissionDenied
    subscription.delete()
    matching_hooks.profile_changed(subscription.organisation_id)


def stop_subscription_email(*, user: User, scope: str) -> None:
    """Unsubscribe link of one subscription ("topic:<id>" or "patent:<id>")."""
    kind, _sep, pk = scope.partition(":")
    model = {"topic": TopicSubscription, "patent": PatentSubscription}.get(kind)
    if model is None or not pk.isdigit():
        raise ValidationError(_("This unsubscribe link is not valid."))
    model.objects.filter(user=user, pk=int(pk)).update(by_email=False)  # type: ignore[attr-defined]


def topic_matches(topic: TopicSubscription) -> QuerySet[Patent]:
    """The library patents a saved search finds (every keyword must appear)."""
    patents = Patent.objects.filter(IN_LIBRARY)
    for word in topic.keywords.split():
        patents = patents.filter(
            Q(title__icontains=word) | Q(abstract__icontains=word) | Q(search_text__icontains=word)
        )
    for name, value in topic.filters.items():
        if name in TOPIC_FILTERS:
            patents = patents.filter(_filter_q(name, value))
    return patents


def _notify_subscriber(
    sub: PatentSubscription | TopicSubscription,
    *,
    event_key: str,
    title: str,
    params: dict[str, Any],
    link: str,
    scope: str,
) -> None:
    notifications.notify(
        recipients=[sub.user],
        kind="subscription",
        event_key=event_key,
        title=title,
        params=params,
        link=link,
        email=sub.by_email,
        email_frequency=sub.frequency,
        in_inbox=sub.by_inbox,
        unsubscribe_scope=scope,
    )


def check_topic_subscriptions(*, now: datetime.datetime | None = None) -> int:
    """Tell each topic's subscriber about library patents that entered the library (were last
    updated) since the topic was last checked. Safe to run twice (event keys)."""
    now = now or timezone.now()
    sent = 0
    for topic in TopicSubscription.objects.select_related("user"):
        with transaction.atomic():
            for patent in topic_matches(topic).filter(
                updated_at__gt=topic.checked_at, updated_at__lte=now
            )[:50]:
                _notify_subscriber(
                    topic,
                    event_key=f"topic:{topic.pk}:patent:{patent.pk}",
                    title=gettext_noop("New patent for your topic %(topic)s: %(patent)s"),
                    params={"topic": topic.name, "patent": patent.title},
                    link=_patent_link(patent),
                    scope=f"topic:{topic.pk}",
                )
                sent += 1
            TopicSubscription.objects.filter(pk=topic.pk).update(checked_at=now)
    return sent


def check_patent_subscriptions(*, now: datetime.datetime | None = None) -> int:
    """Tell each patent's subscribers about changes recorded since they last heard."""
    now = now or timezone.now()
    sent = 0
    for sub in PatentSubscription.objects.select_related("user", "patent"):
        changes = PatentChange.objects.filter(
            patent_id=sub.patent_id, changed_at__gt=sub.checked_at, changed_at__lte=now
        )
        with transaction.atomic():
            for change in changes:
                _notify_subscriber(
                    sub,
                    event_key=f"patentsub:{sub.pk}:change:{change.pk}",
                    title=gettext_noop("The patent %(patent)s you follow has changed"),
                    params={"patent": sub.patent.title},
                    link=_patent_link(sub.patent),
                    scope=f"patent:{sub.pk}",
                )
                sent += 1
            PatentSubscription.objects.filter(pk=sub.pk).update(checked_at=now)
    return sent


def _patent_link(patent: Patent) -> str:
    return reverse("enterprises:patent", args=[patent.pk])
