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
    NavItem(_("Inventory"), "patents:inventory", PATENT_OWNERS),
    NavItem(_("Uploads"), "patents:import_list", PATENT_OWNERS),
    NavItem(_("Library"), "patents:library", ALL_KINDS),
    NavItem(_("Recommended"), "matching:recommended", frozenset({OrgKind.ENTERPRISE})),
    NavItem(_("Spot checks"), "patents:spotcheck_list", SUPERVISORS),
    NavItem(_("Dashboard"), "dashboards:index", SUPERVISORS),
    NavItem(_("Typical cases"), "dashboards:cases", SUPERVISORS | PATENT_OWNERS),
    NavItem(_("My institution"), "evaluation:mine", frozenset({OrgKind.APPRAISAL_INSTITUTION})),
    NavItem(_("Appraisers"), "evaluation:appraisers", frozenset({OrgKind.APPRAISAL_INSTITUTION})),
    NavItem(_("Filings"), "evaluation:filings", frozenset({OrgKind.APPRAISAL_INSTITUTION})),
    NavItem(_("Valuations"), "evaluation:valuations", frozenset({OrgKind.APPRAISAL_INSTITUTION})),
    NavItem(_("Appraisal institutions"), "evaluation:institutions", SUPERVISORS),
    NavItem(_("Needs"), "enterprises:needs", ALL_KINDS - {OrgKind.APPRAISAL_INSTITUTION}),
    NavItem(_("Subscriptions"), "enterprises:subscriptions", frozenset({OrgKind.ENTERPRISE})),
    NavItem(_("Intents"), "enterprises:intents", ALL_KINDS - {OrgKind.APPRAISAL_INSTITUTION}),
    NavItem(_("Deals"), "enterprises:deals", ALL_KINDS - {OrgKind.APPRAISAL_INSTITUTION}),
    NavItem(_("Ratings"), "enterprises:ratings", PATENT_OWNERS | {OrgKind.ENTERPRISE}),
    NavItem(_("Enterprise verification"), "enterprises:verification", SUPERVISORS),
    NavItem(_("Profile"), "enterprises:profile", frozenset({OrgKind.ENTERPRISE})),
    NavItem(_("Inbox"), "notifications:inbox", ALL_KINDS),
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
