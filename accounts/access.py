"""The one rule for data owned by an organisation: who may see it.

Every app's selectors start from `scope_to_owner`, so that a leak is a one-line bug in one place.
- national administration (and superusers): everything;
- a provincial IP bureau: what organisations of its province own;
- anyone else: what their own organisation owns.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from accounts.models import OrgKind, User

M = TypeVar("M", bound=Model)


def scope_to_owner(
    queryset: QuerySet[M], user: User | AnonymousUser, *, owner: str = "organisation"
) -> QuerySet[M]:
    """Narrow `queryset` to rows whose `owner` organisation the user may see."""
    if not user.is_authenticated:
        return queryset.none()
    assert isinstance(user, User)
    if user.is_national:
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    if user.org_kind == OrgKind.IP_BUREAU:
        return queryset.filter(**{f"{owner}__province_id": user.province_code})
    return queryset.filter(**{f"{owner}_id": user.organisation_id})


def scope_to_province(
    queryset: QuerySet[M], user: User | AnonymousUser, *, province: str = "province"
) -> QuerySet[M]:
    """Narrow rows that carry a province to the national level (all) or the user's province."""
    if not user.is_authenticated:
        return queryset.none()
    assert isinstance(user, User)
    if user.is_national:
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**{f"{province}_id": user.province_code})
