"""Navigation by role: which sections each kind of organisation sees in the top bar.

Each app adds its entries here; the server still enforces access in every view. Where a view
admits only some roles of a kind, its entry asks the same permission function the view uses, so
that nobody is offered a link that answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
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
    # The view's own permission check, for views that admit only some roles of these kinds.
    allowed: Callable[[User], bool] | None = None

    def shown_to(self, user: User) -> bool:
        kind = OrgKind.NATIONAL_ADMIN if user.is_superuser and not user.org_kind else user.org_kind
        if kind not in self.kinds:
            return False
        if self.admin_only and not (user.is_org_admin or user.is_superuser):
            return False
        return self.allowed is None or self.allowed(user)


def may_import(user: User) -> bool:
    # Imported here: accounts is the base app and imports no other app at module level.
    from patents.services.imports import may_import as patents_may_import

    return patents_may_import(user)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", ALL_KINDS),
    NavItem(_("Members"), "accounts:members", ALL_KINDS, admin_only=True),
    NavItem(_("Inventory"), "patents:inventory", PATENT_OWNERS),
    NavItem(_("Uploads"), "patents:import_list", PATENT_OWNERS, allowed=may_import),
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
    return [
        {"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name}
        for item in NAV_ITEMS
        if item.shown_to(user)
    ]


def may_open(user: User, url_name: str) -> bool:
    """Whether the navigation offers `url_name` to `user` (for links elsewhere on a page)."""
    if not user.is_authenticated:
        return False
    return any(item.url_name == url_name and item.shown_to(user) for item in NAV_ITEMS)
