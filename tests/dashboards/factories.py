"""Known demand, conversion, responsiveness and evaluation data on top of `world`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, OrgKind, User
from enterprises.models import (
    CooperationIntent,
    Deal,
    DealKind,
    IntentStatus,
    LicenceType,
    PatentSubscription,
    TopicSubscription,
    Verification,
)
from evaluation.models import AppraisalInstitution, Filing, FilingReason, InstitutionStatus
from matching.models import Match
from notifications.models import Notification
from patents.models import ImplementationStatus, Patent
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    IntentFactory,
    RatingFactory,
    TechnologyNeedFactory,
)
from tests.evaluation.factories import InstitutionFactory
from tests.factories import OrganisationFactory, UserFactory

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@dataclass
class Activity:
    ent_zj: Organisation
    ent_zj2: Organisation
    ent_gd: Organisation
    intents: list[CooperationIntent]
    deals: list[Deal]
    appraisers: list[AppraisalInstitution]


def _enterprise(name: str, province: str, status: str) -> Organisation:
    org: Organisation = OrganisationFactory(  # type: ignore[assignment]
        name=name, kind=OrgKind.ENTERPRISE, province_id=province
    )
    EnterpriseProfileFactory(organisation=org, verification_status=status)
    return org


def build_activity(zj: list[Patent], gd: list[Patent]) -> Activity:
    """Zhejiang: 2 enterprises (1 verified), 2 needs, 3 intents, 3 deals, 2 ratings, 2 match
    pushes (1 read), 3 appraisal institutions. Guangdong: 1 enterprise, 1 need, 1 intent, 1 deal,
    1 rating, 1 appraisal institution. See the tests for every expected figure."""
    today = timezone.localdate()
    ent_zj = _enterprise("浙江需求企业", "330000", Verification.VERIFIED)
    ent_zj2 = _enterprise("浙江待审企业", "330000", Verification.PENDING)
    ent_gd = _enterprise("广东需求企业", "440000", Verification.VERIFIED)
    TechnologyNeedFactory.create_batch(2, enterprise=ent_zj)
    TechnologyNeedFactory(enterprise=ent_gd)
    zj_user: User = UserFactory(organisation=ent_zj)  # type: ignore[assignment]
    gd_user: User = UserFactory(organisation=ent_gd)  # type: ignore[assignment]
    PatentSubscription.objects.create(user=zj_user, organisation=ent_zj, patent=zj[0])
    TopicSubscription.objects.create(user=gd_user, organisation=ent_gd, name="电池")

    # factory_boy returns model instances; its stubs say otherwise.
    intents: list[CooperationIntent] = [
        # Accepted after 2 days, within the due date.
        IntentFactory(  # type: ignore[list-item]
            patent=zj[0],
            enterprise=ent_zj,
            kinds=["licence", "transfer"],
            status=IntentStatus.ACCEPTED,
            declared_at=at("2026-10-05"),
            accepted_at=at("2026-10-07"),
            answer_due=datetime.date(2026, 10, 16),
        ),
        # Declined after 10 days, after the due date.
        IntentFactory(  # type: ignore[list-item]
            patent=zj[1],
            enterprise=ent_gd,
            kinds=["transfer"],
            status=IntentStatus.DECLINED,
            declared_at=at("2026-10-10"),
            declined_at=at("2026-10-20"),
            answer_due=datetime.date(2026, 10, 16),
        ),
        # Not answered, overdue.
        IntentFactory(  # type: ignore[list-item]
            patent=zj[2],
            enterprise=ent_zj2,
            kinds=["investment"],
            declared_at=at("2026-11-01"),
            answer_due=today - datetime.timedelta(days=3),
        ),
        # Guangdong: not answered, not due yet.
        IntentFactory(  # type: ignore[list-item]
            patent=gd[0],
            enterprise=ent_zj,
            kinds=["licence"],
            declared_at=at("2026-10-12"),
            answer_due=today + datetime.timedelta(days=10),
        ),
    ]
    university_of = {p.pk: p.organisation for p in [*zj, *gd]}

    def deal(patent: Patent, enterprise: Organisation, kind: str, **fields: object) -> Deal:
        return Deal.objects.create(
            patent=patent, university=university_of[patent.pk], enterprise=enterprise,
            kind=kind, **fields,
        )  # fmt: skip

    deals = [
        deal(zj[0], ent_zj, DealKind.LICENCE, licence_type=LicenceType.ORDINARY,
             amount=Decimal("100000"), contract_date=datetime.date(2026, 10, 20),
             intent=intents[0]),
        deal(zj[1], ent_gd, DealKind.TRANSFER, amount=Decimal("500000"),
             contract_date=datetime.date(2026, 11, 3)),
        deal(zj[0], ent_gd, DealKind.LICENCE, licence_type=LicenceType.OPEN,
             contract_date=datetime.date(2026, 11, 5)),
        deal(gd[0], ent_zj, DealKind.INVESTMENT, amount=Decimal("200000"),
             contract_date=datetime.date(2026, 11, 10)),
    ]  # fmt: skip
    RatingFactory(patent=zj[0], enterprise=ent_zj, score=4, reasons=["price_or_terms"])
    RatingFactory(patent=zj[1], enterprise=ent_gd, score=2, reasons=["too_early", "route_unclear"])
    RatingFactory(patent=gd[0], enterprise=ent_zj, score=5, reasons=[])

    for n, read in enumerate([timezone.now(), None]):
        Notification.objects.create(
            recipient=zj_user, kind="match", event_key=f"match:{n}", title="t", read_at=read
        )
    Notification.objects.create(recipient=zj_user, kind="intent_declared", event_key="i", title="t")
    Match.objects.create(enterprise=ent_zj, patent=zj[0], score=0.9)

    implementation = {
        zj[0].pk: ImplementationStatus.INDUSTRIALIZED,
        zj[1].pk: ImplementationStatus.LICENSED,
        gd[0].pk: ImplementationStatus.SELF_IMPLEMENTED,
    }
    for pk, status in implementation.items():
        Patent.objects.filter(pk=pk).update(implementation_status=status)

    qualified: AppraisalInstitution = InstitutionFactory()  # type: ignore[assignment]
    late_audit: AppraisalInstitution = InstitutionFactory(  # type: ignore[assignment]
        status=InstitutionStatus.UNDER_AUDIT,
        documents_complete_on=today - datetime.timedelta(days=100),
    )
    fresh_audit: AppraisalInstitution = InstitutionFactory(  # type: ignore[assignment]
        status=InstitutionStatus.UNDER_AUDIT,
        documents_complete_on=today - datetime.timedelta(days=10),
    )
    gd_institution: AppraisalInstitution = InstitutionFactory(  # type: ignore[assignment]
        organisation__province_id="440000"
    )
    for institution, filed in [(qualified, None), (qualified, today), (gd_institution, None)]:
        Filing.objects.create(
            institution=institution,
            reason=FilingReason.NAME_CHANGED,
            changed_on=today - datetime.timedelta(days=60),
            due_on=today - datetime.timedelta(days=1),
            filed_on=filed,
        )
    return Activity(
        ent_zj, ent_zj2, ent_gd, intents, deals,
        [qualified, late_audit, fresh_audit, gd_institution],
    )  # fmt: skip
