"""Demo data of the demand side (idempotent: keyed by organisation, title and patent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, OrgKind, User
from enterprises.models import (
    CooperationIntent,
    Deal,
    DealKind,
    EnterpriseProfile,
    EnterpriseSize,
    IntentStatus,
    LicenceType,
    TechnologyNeed,
    Verification,
)
from enterprises.services import deal_effects
from enterprises.services.intents import answer_due_for
from patents.models import IN_LIBRARY, Patent
from refdata.models import Industry

# (enterprise, size, tags, industry codes, needs: (title, description, keywords, IPC, forms))
PROFILES = [
    (
        "杭州新锂能源科技有限公司",
        EnterpriseSize.MEDIUM,
        ["specialised_sme", "high_tech"],
        ["38"],
        [
            (
                "耐高温锂电池隔膜量产工艺",
                "寻求150℃热收缩率低于2%的隔膜涂覆工艺，可在现有湿法产线上改造实施。",
                ["隔膜", "耐高温", "涂覆"],
                ["H01M"],
                ["transfer", "exclusive_licence"],
            ),
            (
                "固态电解质界面改性技术",
                "希望与高校联合研究硫化物固态电解质与正极界面稳定性问题。",
                ["固态电池", "电解质"],
                ["H01M"],
                ["ordinary_licence", "investment"],
            ),
        ],
    ),
    (
        "深圳智视科技有限公司",
        EnterpriseSize.SMALL,
        ["high_tech", "ip_advantage"],
        ["39"],
        [
            (
                "工业视觉缺陷检测算法",
                "面向3C产品外观检测，需要小样本条件下的缺陷识别算法及软件著作权。",
                ["机器视觉", "缺陷检测", "深度学习"],
                ["G06T", "G06V"],
                ["ordinary_licence"],
            )
        ],
    ),
    (
        "北京康源生物医药有限公司",
        EnterpriseSize.MEDIUM,
        ["state_owned"],
        ["27"],
        [
            (
                "缓释制剂技术",
                "寻求口服缓释制剂的制备技术，用于慢病用药二次开发。",
                ["缓释", "制剂"],
                ["A61K"],
                ["transfer"],
            )
        ],
    ),
]


def load_enterprises() -> dict[str, int]:
    """Verified profiles, needs, two intents (one accepted and signed) for the demo enterprises.
    Returns how many rows this call created."""
    created = {"profiles": 0, "needs": 0, "intents": 0, "deals": 0}
    for name, size, tags, industries, needs in PROFILES:
        org = Organisation.objects.filter(name=name, kind=OrgKind.ENTERPRISE).first()
        if org is None:
            continue
        bureau_user = User.objects.filter(
            organisation__kind=OrgKind.IP_BUREAU, organisation__province_id=org.province_id
        ).first()
        profile, is_new = EnterpriseProfile.objects.get_or_create(
            organisation=org,
            defaults={
                "size": size,
                "tags": tags,
                "verification_status": Verification.VERIFIED,
                "verified_by": bureau_user,
                "verified_at": timezone.now(),
                "contact_name": "商务部",
                "contact_phone": "400-800-0000",
                "show_as_likely_taker": True,
            },
        )
        if is_new:
            profile.industries.set(Industry.objects.filter(code__in=industries))
            created["profiles"] += 1
        for title, description, keywords, ipc, forms in needs:
            _need, is_new = TechnologyNeed.objects.get_or_create(
                enterprise=org,
                title=title,
                defaults={
                    "description": description,
                    "keywords": keywords,
                    "ipc_codes": ipc,
                    "preferred_deal_forms": forms,
                    "deadline": datetime.date(2027, 6, 30),
                },
            )
            created["needs"] += is_new
    _load_intents(created)
    return created


def _load_intents(created: dict[str, int]) -> None:
    enterprise = Organisation.objects.filter(name="杭州新锂能源科技有限公司").first()
    declarer = User.objects.filter(username="ent_admin").first()
    answerer = User.objects.filter(username="zju_staff").first()
    patents = list(
        Patent.objects.filter(IN_LIBRARY, organisation__name="浙江大学").order_by("id")[:2]
    )
    if enterprise is None or declarer is None or len(patents) < 2:
        return
    today = timezone.localdate()
    for patent, status in zip(patents, [IntentStatus.DECLARED, IntentStatus.SIGNED], strict=True):
        declared_on = today - datetime.timedelta(days=3 if status == IntentStatus.DECLARED else 40)
        intent, is_new = CooperationIntent.objects.get_or_create(
            patent=patent,
            enterprise=enterprise,
            defaults={
                "declared_by": declarer,
                "kinds": ["licence"] if status == IntentStatus.DECLARED else ["transfer"],
                "message": "我司从事动力电池隔膜生产，希望就该专利洽谈合作。",
                "status": status,
                "declared_at": timezone.make_aware(
                    datetime.datetime.combine(declared_on, datetime.time(10))
                ),
                "answer_due": answer_due_for(declared_on),
            },
        )
        created["intents"] += is_new
        if status == IntentStatus.SIGNED and is_new:
            now = timezone.now()
            intent.answered_by = answerer
            intent.accepted_at = intent.negotiating_at = intent.signed_at = now
            intent.save()
            deal = Deal.objects.create(
                kind=DealKind.LICENCE,
                licence_type=LicenceType.EXCLUSIVE,
                patent=patent,
                university=patent.organisation,
                enterprise=enterprise,
                intent=intent,
                contract_date=today - datetime.timedelta(days=5),
                amount=Decimal("800000.00"),
                registration_no="2026330000000001",
                recorded_by=declarer,
            )
            deal_effects.settle(deal=deal, patent=patent, by=declarer)
            created["deals"] += 1
