"""Reads of patents, scoped by who asks. Every view, API and export starts here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.access import scope_to_owner
from accounts.models import PATENT_OWNER_KINDS, Organisation, Role, User
from patents.models import (
    IN_LIBRARY,
    ChangeSource,
    ImportJob,
    Patent,
    PatentChange,
    ReviewStatus,
    SpotCheck,
    SpotCheckItem,
)


def _inventor_name(user: User) -> str:
    """The name an inventor appears under in `Patent.inventors`: Chinese names are written
    surname first without a space (张伟), others as Django's full name."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return user.get_full_name().strip() or user.username


def patents_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """Inventory records the user may open.

    - national level: all; a provincial bureau: its province's institutions';
    - university/institute admin and staff: their institution's;
    - college staff: their college's; inventors: the patents naming them as inventor;
    - enterprises and service institutions own none."""
    queryset = scope_to_owner(Patent.objects.select_related("organisation", "department"), user)
    if not isinstance(user, User) or user.is_national or user.is_bureau:
        return queryset
    if user.org_kind not in PATENT_OWNER_KINDS:
        return queryset.none()
    if user.role == Role.COLLEGE_STAFF:
        return queryset.filter(department__isnull=False, department=user.department)
    if user.role == Role.INVENTOR:
        # A whole name in the list (patents.models.lookups): 张伟 must not see 张伟明's patents.
        return queryset.filter(inventors__has_item=_inventor_name(user))
    return queryset


def library_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """The convertible patent library: admitted, valid patents with prospects, open to every
    signed-in user."""
    if not user.is_authenticated:
        return Patent.objects.none()
    return Patent.objects.filter(IN_LIBRARY).select_related("organisation", "industry")


def may_keep_inventory(user: User | AnonymousUser) -> bool:
    """Whether the user works on an inventory (owners' members, bureaus and national level)."""
    if not isinstance(user, User):
        return False
    return user.is_national or user.is_bureau or user.org_kind in PATENT_OWNER_KINDS


def review_queue_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """Records waiting for this user's review step: college staff see their college's records
    in college review; university admin and staff see their institution's in university review."""
    queryset = patents_for(user)
    if not isinstance(user, User) or user.org_kind not in PATENT_OWNER_KINDS:
        return queryset.none()
    if user.role == Role.COLLEGE_STAFF:
        return queryset.filter(review_status=ReviewStatus.COLLEGE_REVIEW)
    if user.role in (Role.ADMIN, Role.STAFF):
        return queryset.filter(review_status=ReviewStatus.UNIVERSITY_REVIEW)
    return queryset.none()


def inventory_counts(user: User | AnonymousUser) -> dict[str, int]:
    """Number of visible records per review status (for the home page and inventory tabs)."""
    rows = patents_for(user).order_by().values("review_status").annotate(n=Count("id"))
    counts = dict.fromkeys(ReviewStatus.values, 0)
    counts.update({row["review_status"]: row["n"] for row in rows})
    counts["total"] = sum(counts.values())
    return counts


def history_of(patent: Patent, *, limit: int = 50) -> list[PatentChange]:
    """The newest `limit` history entries of a record, newest first.

    A record created by an upload ends with its creation entry, made from the job (uploaded by,
    at the record's creation time), not stored: an upload writes no row per created record."""
    changes = list(
        patent.changes.select_related("changed_by__organisation").order_by("-changed_at", "-id")[
            :limit
        ]
    )
    job_id = patent.created_by_import_id
    if len(changes) < limit and job_id is not None:
        job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
        changes.append(creation_entry(patent, job))
    return changes


def creation_entry(patent: Patent, job: ImportJob) -> PatentChange:
    """The history entry of an uploaded record's creation (unsaved: made from the job)."""
    return PatentChange(
        patent=patent,
        changed_by=job.uploaded_by,
        changed_at=patent.created_at,
        source=ChangeSource.IMPORT,
        import_job=job,
        changes={"created": [None, patent.application_no]},
    )


def spot_checks_for(user: User | AnonymousUser) -> QuerySet[SpotCheck]:
    """Spot checks the user may open: a bureau those of institutions in its province, the
    national level all, an institution those made of it."""
    queryset = SpotCheck.objects.select_related("institution", "bureau").annotate(
        item_count=Count("items"),
        passed_count=Count("items", filter=Q(items__result="passed")),
        failed_count=Count("items", filter=Q(items__result="failed")),
    )
    return scope_to_owner(queryset, user, owner="institution")


def spot_check_items(spot_check: SpotCheck) -> QuerySet[SpotCheckItem]:
    return spot_check.items.select_related("patent", "checked_by").order_by("id")


def institutions_for_spot_check(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Patent-owning institutions a bureau may spot-check: those in its province."""
    if not isinstance(user, User) or not (user.is_bureau or user.is_national):
        return Organisation.objects.none()
    queryset = Organisation.objects.filter(kind__in=PATENT_OWNER_KINDS, is_active=True)
    if user.is_national:
        return queryset
    return queryset.filter(province_id=user.province_code)
