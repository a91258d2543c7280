"""Matching over the database: reasons, hard rules, idempotency, pushes never sent twice."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises import services as enterprise_services
from enterprises.models import DealKind
from matching import services
from matching.models import Match, MatchFeedback, MatchRun, MatchShard, RunStatus
from matching.reasons import render_reasons
from notifications.models import Notification
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    LibraryPatentFactory,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.matching.conftest import run_full as _run_full

pytestmark = pytest.mark.django_db


def test_enterprise_gets_the_related_patent_first_with_reasons(market):
    run = _run_full()
    assert run.status == RunStatus.DONE
    matches = list(Match.objects.filter(enterprise=market["enterprise"]).order_by("-score"))
    assert matches[0].patent == market["separator"]
    codes = {reason["code"] for reason in matches[0].reasons}
    assert "shared_ipc" in codes
    assert "matches_need_terms" in codes


def test_only_admitted_valid_library_patents_are_matched(market):
    _run_full()
    matched = set(Match.objects.values_list("patent_id", flat=True))
    assert market["draft"].pk not in matched
    assert market["lapsed"].pk not in matched


def test_nothing_the_enterprise_already_has_a_deal_on(market):
    from enterprises.models import Deal

    Deal.objects.create(
        kind=DealKind.TRANSFER,
        patent=market["separator"],
        university=market["separator"].organisation,
        enterprise=market["enterprise"],
        contract_date="2026-01-05",
    )
    _run_full()
    assert not Match.objects.filter(
        enterprise=market["enterprise"], patent=market["separator"]
    ).exists()


def test_a_patent_handed_over_by_a_deal_is_recommended_to_no_one(market, client, univ_a_staff):
    """A transfer leaves the patent in the library but not the university's to deal on: the
    PATENT run the deal asks for takes it off every list, and it has no likely takers."""
    from enterprises.models import Deal
    from enterprises.services import deal_effects
    from matching.models import RunKind, Taker

    _run_full()
    separator = market["separator"]
    assert Match.objects.filter(enterprise=market["enterprise"], patent=separator).exists()
    buyer = OrganisationFactory(kind="enterprise", name="受让企业", province_id="330000")
    deal = Deal.objects.create(
        kind=DealKind.TRANSFER,
        patent=separator,
        university=separator.organisation,
        enterprise=buyer,
        contract_date="2026-01-05",
    )
    deal_effects.settle(deal=deal, patent=separator, by=market["member"])
    run = MatchRun.objects.filter(kind=RunKind.PATENT, subject_id=separator.pk).latest("pk")
    services.run_incremental(run_id=run.pk)
    assert not Match.objects.filter(patent=separator).exists()
    assert not Taker.objects.filter(patent=separator).exists()
    _run_full()
    assert not Match.objects.filter(patent=separator).exists()
    # Its owner is told why the list is empty, not that it is being ranked again, though a
    # profile changed since (which sends any other patent's list to be ranked again).
    MatchRun.objects.create(kind=RunKind.PROFILE, subject_id=market["enterprise"].pk)
    client.force_login(univ_a_staff)
    rankings = MatchRun.objects.filter(kind=RunKind.TAKERS).count()
    page = client.get(reverse("matching:likely_takers", args=[separator.pk])).content.decode()
    assert (
        "This patent went to 受让企业 by a deal of 2026-01-05 (Transfer): it is recommended to "
        "no one and has no likely takers."
    ) in page
    assert "being ranked again" not in page and "No likely takers yet" not in page
    api = client.get(f"/api/likely-takers/{separator.pk}/")
    assert api["X-Takers-Updating"] == "0"
    assert MatchRun.objects.filter(kind=RunKind.TAKERS).count() == rankings


def test_running_a_shard_twice_changes_nothing_and_pushes_once(market, settings):
    settings.MATCHING_PUSH_THRESHOLD = 0.0
    run = services.start_full_rematch()
    shard = MatchShard.objects.get(run=run)
    services.run_shard(shard_id=shard.pk)
    first = list(Match.objects.order_by("pk").values_list("enterprise_id", "patent_id", "score"))
    pushes = Notification.objects.filter(kind="match").count()
    assert pushes >= 1
    MatchShard.objects.filter(pk=shard.pk).update(status=RunStatus.PENDING)  # as if redelivered
    services.run_shard(shard_id=shard.pk)
    second = list(Match.objects.order_by("pk").values_list("enterprise_id", "patent_id", "score"))
    assert sorted(first) == sorted(second)
    assert Notification.objects.filter(kind="match").count() == pushes


def test_a_shard_already_claimed_is_not_run_again(market):
    run = services.start_full_rematch()
    shard = MatchShard.objects.get(run=run)
    services.run_shard(shard_id=shard.pk)
    assert services.run_shard(shard_id=shard.pk) == 0


def test_not_relevant_feedback_removes_the_match_and_is_remembered(market, client):
    _run_full()
    match = Match.objects.get(enterprise=market["enterprise"], patent=market["separator"])
    client.force_login(market["member"])
    response = client.post(reverse("matching:dismiss", args=[match.pk]))
    assert response.status_code == 302
    assert MatchFeedback.objects.filter(
        enterprise=market["enterprise"], patent=market["separator"]
    ).exists()
    profile_run = MatchRun.objects.filter(kind="profile").latest("pk")
    services.run_incremental(run_id=profile_run.pk)
    assert not Match.objects.filter(
        enterprise=market["enterprise"], patent=market["separator"]
    ).exists()


def test_new_patent_reaches_matching_enterprises_incrementally(market, zhejiang_university):
    _run_full()
    newcomer = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种陶瓷涂层锂电池隔膜",
        ipc_main="H01M 50/449",
        ipc_subclass="H01M",
    )
    run = services.request_patent_rematch(newcomer.pk)
    services.run_incremental(run_id=run.pk)
    assert Match.objects.filter(enterprise=market["enterprise"], patent=newcomer).exists()


def test_recommendations_page_shows_reasons(market, client):
    _run_full()
    client.force_login(market["member"])
    page = client.get(reverse("matching:recommended")).content.decode()
    assert market["separator"].title in page
    assert "shares IPC H01M" in page


def test_a_topic_only_enterprise_is_told_its_topic_matched_not_a_need(
    market, client, univ_a_staff, django_capture_on_commit_callbacks
):
    """An enterprise that wrote no need but subscribed to a topic: the topic's keywords find it
    patents, and the reason says so (the enterprise never wrote such a need)."""
    follower = OrganisationFactory(kind="enterprise", name="涂层材料公司", province_id="440000")
    EnterpriseProfileFactory(organisation=follower, description="", show_as_likely_taker=True)
    member = UserFactory(organisation=follower, role="admin")
    enterprise_services.save_topic_subscription(
        user=member, name="陶瓷涂层隔膜", keywords="隔膜 陶瓷", filters={}, frequency="daily"
    )
    _run_full()
    match = Match.objects.get(enterprise=follower, patent=market["separator"])
    topic = {"terms": ["陶瓷", "隔膜"], "topic": "陶瓷涂层隔膜"}
    assert {"code": "matches_topic_terms", "params": topic} in match.reasons
    told = "matches your subscribed topic “陶瓷涂层隔膜”: 陶瓷 隔膜"
    client.force_login(member)
    page = client.get(reverse("matching:recommended")).content.decode()
    assert told in page
    assert "matches your need" not in page
    api = client.get("/api/recommendations/").json()["results"]
    reasons = next(row["reasons"] for row in api if row["patent"] == market["separator"].pk)
    assert told in reasons
    assert not any("matches your need" in text for text in reasons)
    # The patent's university reads the terms, not the enterprise's name for its saved search.
    client.force_login(univ_a_staff)
    takers = reverse("matching:likely_takers", args=[market["separator"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(takers)
    html = client.get(takers).content.decode()
    assert "matches a topic the enterprise subscribes to: 陶瓷 隔膜" in html
    assert "陶瓷涂层隔膜" not in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "matches your need: 隔膜 锂电池"), ("zh-hans", "符合您的需求：隔膜 锂电池")],
)
def test_reasons_stored_before_topic_reasons_still_read_as_before(language, text):
    stored = [{"code": "matches_need_terms", "params": {"terms": ["隔膜", "锂电池"]}}]
    with translation.override(language):
        assert render_reasons(stored) == [text]


def test_recommendations_refused_to_other_roles(market, client, univ_a_staff):
    client.force_login(univ_a_staff)
    assert client.get(reverse("matching:recommended")).status_code == 403
    assert client.get("/api/recommendations/").status_code == 403


def test_enterprise_cannot_dismiss_another_enterprises_match(market, client):
    _run_full()
    match = Match.objects.get(enterprise=market["enterprise"], patent=market["separator"])
    other = OrganisationFactory(kind="enterprise", name="别家公司")
    client.force_login(UserFactory(organisation=other, role="admin"))
    assert client.post(reverse("matching:dismiss", args=[match.pk])).status_code == 404
    assert Match.objects.filter(pk=match.pk).exists()
