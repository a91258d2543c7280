"""Navigation by role: which sections each kind of organisation sees in the top bar.

Each app adds its entries here; the server still enforces access in every view.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgKind, User

ALL_KINDS = frozenset(OrgKind)
PATENT_OWNERS = frozenset({OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE})
SUPERVISORS = frozenset({OrgKind.IP_BUREAU, OrgKind.NATIONAL_ADMIN})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    kinds: frozenset[str]
    admin_only: bool = False


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", ALL_KINDS),
    NavItem(_("Members"), "accounts:members", ALL_KINDS, admin_only=True),
]


def nav_for(user: User) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    kind = OrgKind.NATIONAL_ADMIN if user.is_superuser and not user.org_kind else user.org_kind
    return [
        {"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name}
        for item in NAV_ITEMS
        if kind in item.kinds and (not item.admin_only or user.is_org_admin or user.is_superuser)
    ]
