"""Reads of appraisal records, scoped by who asks. Every view, API and download starts here.

- an appraisal institution: its own records;
- a provincial IP bureau: the institutions of its province (and their records);
- the national level: everything;
- anyone signed in: valuations of patents in the convertible library (value and who made it).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.access import scope_to_owner
from accounts.models import OrgKind, User
from evaluation.models import (
    ApplicationDocument,
    AppraisalInstitution,
    Appraiser,
    Filing,
    Inspection,
    Valuation,
    overdue_filings_q,
)
from patents.models import Patent
from patents.selectors import library_for

_INSTITUTION_OWNER = "institution__organisation"
_PATENT_COLUMNS = Patent.objects.only("pk", "organisation_id", "application_no", "title")


def institutions_for(user: User | AnonymousUser) -> QuerySet[AppraisalInstitution]:
    return scope_to_owner(
        AppraisalInstitution.objects.select_related("organisation", "organisation__province"),
        user,
    )


def own_institution(user: User | AnonymousUser) -> AppraisalInstitution | None:
    """The profile of the user's own appraisal institution, if they work at one."""
    if not isinstance(user, User) or user.org_kind != OrgKind.APPRAISAL_INSTITUTION:
        return None
    return institutions_for(user).filter(organisation=user.organisation).first()


def documents_for(user: User | AnonymousUser) -> QuerySet[ApplicationDocument]:
    return scope_to_owner(ApplicationDocument.objects.all(), user, owner=_INSTITUTION_OWNER)


def appraisers_for(user: User | AnonymousUser) -> QuerySet[Appraiser]:
    return scope_to_owner(
        Appraiser.objects.select_related("institution__organisation"),
        user,
        owner=_INSTITUTION_OWNER,
    )


def filings_for(user: User | AnonymousUser) -> QuerySet[Filing]:
    return scope_to_owner(
        Filing.objects.select_related("institution__organisation"), user, owner=_INSTITUTION_OWNER
    )


def overdue_filings_for(user: User | AnonymousUser, today: datetime.date) -> QuerySet[Filing]:
    return filings_for(user).filter(overdue_filings_q(today))


def inspections_for(user: User | AnonymousUser) -> QuerySet[Inspection]:
    return scope_to_owner(Inspection.objects.all(), user, owner=_INSTITUTION_OWNER)


def valuations_for(user: User | AnonymousUser) -> QuerySet[Valuation]:
    """Valuations the user may read: those of institutions in scope, plus valuations of library
    patents, which every signed-in user sees next to the patent."""
    if not user.is_authenticated:
        return Valuation.objects.none()
    owned = scope_to_owner(Valuation.objects.all(), user, owner=_INSTITUTION_OWNER)
    of_library = Valuation.objects.filter(patents__in=library_for(user))
    # Subqueries on primary keys, not a join, so a valuation of several patents appears once.
    visible = Q(pk__in=owned.values("pk")) | Q(pk__in=of_library.values("pk"))
    return (
        Valuation.objects.filter(visible)
        .select_related("institution__organisation")
        .prefetch_related("appraisers", Prefetch("patents", queryset=_PATENT_COLUMNS))
    )


def reports_for(user: User | AnonymousUser) -> QuerySet[Valuation]:
    """Valuations whose report file the user may download: the institution and its supervisors."""
    return scope_to_owner(Valuation.objects.all(), user, owner=_INSTITUTION_OWNER)


def current_valuation(
    user: User | AnonymousUser, patent: Patent, today: datetime.date
) -> Valuation | None:
    """The latest valuation of the patent still within its validity period."""
    return (
        valuations_for(user)
        .filter(patents=patent, value_date__lte=today, valid_until__gte=today)
        .order_by("-value_date", "-id")
        .first()
    )


def valuable_patents_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """Patents an institution may value: those in the convertible library."""
    return library_for(user).select_related("organisation")
