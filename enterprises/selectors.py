"""Reads of the demand side, scoped by who asks. Every view, API and export starts here.

Built on accounts.access: the national level sees everything, a provincial bureau its province,
everyone else their own organisation's rows, plus the sharing rules the issue sets out:
- technology needs are visible to universities, research and service institutions;
- intents, ratings and deals on a university's patents are visible to that university's staff
  (college staff: their college's patents).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.access import scope_to_owner
from accounts.models import OrgKind, Role, User
from enterprises.models import (
    HANDING_OVER_KINDS,
    CooperationIntent,
    Deal,
    EnterpriseProfile,
    NeedStatus,
    PatentSubscription,
    ProspectRating,
    RatingReason,
    TechnologyNeed,
    TopicSubscription,
    Verification,
)
from patents.models import Patent, PatentType
from refdata.models import Industry, Region

NEED_READERS = frozenset(
    {OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.SERVICE_INSTITUTION}
)
#: University roles that answer intents and see ratings (college staff: for their college).
ANSWERING_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.COLLEGE_STAFF})


def profiles_for(user: User | AnonymousUser) -> QuerySet[EnterpriseProfile]:
    """Enterprise profiles: own; a bureau its province's; the national level all."""
    return scope_to_owner(
        EnterpriseProfile.objects.select_related("organisation", "organisation__province"), user
    )


def profile_of(user: User) -> EnterpriseProfile | None:
    if user.org_kind != OrgKind.ENTERPRISE:
        return None
    return EnterpriseProfile.objects.filter(organisation=user.organisation).first()


def selectable_industries() -> QuerySet[Industry]:
    """The GB/T 4754 codes a profile or need may name, at any level: the web forms and the API
    accept the same set, so neither can store what the other would drop on its next save."""
    return Industry.objects.all()


def needs_for(user: User | AnonymousUser) -> QuerySet[TechnologyNeed]:
    """Own enterprise's needs; universities, research and service institutions see the open
    needs of verified enterprises; bureaus their province's; the national level all."""
    own = scope_to_owner(TechnologyNeed.objects.all(), user, owner="enterprise")
    if isinstance(user, User) and user.org_kind in NEED_READERS:
        shared = TechnologyNeed.objects.filter(
            status=NeedStatus.OPEN,
            enterprise__enterprise_profile__verification_status=Verification.VERIFIED,
        )
        return shared.select_related("enterprise")
    return own.select_related("enterprise")


def _on_own_patents(user: User, prefix: str = "patent__") -> Q | None:
    """The rows about patents a university-side user answers for, or None if they answer none."""
    if user.organisation is None or not user.organisation.owns_patents:
        return None
    if user.role in (Role.ADMIN, Role.STAFF):
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    if user.role == Role.COLLEGE_STAFF and user.department_id:
        return Q(
            **{
                f"{prefix}organisation_id": user.organisation_id,
                f"{prefix}department_id": user.department_id,
            }
        )
    return None


def _both_sides(queryset: QuerySet, user: User | AnonymousUser) -> QuerySet:  # type: ignore[type-arg]
    if not user.is_authenticated:
        return queryset.none()
    assert isinstance(user, User)
    if user.is_national:
        return queryset
    if user.is_bureau:
        return queryset.filter(
            Q(patent__organisation__province_id=user.province_code)
            | Q(enterprise__province_id=user.province_code)
        )
    if user.org_kind == OrgKind.ENTERPRISE:
        return queryset.filter(enterprise_id=user.organisation_id)
    own = _on_own_patents(user)
    return queryset.filter(own) if own is not None else queryset.none()


def intents_for(user: User | AnonymousUser) -> QuerySet[CooperationIntent]:
    """Intents: the declaring enterprise's; the owning university's (college staff: their
    college's patents); a bureau's province on either side; the national level all."""
    return _both_sides(
        CooperationIntent.objects.select_related(
            "patent", "patent__organisation", "enterprise", "declared_by", "answered_by"
        ),
        user,
    )


#: Ratings others may count: only verified enterprises rate, and a rating an enterprise gave
#: before that rule, while unverified, must not weigh in statistics or on patent pages.
_BY_VERIFIED_ENTERPRISE = Q(
    enterprise__enterprise_profile__verification_status=Verification.VERIFIED
)


def ratings_for(user: User | AnonymousUser) -> QuerySet[ProspectRating]:
    """Ratings: the rating enterprise's own; a university's on its patents (college staff: their
    college's), a bureau's in its province on either side, the national level's all, each of
    these only by verified enterprises."""
    ratings = _both_sides(ProspectRating.objects.select_related("patent", "enterprise"), user)
    if isinstance(user, User) and user.org_kind == OrgKind.ENTERPRISE:
        return ratings
    return ratings.filter(_BY_VERIFIED_ENTERPRISE)


def deals_for(user: User | AnonymousUser) -> QuerySet[Deal]:
    return _both_sides(
        Deal.objects.select_related("patent", "university", "enterprise", "intent"), user
    )


def patent_subscriptions_for(user: User | AnonymousUser) -> QuerySet[PatentSubscription]:
    """Subscriptions are private to the user who made them."""
    if not user.is_authenticated:
        return PatentSubscription.objects.none()
    return PatentSubscription.objects.filter(user_id=user.pk).select_related("patent")


def topic_subscriptions_for(user: User | AnonymousUser) -> QuerySet[TopicSubscription]:
    if not user.is_authenticated:
        return TopicSubscription.objects.none()
    return TopicSubscription.objects.filter(user_id=user.pk)


def with_filter_labels(
    topics: Iterable[TopicSubscription],
) -> list[tuple[TopicSubscription, list[tuple[str, str]]]]:
    """Each topic with its saved filters as people read them: (filter, value) pairs such as
    ("Owner's province", "Zhejiang") rather than province=330000. One query per kind of code."""
    topics = list(topics)

    def codes(name: str) -> set[str]:
        return {t.filters[name] for t in topics if name in t.filters}

    names: dict[str, tuple[str, dict[str, str]]] = {
        "ipc_subclass": (_("IPC subclass"), {}),
        "industry": (
            _("Industry"),
            {i.code: str(i) for i in Industry.objects.filter(code__in=codes("industry"))},
        ),
        "patent_type": (_("Patent type"), {k: str(v) for k, v in PatentType.choices}),
        "province": (
            _("Owner's province"),
            {r.code: str(r) for r in Region.objects.filter(code__in=codes("province"))},
        ),
    }
    labelled = []
    for topic in topics:
        pairs = []
        for name, value in topic.filters.items():
            label, values = names.get(name, (name, {}))
            pairs.append((label, values.get(value, value)))
        labelled.append((topic, pairs))
    return labelled


def rating_summary(patent: Patent) -> dict[str, object]:
    """Aggregate shown on the patent page: count and average score of verified enterprises'
    ratings."""
    return ProspectRating.objects.filter(_BY_VERIFIED_ENTERPRISE, patent=patent).aggregate(
        count=Count("id"), average=Avg("score")
    )


def reason_counts(ratings: QuerySet[ProspectRating]) -> list[tuple[str, str, int]]:
    """(code, label, how many ratings gave it), for every structured reason."""
    counts = dict.fromkeys(RatingReason.values, 0)
    for reasons in ratings.values_list("reasons", flat=True):
        for reason in reasons:
            if reason in counts:
                counts[reason] += 1
    labels = dict(RatingReason.choices)
    return [(code, str(labels[code]), count) for code, count in counts.items()]


def intent_answerers(intent: CooperationIntent) -> QuerySet[User]:
    """Who at the owning university gets the intent: admin and staff, and the college staff of
    the patent's college."""
    return intent_answerers_for_patent(intent.patent)


def intent_answerers_for_patent(patent: Patent) -> QuerySet[User]:
    from accounts.selectors import staff_of

    return staff_of(patent.organisation, department_id=patent.department_id)


def enterprise_members(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, is_active=True)


def bureau_users(province_code: str) -> QuerySet[User]:
    return User.objects.filter(
        organisation__kind=OrgKind.IP_BUREAU,
        organisation__province_id=province_code,
        is_active=True,
    )


def ratings_by_patent(ratings: QuerySet[ProspectRating]) -> list[dict[str, object]]:
    """Per rated patent: the patent, count, average and how often each reason was given."""
    grouped: dict[int, list[ProspectRating]] = {}
    for rating in ratings.select_related("patent").order_by("patent_id"):
        grouped.setdefault(rating.patent_id, []).append(rating)
    labels = dict(RatingReason.choices)
    rows: list[dict[str, object]] = []
    for items in grouped.values():
        reasons: dict[str, int] = {}
        for rating in items:
            for reason in rating.reasons:
                reasons[str(labels.get(reason, reason))] = (
                    reasons.get(str(labels.get(reason, reason)), 0) + 1
                )
        rows.append(
            {
                "patent": items[0].patent,
                "count": len(items),
                "average": sum(r.score for r in items) / len(items),
                "reasons": sorted(reasons.items(), key=lambda kv: -kv[1]),
                "comments": [r.comment for r in items if r.comment],
            }
        )
    return rows


def handed_over_by(patent_id: int) -> Deal | None:
    """The deal that handed `patent_id` over to an enterprise (a transfer or an equity
    investment: the first, if ever more than one was recorded), or None. Not scoped: callers
    show it on pages of a patent the user may already see."""
    return (
        Deal.objects.filter(patent_id=patent_id, kind__in=HANDING_OVER_KINDS)
        .select_related("enterprise")
        .order_by("contract_date", "pk")
        .first()
    )
