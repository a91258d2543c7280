"""Incremental matching on a large library: workers follow the journal of changes instead of
re-indexing the library, and place a new patent on every enterprise's list on the lists' scale."""

from __future__ import annotations

import pytest

from matching import library, services
from matching.models import Match, MatchRun, RunKind
from patents.models import LegalStatus, Patent
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    LibraryPatentFactory,
    TechnologyNeedFactory,
)
from tests.factories import OrganisationFactory
from tests.matching.conftest import run_full as _run_full

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _follow_changes(settings):
    """Take the large-library path whatever the size: no re-indexing on change."""
    settings.MATCHING_REBUILD_BELOW = 0


def _rematch_patent(patent_id: int) -> None:
    services.run_incremental(run_id=services.request_patent_rematch(patent_id).pk)


def _rematch_profile(enterprise_id: int) -> None:
    services.run_incremental(run_id=services.request_profile_rematch(enterprise_id).pk)


def _separator_newcomer(university):
    return LibraryPatentFactory(
        organisation=university,
        title="一种陶瓷涂层耐高温锂电池隔膜",
        abstract="锂电池隔膜表面涂覆陶瓷层。",
        ipc_main="H01M 50/449",
        ipc_subclass="H01M",
    )


def test_a_full_run_leaves_a_snapshot_that_incremental_work_extends(
    market, zhejiang_university, settings
):
    _run_full()
    assert list(settings.MATCHING_INDEX_DIR.glob("run-*.npz"))
    live = library.live_library()
    snapshot = live.index
    newcomer = _separator_newcomer(zhejiang_university)
    _rematch_patent(newcomer.pk)
    placed = Match.objects.get(enterprise=market["enterprise"], patent=newcomer)
    live = library.live_library()
    assert live.index is snapshot  # not re-indexed
    assert str(newcomer.pk) in live.records
    assert {r["code"] for r in placed.reasons} >= {"shared_ipc", "matches_need_terms"}
    # The profile's own re-ranking (index + delta) gives the placed patent the same score.
    _rematch_profile(market["enterprise"].pk)
    ranked = Match.objects.get(enterprise=market["enterprise"], patent=newcomer)
    assert ranked.score == pytest.approx(placed.score, abs=1e-5)


def test_a_patent_that_leaves_the_library_is_dropped_and_never_ranked_again(market):
    _run_full()
    separator = market["separator"]
    assert Match.objects.filter(patent=separator).exists()
    separator.legal_status = LegalStatus.LAPSED
    separator.save()
    _rematch_patent(separator.pk)
    assert not Match.objects.filter(patent=separator).exists()
    live = library.live_library()
    assert live.index.retired[live.index.row[str(separator.pk)]]
    _rematch_profile(market["enterprise"].pk)
    assert not Match.objects.filter(patent=separator).exists()
    assert Match.objects.filter(enterprise=market["enterprise"]).exists()


def _list(enterprise) -> list[tuple[int, bool]]:
    return list(
        Match.objects.filter(enterprise=enterprise)
        .order_by("-score", "pk")
        .values_list("patent", "is_last")
    )


def test_a_patent_joins_a_full_list_only_above_its_last_entry(
    market, zhejiang_university, monkeypatch
):
    monkeypatch.setattr(services, "TOP_PER_ENTERPRISE", 1)
    _run_full()
    enterprise = market["enterprise"]
    assert _list(enterprise) == [(market["separator"].pk, True)]
    weak = LibraryPatentFactory(
        organisation=zhejiang_university, title="一种果蔬保鲜包装盒", ipc_main="B65D 81/28"
    )
    _rematch_patent(weak.pk)
    assert _list(enterprise) == [(market["separator"].pk, True)]
    strong = LibraryPatentFactory(
        organisation=zhejiang_university,
        title=market["separator"].title,
        abstract="耐高温锂电池隔膜 陶瓷涂层 锂电池隔膜",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
    )
    _rematch_patent(strong.pk)
    (listed,) = _list(enterprise)
    assert listed[1] is True
    if listed[0] == strong.pk:  # it beat the bar: the old last entry made room
        assert not Match.objects.filter(enterprise=enterprise, patent=market["separator"]).exists()


def test_placing_a_patent_sees_a_profile_changed_after_profiles_were_cached(
    market, zhejiang_university, guangdong_university
):
    farm = OrganisationFactory(kind="enterprise", name="节水农业有限公司", province_id="440000")
    EnterpriseProfileFactory(organisation=farm)
    _run_full()
    _rematch_patent(_separator_newcomer(zhejiang_university).pk)  # profiles now cached
    TechnologyNeedFactory(
        enterprise=farm,
        title="水稻节水灌溉",
        description="寻求水稻田节水灌溉技术",
        keywords=["水稻", "灌溉"],
        ipc_codes=["A01G"],
    )
    MatchRun.objects.create(
        kind=RunKind.PROFILE, subject_id=farm.pk
    )  # what the need service journals
    irrigation = LibraryPatentFactory(
        organisation=guangdong_university,
        title="一种水稻田节水灌溉系统",
        ipc_main="A01G 25/02",
        ipc_subclass="A01G",
    )
    _rematch_patent(irrigation.pk)
    match = Match.objects.get(enterprise=farm, patent=irrigation)
    assert "matches_need_terms" in {r["code"] for r in match.reasons}


def test_a_patent_placed_after_caching_reaches_new_enterprises_not_closed_ones(
    market, zhejiang_university
):
    _run_full()
    _rematch_patent(_separator_newcomer(zhejiang_university).pk)  # profiles now cached
    newcomer = OrganisationFactory(kind="enterprise", name="新隔膜材料公司", province_id="330000")
    EnterpriseProfileFactory(organisation=newcomer)
    TechnologyNeedFactory(enterprise=newcomer, title="锂电池隔膜", keywords=["隔膜"])
    closed = market["enterprise"]
    closed.is_active = False
    closed.save()
    coating = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种锂电池隔膜陶瓷涂层",
        ipc_main="H01M 50/449",
        ipc_subclass="H01M",
    )
    _rematch_patent(coating.pk)
    assert Match.objects.filter(enterprise=newcomer, patent=coating).exists()
    assert not Match.objects.filter(enterprise=closed, patent=coating).exists()


def test_a_snapshot_left_by_another_database_is_ignored(market, settings):
    folder = settings.MATCHING_INDEX_DIR
    folder.mkdir(parents=True)
    (folder / "run-000000000001.npz").write_bytes(b"not ours")
    (folder / "run-000000000001.json").write_text(
        '{"run": 1, "run_started": "2001-01-01T00:00:00+00:00", "read_at": "x"}'
    )
    live = library.live_library()
    assert live.origin == ""
    assert str(market["separator"].pk) in live.index.row


def test_lists_are_cut_to_their_length_and_the_last_entry_marked(market, monkeypatch):
    monkeypatch.setattr(services, "TOP_PER_ENTERPRISE", 2)
    enterprise = market["enterprise"]
    for patent, score in ((market["rice"], 0.9), (market["separator"], 0.5)):
        Match.objects.create(enterprise=enterprise, patent=patent, score=score, is_last=True)
    extra = LibraryPatentFactory(organisation=market["rice"].organisation)
    Match.objects.create(enterprise=enterprise, patent=extra, score=0.7)
    services._trim_lists({enterprise.pk})
    assert _list(enterprise) == [(market["rice"].pk, False), (extra.pk, True)]


def test_changes_made_outside_the_journal_are_reconciled(market, zhejiang_university):
    """The admin or a database restore can change the library without a PATENT run; the live
    library notices that its size differs from the database's and reconciles by id."""
    _run_full()
    library.live_library()
    unjournalled = _separator_newcomer(zhejiang_university)  # no PATENT run recorded
    Patent.objects.filter(pk=market["rice"].pk).update(legal_status=LegalStatus.LAPSED)
    live = library.live_library()
    assert live.is_listed(str(unjournalled.pk))
    assert not live.is_listed(str(market["rice"].pk))
    _rematch_profile(market["enterprise"].pk)
    listed = set(
        Match.objects.filter(enterprise=market["enterprise"]).values_list("patent", flat=True)
    )
    assert unjournalled.pk in listed and market["rice"].pk not in listed
