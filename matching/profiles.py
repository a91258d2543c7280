"""Turn database rows into the engine's plain input records (see matching/engine).

A patent contributes its text, IPC codes, application field, deal forms, maturity, legal status
and owner's province. An enterprise profile is everything it told or showed Panhuo: needs,
industries, region, preferred deal forms, its topics' keywords and IPC and industry filters, the
patents it subscribed to, declared intents on or dealt on, good ratings (positive), poor ratings /
"not our field" / "not relevant" (negative).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from accounts.models import Organisation
from enterprises.models import (
    CooperationIntent,
    Deal,
    EnterpriseProfile,
    NeedStatus,
    PatentSubscription,
    ProspectRating,
    RatingReason,
    TechnologyNeed,
    TopicSubscription,
)
from matching.models import MatchFeedback
from patents.models import Patent

PATENT_FIELDS = (
    "id",
    "title",
    "abstract",
    "ipc_main",
    "ipc_other",
    "application_field",
    "target_products",
    "maturity",
    "legal_status",
    "organisation__province_id",
    "offers_transfer",
    "offers_exclusive_licence",
    "offers_ordinary_licence",
    "offers_open_licence",
    "offers_investment",
)
_DEAL_FLAGS = {
    "offers_transfer": "transfer",
    "offers_exclusive_licence": "exclusive_licence",
    "offers_ordinary_licence": "ordinary_licence",
    "offers_open_licence": "open_licence",
    "offers_investment": "investment",
}
GOOD_RATING = 4
POOR_RATING = 2


def patent_records(
    patents: QuerySet[Patent], *, chunk_size: int = 5000
) -> Iterator[dict[str, Any]]:
    """Engine records for `patents`, streamed in chunks without model instances."""
    for row in patents.values(*PATENT_FIELDS).iterator(chunk_size=chunk_size):
        yield {
            "id": str(row["id"]),
            "title": row["title"],
            "abstract": row["abstract"],
            "ipc": [c for c in [row["ipc_main"], *(row["ipc_other"] or [])] if c],
            "application_field": " ".join(
                p for p in (row["application_field"], row["target_products"]) if p
            ),
            "deal_forms": [form for flag, form in _DEAL_FLAGS.items() if row[flag]],
            "maturity": row["maturity"],
            "province": row["organisation__province_id"] or "",
            "legal_status": row["legal_status"],
        }


def _by_enterprise(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for enterprise_id, value in pairs:
        grouped[enterprise_id].append(value)
    return grouped


def _topic_terms(topics: list[tuple[str, str, dict[str, str]]]) -> dict[str, Any]:
    """What an enterprise's topics (saved library searches) say it looks for, read like a need's
    codes: their IPC subclasses and industries; and the topics with their keywords, which the
    engine scores as keywords but explains as the topic's, not as a need."""
    return {
        "topics": [
            {"name": name, "keywords": sorted(set(keywords.split()))}
            for name, keywords, _filters in topics
            if keywords.split()
        ],
        "ipc": {f["ipc_subclass"] for _name, _keywords, f in topics if f.get("ipc_subclass")},
        "industry": {f["industry"] for _name, _keywords, f in topics if f.get("industry")},
    }


def enterprise_profiles(enterprise_ids: list[int]) -> list[dict[str, Any]]:
    """Engine profiles for the given enterprise organisations (a handful of set-based queries)."""
    orgs = Organisation.objects.filter(pk__in=enterprise_ids).values("id", "province_id")
    descriptions: dict[int, str] = {
        p["organisation_id"]: p["description"]
        for p in EnterpriseProfile.objects.filter(organisation_id__in=enterprise_ids).values(
            "organisation_id", "description"
        )
    }
    profile_industries = _by_enterprise(
        EnterpriseProfile.industries.through.objects.filter(
            enterpriseprofile__organisation_id__in=enterprise_ids
        ).values_list("enterpriseprofile__organisation_id", "industry_id")
    )
    needs = _by_enterprise(
        (n["enterprise_id"], n)
        for n in TechnologyNeed.objects.filter(
            enterprise_id__in=enterprise_ids, status=NeedStatus.OPEN
        ).values(
            "id",
            "enterprise_id",
            "title",
            "description",
            "keywords",
            "ipc_codes",
            "preferred_deal_forms",
        )
    )
    need_industries = _by_enterprise(
        TechnologyNeed.industries.through.objects.filter(
            technologyneed__enterprise_id__in=enterprise_ids,
            technologyneed__status=NeedStatus.OPEN,
        ).values_list("technologyneed__enterprise_id", "industry_id")
    )
    subscribed = _by_enterprise(
        PatentSubscription.objects.filter(organisation_id__in=enterprise_ids).values_list(
            "organisation_id", "patent_id"
        )
    )
    topics = _by_enterprise(
        (t[0], t[1:])
        for t in TopicSubscription.objects.filter(organisation_id__in=enterprise_ids)
        .order_by("pk")  # the first topic to name a keyword is the one its reason names
        .values_list("organisation_id", "name", "keywords", "filters")
    )
    intents = _by_enterprise(
        CooperationIntent.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "patent_id"
        )
    )
    deals = _by_enterprise(
        Deal.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "patent_id"
        )
    )
    ratings = _by_enterprise(
        (r[0], r[1:])
        for r in ProspectRating.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "patent_id", "score", "reasons"
        )
    )
    feedback = _by_enterprise(
        MatchFeedback.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "patent_id"
        )
    )
    result = []
    for org in orgs:
        eid = org["id"]
        own_needs = needs.get(eid, [])
        topic = _topic_terms(topics.get(eid, []))
        liked = {*subscribed.get(eid, []), *intents.get(eid, []), *deals.get(eid, [])}
        disliked = set(feedback.get(eid, []))
        for patent_id, score, reasons in ratings.get(eid, []):
            if score >= GOOD_RATING and RatingReason.NOT_OUR_FIELD not in reasons:
                liked.add(patent_id)
            elif score <= POOR_RATING or RatingReason.NOT_OUR_FIELD in reasons:
                disliked.add(patent_id)
        description = descriptions.get(eid, "")
        result.append(
            {
                "id": str(eid),
                "description": "\n".join(
                    [description, *(f"{n['title']}\n{n['description']}" for n in own_needs)]
                ).strip(),
                "keywords": sorted({k for n in own_needs for k in n["keywords"]}),
                "topics": topic["topics"],
                "ipc": sorted({*(c for n in own_needs for c in n["ipc_codes"]), *topic["ipc"]}),
                "industry_codes": sorted(
                    {
                        *profile_industries.get(eid, []),
                        *need_industries.get(eid, []),
                        *topic["industry"],
                    }
                ),
                "province": org["province_id"] or "",
                "liked_patents": sorted(str(p) for p in liked - disliked),
                "disliked_patents": sorted(str(p) for p in disliked),
                # Never again: patents it has a deal on, and those it called "not relevant".
                "excluded_patents": sorted(
                    str(p) for p in {*deals.get(eid, []), *feedback.get(eid, [])}
                ),
                "preferred_deal_forms": sorted(
                    {f for n in own_needs for f in n["preferred_deal_forms"]}
                ),
                "needs": [{"id": n["id"], "title": n["title"]} for n in own_needs],
            }
        )
    return result
