"""Demand, conversion, responsiveness and evaluation figures computed on known data
(`build_activity` in factories.py on top of `world` in conftest.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dashboards import selectors
from dashboards.activity import audit_cutoff
from dashboards.models import NATIONAL, StatValue
from evaluation.rules import audit_due_date

pytestmark = pytest.mark.django_db

ZJ, GD = "330000", "440000"


def value(scope: str, metric: str, dimension: str = "total", key: str = "") -> Decimal | None:
    row = StatValue.objects.filter(scope=scope, metric=metric, dimension=dimension, key=key).first()
    return row.value if row else None


def shown(scope: str, slug: str, dimension: str = "total", key: str = "") -> Decimal | None:
    return selectors.figure(slug, selectors.stat_values(scope), dimension, key).value


def test_demand_figures(refreshed_activity):
    assert value(ZJ, "enterprises_registered") == 2
    assert value(ZJ, "enterprises_verified") == 1
    assert value(GD, "enterprises_registered") == 1
    assert value(ZJ, "technology_needs") == 2
    assert value(NATIONAL, "technology_needs") == 3
    assert value(ZJ, "patent_subscriptions") == 1 and value(ZJ, "topic_subscriptions") is None
    assert value(GD, "topic_subscriptions") == 1
    # Intents count in the patent's province; an intent naming two kinds counts under both.
    assert value(ZJ, "intents") == 3 and value(GD, "intents") == 1
    assert value(ZJ, "intents", "kind", "transfer") == 2
    assert value(ZJ, "intents", "kind", "licence") == 1
    assert value(ZJ, "intents", "kind", "investment") == 1
    assert value(NATIONAL, "intents", "kind", "licence") == 2
    assert value(ZJ, "intents", "month", "2026-10") == 2
    assert (
        value(
            ZJ, "intents", "institution", str(refreshed_activity.intents[0].patent.organisation_id)
        )
        == 3
    )
    # Ratings 4 and 2 in Zhejiang, 5 in Guangdong.
    assert value(ZJ, "ratings") == 2 and shown(ZJ, "average_rating") == Decimal("3.0")
    assert shown(GD, "average_rating") == Decimal("5.0")
    assert shown(NATIONAL, "average_rating") == Decimal("3.7")
    assert value(ZJ, "ratings", "score", "4") == 1
    assert value(ZJ, "ratings", "reason", "too_early") == 1
    assert value(ZJ, "ratings", "reason", "route_unclear") == 1
    assert value(ZJ, "ratings", "reason", "other") is None
    # Match pushes: only notifications of kind "match"; one of two read.
    assert value(ZJ, "matches_pushed") == 2 and value(ZJ, "matches_opened") == 1
    assert shown(ZJ, "match_open_rate") == Decimal("50.0")
    assert value(ZJ, "matches_recommended") == 1


def test_conversion_figures(refreshed_activity):
    assert value(ZJ, "deals") == 3 and value(GD, "deals") == 1
    assert value(ZJ, "deals", "kind", "licence") == 1
    assert value(ZJ, "deals", "kind", "open_licence") == 1
    assert value(ZJ, "deals", "kind", "transfer") == 1
    assert value(GD, "deals", "kind", "investment") == 1
    # The open licence states no amount: it is not summed.
    assert value(ZJ, "deal_amount") == Decimal("600000")
    assert value(ZJ, "deal_amount", "kind", "transfer") == Decimal("500000")
    assert value(NATIONAL, "deal_amount") == Decimal("800000")
    assert value(ZJ, "deals", "month", "2026-11") == 2
    # 3 of Zhejiang's 4 library patents have an intent, 2 a deal; Guangdong 1 of 2 each.
    assert value(ZJ, "library_with_intent") == 3 and value(ZJ, "library_with_deal") == 2
    assert shown(ZJ, "intent_rate") == Decimal("75.0")
    assert shown(ZJ, "conversion_rate") == Decimal("50.0")
    assert shown(GD, "conversion_rate") == Decimal("50.0")
    assert shown(NATIONAL, "conversion_rate") == Decimal("50.0")
    assert value(ZJ, "implementation_reported") == 2
    assert value(ZJ, "implementation_reported", "implementation", "industrialized") == 1
    # Across provinces: two Zhejiang patents went to Guangdong, one Guangdong patent came in.
    assert value(ZJ, "deals_out_of_province") == 2
    assert value(ZJ, "deals_out_of_province", "flow", f"{ZJ}>{GD}") == 2
    assert value(ZJ, "deals_into_province", "flow", f"{GD}>{ZJ}") == 1
    assert value(GD, "deals_into_province") == 2 and value(GD, "deals_out_of_province") == 1
    assert value(NATIONAL, "deals_out_of_province") == 3
    label = StatValue.objects.get(
        scope=ZJ, metric="deals_out_of_province", dimension="flow", key=f"{ZJ}>{GD}"
    ).label
    assert label == "浙江省 → 广东省"


def test_responsiveness_figures(refreshed_activity):
    zju = str(refreshed_activity.intents[0].patent.organisation_id)
    assert value(ZJ, "intents_answered") == 2
    # 2 days and 10 days.
    assert value(ZJ, "answer_days") == Decimal("12")
    assert shown(ZJ, "average_answer_days") == Decimal("6.0")
    assert value(ZJ, "intents_answered_late") == 1
    assert shown(ZJ, "late_answer_share") == Decimal("50.0")
    assert value(ZJ, "intents_overdue") == 1
    assert value(ZJ, "intents_overdue", "institution", zju) == 1
    assert value(GD, "intents_overdue") is None and shown(GD, "average_answer_days") is None


def test_evaluation_figures(refreshed_activity):
    assert value(ZJ, "appraisal_institutions") == 3
    assert value(ZJ, "appraisal_institutions", "status", "under_audit") == 2
    assert value(ZJ, "appraisal_institutions", "status", "qualified") == 1
    assert value(ZJ, "audits_overdue") == 1
    assert value(ZJ, "filings_overdue") == 1 and value(GD, "filings_overdue") == 1
    assert value(NATIONAL, "appraisal_institutions") == 4


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 11, 21), datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)],
)
def test_audit_cutoff_agrees_with_the_audit_rule(today):
    cutoff = audit_cutoff(today)
    for offset in range(-10, 10):
        completed = cutoff + datetime.timedelta(days=offset)
        overdue = today > audit_due_date(completed)
        assert overdue == (completed < cutoff), completed


def test_precomputed_figures_equal_the_live_ones(refreshed_activity):
    for scope in (ZJ, GD, NATIONAL):
        stored = {k: v for k, (_label, v) in selectors.stat_values(scope).items()}
        live = {k: v for k, (_label, v) in selectors.live_values(scope).items()}
        assert stored == live, scope
