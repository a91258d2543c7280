"""Figures of demand, conversion, responsiveness and evaluation (registered into `metrics`).

Where a figure is placed:
- intents, ratings, deals and conversion rates count in the province of the *patent's* owner (what
  happens to the province's patents), by that institution;
- enterprises, needs, subscriptions and matches pushed in the province of the *enterprise*;
- deals across provinces are counted twice, once on each side (out of the patent's province,
  into the enterprise's province), each with its flow "patent province → enterprise province";
- appraisal institutions, filings and audits in the institution's province.
Figures depending on the day (overdue) are as of the last refresh.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Least, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import parse_id
from dashboards.metrics import (
    PATENT,
    Dimension,
    Measure,
    Metric,
    Ratio,
    Source,
    Viewer,
    _month_filter,
    _org_names,
    _patent_source,
    _region_names,
)
from enterprises import selectors as enterprise_selectors
from enterprises.models import (
    CooperationIntent,
    Deal,
    DealKind,
    EnterpriseProfile,
    IntentKind,
    IntentStatus,
    LicenceType,
    PatentSubscription,
    ProspectRating,
    RatingReason,
    TechnologyNeed,
    TopicSubscription,
    Verification,
)
from evaluation import selectors as evaluation_selectors
from evaluation.models import AppraisalInstitution, Filing, InstitutionStatus, overdue_filings_q
from evaluation.rules import AUDIT_MONTHS, add_months
from matching.models import Match
from notifications.models import Notification
from patents.models import IN_LIBRARY, ImplementationStatus, Patent
from patents.selectors import patents_for

DEMAND = "demand"
CONVERSION = "conversion"
RESPONSIVENESS = "responsiveness"
EVALUATION = "evaluation"

#: Notification kinds that push matches to enterprises start with this (e.g. "match_pushed").
MATCH_NOTIFICATION_PREFIX = "match"

DEAL_KINDS: dict[str, Any] = {
    "transfer": DealKind.TRANSFER.label,
    "licence": _("Licence (exclusive or ordinary)"),
    "open_licence": LicenceType.OPEN.label,
    "investment": DealKind.INVESTMENT.label,
}

ACTIVITY_DIMENSIONS: dict[str, Dimension] = {
    d.slug: d
    for d in [
        Dimension("kind", _("Kind"), {**dict(IntentKind.choices), **DEAL_KINDS}),
        Dimension("reason", _("Reason"), dict(RatingReason.choices)),
        Dimension("score", _("Score (1–5)")),
        Dimension("status", _("Status"), dict(InstitutionStatus.choices)),
        Dimension("implementation", _("Implementation"), dict(ImplementationStatus.choices)),
        Dimension("flow", _("Patent province → enterprise province")),
    ]
}


def _none(model: type[Any]) -> Any:
    return lambda _user: model.objects.none()


def _flow_filter(key: str) -> Q:
    patent_province, enterprise_province = key.split(">")
    return Q(
        patent__organisation__province_id=patent_province,
        enterprise__province_id=enterprise_province,
    )


def _flow_names(keys: set[str]) -> dict[str, str]:
    codes = {code for key in keys for code in key.split(">")}
    names = _region_names(codes)
    labels = {}
    for key in keys:
        a, _sep, b = key.partition(">")
        labels[key] = f"{names.get(a, a)} → {names.get(b, b)}"
    return labels


def _org_source(org: str, month: str = "created_at") -> Source:
    """Rows owned by an organisation (enterprise, subscriber, appraisal institution)."""
    return Source(
        province_path=f"{org}__province_id",
        group={
            "institution": F(f"{org}_id"),
            "city": F(f"{org}__city_id"),
            "month": TruncMonth(month),
        },
        filters={
            "province": lambda key: Q(**{f"{org}__province_id": key}),
            "institution": lambda key: Q(**{f"{org}_id": parse_id(key)}),
            "city": lambda key: Q(**{f"{org}__city_id": key or None}),
            "month": _month_filter(month),
        },
        labels={"province": _region_names, "institution": _org_names, "city": _region_names},
    )


def _on_patent(month: str, **extra: Any) -> Source:
    """Rows about one patent (intents, ratings, deals), dated by `month`."""
    base = _patent_source("patent__")
    group = {**base.group, "month": TruncMonth(month), **extra.get("group", {})}
    filters = {**base.filters, "month": _month_filter(month), **extra.get("filters", {})}
    labels = {**base.labels, **extra.get("labels", {})}
    buckets = extra.get("buckets", {})
    return Source(base.province_path, group, filters, labels, buckets)


def _bucket_filters(buckets: dict[str, Q]) -> Any:
    def build(key: str) -> Q:
        if key not in buckets:
            raise ValueError(key)
        return buckets[key]

    return build


def _lists(field: str, value: str) -> Q:
    """`value` is in the JSON list `field`: containment on PostgreSQL; SQLite (the embedded
    default) has no JSON containment, so match the quoted value in the list's text."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


INTENT_KINDS = {kind: _lists("kinds", kind) for kind in IntentKind.values}
DEAL_KIND_BUCKETS = {
    "transfer": Q(kind=DealKind.TRANSFER),
    "licence": Q(kind=DealKind.LICENCE) & ~Q(licence_type=LicenceType.OPEN),
    "open_licence": Q(kind=DealKind.LICENCE, licence_type=LicenceType.OPEN),
    "investment": Q(kind=DealKind.INVESTMENT),
}
RATING_REASONS = {reason: _lists("reasons", reason) for reason in RatingReason.values}

INTENT = _on_patent(
    "declared_at",
    buckets={"kind": INTENT_KINDS},
    filters={"kind": _bucket_filters(INTENT_KINDS)},
)
RATING = _on_patent(
    "created_at",
    group={"score": F("score")},
    filters={
        "score": lambda key: Q(score=int(key)),
        "reason": _bucket_filters(RATING_REASONS),
    },
    buckets={"reason": RATING_REASONS},
)
_FLOW = Concat(F("patent__organisation__province_id"), Value(">"), F("enterprise__province_id"))
DEAL = _on_patent(
    "contract_date",
    group={"flow": _FLOW},
    filters={"kind": _bucket_filters(DEAL_KIND_BUCKETS), "flow": _flow_filter},
    labels={"flow": _flow_names},
    buckets={"kind": DEAL_KIND_BUCKETS},
)
# The same deals seen from the taking enterprise's province.
DEAL_TAKEN = Source(
    province_path="enterprise__province_id",
    group={"flow": _FLOW},
    filters={"province": lambda key: Q(enterprise__province_id=key), "flow": _flow_filter},
    labels={"province": _region_names, "flow": _flow_names},
)
ENTERPRISE = _org_source("organisation")
NEED = _org_source("enterprise")
SUBSCRIBER = _org_source("organisation")
MATCH_RECIPIENT = _org_source("recipient__organisation")
MATCH = _org_source("enterprise")
APPRAISAL = Source(
    province_path="organisation__province_id",
    group={"status": F("status")},
    filters={
        "province": lambda key: Q(organisation__province_id=key),
        "status": lambda key: Q(status=key),
    },
    labels={"province": _region_names},
)
FILING = _org_source("institution__organisation")
PATENT_IMPLEMENTATION = Source(
    PATENT.province_path,
    {**PATENT.group, "implementation": F("implementation_status")},
    {**PATENT.filters, "implementation": lambda key: Q(implementation_status=key)},
    PATENT.labels,
)

ON_PATENT_DIMENSIONS = ("province", "institution", "month", "industry", "ipc")
LIBRARY_DIMENSIONS = ("province", "institution", "city", "industry", "ipc")


def _sum(path: str) -> Measure:
    return lambda condition: Sum(path, filter=condition)


#: When a university first answered: accepted or declined, whichever came first.
# Coalesced, because SQLite's MIN() of a NULL is NULL where PostgreSQL's LEAST skips it.
FIRST_ANSWER = Least(Coalesce("accepted_at", "declined_at"), Coalesce("declined_at", "accepted_at"))
ANSWERED = Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)
ANSWERED_LATE = Q(accepted_at__date__gt=F("answer_due")) | Q(
    accepted_at__isnull=True, declined_at__date__gt=F("answer_due")
)


def _answer_days(condition: Q | None) -> Any:
    """Sum of calendar days (fractional) from declaration to the first answer."""
    if connection.vendor != "postgresql":
        # SQLite (the embedded default): Julian day numbers are fractional days already.
        days = Func(FIRST_ANSWER, function="julianday", output_field=FloatField()) - Func(
            F("declared_at"), function="julianday", output_field=FloatField()
        )
        return Sum(days, filter=condition, output_field=FloatField())
    elapsed = ExpressionWrapper(FIRST_ANSWER - F("declared_at"), output_field=DurationField())
    seconds = Func(
        elapsed, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField()
    )
    return Sum(seconds / 86400.0, filter=condition, output_field=FloatField())


def _today() -> datetime.date:
    return timezone.localdate()


def _overdue_intents() -> Q:
    return Q(status=IntentStatus.DECLARED, answer_due__lt=_today())


def _overdue_filings() -> Q:
    return overdue_filings_q(_today())


def audit_cutoff(today: datetime.date) -> datetime.date:
    """The first completion date whose audit is not yet overdue on `today`: an audit is overdue
    when today > completion + 2 months (evaluation.rules), and that date only grows with the
    completion date, so the overdue ones are exactly those completed before the cutoff."""
    day = add_months(today, -AUDIT_MONTHS) - datetime.timedelta(days=4)
    while today > add_months(day, AUDIT_MONTHS):
        day += datetime.timedelta(days=1)
    return day


def _overdue_audits() -> Q:
    return Q(status=InstitutionStatus.UNDER_AUDIT, documents_complete_on__lt=audit_cutoff(_today()))


def _intents_for(user: Viewer) -> QuerySet[CooperationIntent]:
    return enterprise_selectors.intents_for(user)


def _library_with(related: type[Any]) -> Q:
    return IN_LIBRARY & Q(Exists(related.objects.filter(patent=OuterRef("pk"))))


ACTIVITY_METRICS: dict[str, Metric] = {
    m.slug: m
    for m in [
        # --- Demand ---------------------------------------------------------------------
        Metric(
            slug="enterprises_registered",
            section=DEMAND,
            label=_("Enterprises registered"),
            definition=_(
                "Enterprise profiles registered on Panhuo, whatever their verification, in the "
                "enterprise's province; by month of registration."
            ),
            source=ENTERPRISE,
            condition=Q(),
            model=EnterpriseProfile,
            dimensions=("province", "city", "month"),
            visible=enterprise_selectors.profiles_for,
            columns="profile",
        ),
        Metric(
            slug="enterprises_verified",
            section=DEMAND,
            label=_("Enterprises verified"),
            definition=_("Registered enterprises whose verification was approved."),
            source=ENTERPRISE,
            condition=Q(verification_status=Verification.VERIFIED),
            model=EnterpriseProfile,
            dimensions=("province", "city", "month"),
            visible=enterprise_selectors.profiles_for,
            columns="profile",
        ),
        Metric(
            slug="technology_needs",
            section=DEMAND,
            label=_("Technology needs"),
            definition=_(
                "Technology needs published by enterprises of the area, open or not; by month "
                "of publication."
            ),
            source=NEED,
            condition=Q(),
            model=TechnologyNeed,
            dimensions=("province", "city", "month"),
            visible=enterprise_selectors.needs_for,
            columns="need",
        ),
        Metric(
            slug="patent_subscriptions",
            section=DEMAND,
            label=_("Patent subscriptions"),
            definition=_(
                "Subscriptions to a single patent, by users of organisations of the area. "
                "Subscriptions are private: the figure has no records to open."
            ),
            source=SUBSCRIBER,
            condition=Q(),
            model=PatentSubscription,
            dimensions=("province", "month"),
            visible=_none(PatentSubscription),
            drillable=False,
        ),
        Metric(
            slug="topic_subscriptions",
            section=DEMAND,
            label=_("Topic subscriptions"),
            definition=_(
                "Saved library searches with alerts, by users of organisations of the area. "
                "Subscriptions are private: the figure has no records to open."
            ),
            source=SUBSCRIBER,
            condition=Q(),
            model=TopicSubscription,
            dimensions=("province", "month"),
            visible=_none(TopicSubscription),
            drillable=False,
        ),
        Metric(
            slug="intents",
            section=DEMAND,
            label=_("Cooperation intents"),
            definition=_(
                "Intents declared by enterprises on patents of the area's institutions, in any "
                "status. By kind, an intent naming several kinds counts under each of them."
            ),
            source=INTENT,
            condition=Q(),
            model=CooperationIntent,
            dimensions=(*ON_PATENT_DIMENSIONS, "kind"),
            visible=_intents_for,
            columns="intent",
        ),
        Metric(
            slug="ratings",
            section=DEMAND,
            label=_("Prospect ratings"),
            definition=_(
                "Enterprises' ratings (1–5) of the industrialization prospects of the area's "
                "patents. By reason, a rating giving several reasons counts under each."
            ),
            source=RATING,
            condition=Q(),
            model=ProspectRating,
            dimensions=("province", "institution", "score", "reason"),
            visible=enterprise_selectors.ratings_for,
            columns="rating",
        ),
        Metric(
            slug="rating_points",
            section=DEMAND,
            label=_("Rating points"),
            definition=_("Sum of the scores of the prospect ratings (for the average)."),
            source=RATING,
            condition=Q(),
            model=ProspectRating,
            dimensions=("province", "institution"),
            visible=enterprise_selectors.ratings_for,
            columns="rating",
            measure=_sum("score"),
        ),
        Metric(
            slug="matches_recommended",
            section=DEMAND,
            label=_("Matches recommended"),
            definition=_(
                "Library patents currently recommended by matching to enterprises of the area "
                "(one per enterprise and patent)."
            ),
            source=MATCH,
            condition=Q(),
            model=Match,
            dimensions=("province",),
            visible=_none(Match),
            drillable=False,
        ),
        Metric(
            slug="matches_pushed",
            section=DEMAND,
            label=_("Matches pushed"),
            definition=_(
                "Inbox notifications of new matches sent to users of enterprises of the area; by "
                "month sent. Inbox messages are private: no records to open."
            ),
            source=MATCH_RECIPIENT,
            condition=Q(kind__startswith=MATCH_NOTIFICATION_PREFIX),
            model=Notification,
            dimensions=("province", "month"),
            visible=_none(Notification),
            drillable=False,
        ),
        Metric(
            slug="matches_opened",
            section=DEMAND,
            label=_("Matches opened"),
            definition=_("Pushed match notifications that their recipient has read."),
            source=MATCH_RECIPIENT,
            condition=Q(kind__startswith=MATCH_NOTIFICATION_PREFIX, read_at__isnull=False),
            model=Notification,
            dimensions=("province", "month"),
            visible=_none(Notification),
            drillable=False,
        ),
        # --- Conversion -----------------------------------------------------------------
        Metric(
            slug="deals",
            section=CONVERSION,
            label=_("Deals"),
            definition=_(
                "Recorded transfers, licences (open licences apart) and investments of the "
                "area's patents; by month of the contract."
            ),
            source=DEAL,
            condition=Q(),
            model=Deal,
            dimensions=(*ON_PATENT_DIMENSIONS, "kind"),
            visible=enterprise_selectors.deals_for,
            columns="deal",
        ),
        Metric(
            slug="deal_amount",
            section=CONVERSION,
            label=_("Deal amounts (yuan)"),
            definition=_("Sum of the contract amounts of the deals that state one."),
            source=DEAL,
            condition=Q(amount__isnull=False),
            model=Deal,
            dimensions=(*ON_PATENT_DIMENSIONS, "kind"),
            visible=enterprise_selectors.deals_for,
            columns="deal",
            measure=_sum("amount"),
        ),
        Metric(
            slug="library_with_intent",
            section=CONVERSION,
            label=_("Library patents with an intent"),
            definition=_(
                "Patents now in the conversion library on which at least one cooperation intent "
                "was declared (in any status)."
            ),
            source=PATENT,
            condition=_library_with(CooperationIntent),
            model=Patent,
            dimensions=LIBRARY_DIMENSIONS,
            visible=patents_for,
        ),
        Metric(
            slug="library_with_deal",
            section=CONVERSION,
            label=_("Library patents with a deal"),
            definition=_("Patents now in the conversion library with at least one recorded deal."),
            source=PATENT,
            condition=_library_with(Deal),
            model=Patent,
            dimensions=LIBRARY_DIMENSIONS,
            visible=patents_for,
        ),
        Metric(
            slug="implementation_reported",
            section=CONVERSION,
            label=_("Implementation reported"),
            definition=_(
                "Inventoried patents whose owner reported an implementation status (implemented "
                "by the owner, licensed, transferred, invested, industrialized or not "
                "implemented)."
            ),
            source=PATENT_IMPLEMENTATION,
            condition=~Q(implementation_status=""),
            model=Patent,
            dimensions=("province", "institution", "implementation"),
            visible=patents_for,
        ),
        Metric(
            slug="deals_out_of_province",
            section=CONVERSION,
            label=_("Deals with other provinces' enterprises"),
            definition=_(
                "Deals on the area's patents taken by an enterprise registered in another province."
            ),
            source=DEAL,
            condition=~Q(patent__organisation__province_id=F("enterprise__province_id")),
            model=Deal,
            dimensions=("province", "flow"),
            visible=enterprise_selectors.deals_for,
            columns="deal",
        ),
        Metric(
            slug="deals_into_province",
            section=CONVERSION,
            label=_("Deals on other provinces' patents"),
            definition=_(
                "Deals in which an enterprise of the area took a patent of another province's "
                "institution."
            ),
            source=DEAL_TAKEN,
            condition=~Q(patent__organisation__province_id=F("enterprise__province_id")),
            model=Deal,
            dimensions=("province", "flow"),
            visible=enterprise_selectors.deals_for,
            columns="deal",
        ),
        # --- Responsiveness -------------------------------------------------------------
        Metric(
            slug="intents_answered",
            section=RESPONSIVENESS,
            label=_("Intents answered"),
            definition=_(
                "Intents on the area's patents that the university accepted for talks or "
                "declined; by month declared."
            ),
            source=INTENT,
            condition=ANSWERED,
            model=CooperationIntent,
            dimensions=("province", "institution", "month"),
            visible=_intents_for,
            columns="intent",
        ),
        Metric(
            slug="answer_days",
            section=RESPONSIVENESS,
            label=_("Answer days"),
            definition=_(
                "Sum over answered intents of the calendar days from declaration to the first "
                "answer (for the average)."
            ),
            source=INTENT,
            condition=ANSWERED,
            model=CooperationIntent,
            dimensions=("province", "institution", "month"),
            visible=_intents_for,
            columns="intent",
            measure=_answer_days,
        ),
        Metric(
            slug="intents_answered_late",
            section=RESPONSIVENESS,
            label=_("Answered after the due date"),
            definition=_(
                "Answered intents whose answer came after the answer due date (the due date "
                "counts working days of the official calendar)."
            ),
            source=INTENT,
            condition=ANSWERED_LATE,
            model=CooperationIntent,
            dimensions=("province", "institution", "month"),
            visible=_intents_for,
            columns="intent",
        ),
        Metric(
            slug="intents_overdue",
            section=RESPONSIVENESS,
            label=_("Overdue answers"),
            definition=_(
                "Intents still waiting for an answer after their due date, as of the last refresh."
            ),
            source=INTENT,
            condition=Q(),
            condition_on=_overdue_intents,
            model=CooperationIntent,
            dimensions=("province", "institution"),
            visible=_intents_for,
            columns="intent",
        ),
        # --- Evaluation -----------------------------------------------------------------
        Metric(
            slug="appraisal_institutions",
            section=EVALUATION,
            label=_("Appraisal institutions"),
            definition=_(
                "Patent asset appraisal institutions of the area, in any status (applying, "
                "under audit, qualified, suspended, terminated)."
            ),
            source=APPRAISAL,
            condition=Q(),
            model=AppraisalInstitution,
            dimensions=("province", "status"),
            visible=evaluation_selectors.institutions_for,
            columns="institution",
        ),
        Metric(
            slug="filings_overdue",
            section=EVALUATION,
            label=_("Overdue filings"),
            definition=_(
                "Filings of appraisal institutions not made within 30 working days of the "
                "change, as of the last refresh."
            ),
            source=FILING,
            condition=Q(),
            condition_on=_overdue_filings,
            model=Filing,
            dimensions=("province", "institution"),
            visible=evaluation_selectors.filings_for,
            columns="filing",
        ),
        Metric(
            slug="audits_overdue",
            section=EVALUATION,
            label=_("Overdue audits"),
            definition=_(
                "Qualification applications still under audit more than two months after their "
                "documents were complete, as of the last refresh."
            ),
            source=APPRAISAL,
            condition=Q(),
            condition_on=_overdue_audits,
            model=AppraisalInstitution,
            dimensions=("province",),
            visible=evaluation_selectors.institutions_for,
            columns="institution",
        ),
    ]
}

ACTIVITY_RATIOS: dict[str, Ratio] = {
    r.slug: r
    for r in [
        Ratio(
            "average_rating",
            _("Average rating"),
            _("Rating points ÷ prospect ratings (1 = poor, 5 = excellent)."),
            "rating_points",
            "ratings",
            scale=1,
            unit="",
        ),
        Ratio(
            "match_open_rate",
            _("Matches opened (%)"),
            _("Matches opened ÷ matches pushed."),
            "matches_opened",
            "matches_pushed",
        ),
        Ratio(
            "intent_rate",
            _("Library share with an intent"),
            _("Library patents with an intent ÷ patents in the conversion library."),
            "library_with_intent",
            "library_patents",
        ),
        Ratio(
            "conversion_rate",
            _("Conversion rate"),
            _("Library patents with a deal ÷ patents in the conversion library."),
            "library_with_deal",
            "library_patents",
        ),
        Ratio(
            "average_answer_days",
            _("Average answer time (days)"),
            _(
                "Answer days ÷ intents answered: calendar days from declaration to the first "
                "answer, on average."
            ),
            "answer_days",
            "intents_answered",
            scale=1,
            unit="",
        ),
        Ratio(
            "late_answer_share",
            _("Answered late"),
            _("Intents answered after the due date ÷ intents answered."),
            "intents_answered_late",
            "intents_answered",
        ),
    ]
}
