"""Matching over the database: reasons, hard rules, idempotency, pushes never sent twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enterprises.models import DealKind
from matching import services
from matching.models import Match, MatchFeedback, MatchRun, MatchShard, RunStatus
from notifications.models import Notification
from tests.enterprises.factories import (
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
