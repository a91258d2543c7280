"""A patent's likely takers: ranked on the patent -> enterprise scale, for its owner's eyes only,
only enterprises that allow it, ranked again when profiles change and not otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching import engine, library, services
from matching.models import Match, MatchRun, RunKind, RunStatus, Taker
from matching.profiles import enterprise_profiles
from patents.models import LegalStatus
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    LibraryPatentFactory,
    TechnologyNeedFactory,
)
from tests.factories import OrganisationFactory
from tests.matching.conftest import run_full

pytestmark = pytest.mark.django_db


def _taker(name: str, need: str, *, shown: bool = True):
    enterprise = OrganisationFactory(kind="enterprise", name=name, province_id="440000")
    EnterpriseProfileFactory(organisation=enterprise, show_as_likely_taker=shown)
    TechnologyNeedFactory(enterprise=enterprise, title=need, description=need)
    return enterprise


def _open_takers(client, patent, capture):
    """Open the page as a user would see it once its ranking has run (tasks run in-process, but a
    test's transaction holds them until the capture ends)."""
    url = reverse("matching:likely_takers", args=[patent.pk])
    with capture(execute=True):
        client.get(url)
    return client.get(url)


def test_the_owner_sees_consenting_enterprises_with_reasons_about_them(
    market, client, univ_a_staff, django_capture_on_commit_callbacks
):
    _taker("低调公司", "锂电池隔膜", shown=False)
    run_full()
    client.force_login(univ_a_staff)
    page = _open_takers(client, market["separator"], django_capture_on_commit_callbacks)
    html = page.content.decode()
    assert "隔膜科技有限公司" in html
    assert "低调公司" not in html
    assert "matches the enterprise&#x27;s need" in html
    assert "your need" not in html


def test_other_institutions_and_enterprises_are_refused(market, client, univ_b_staff):
    url = reverse("matching:likely_takers", args=[market["separator"].pk])
    api = f"/api/likely-takers/{market['separator'].pk}/"
    for user in (univ_b_staff, market["member"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(api).status_code == 404
    assert not MatchRun.objects.filter(kind=RunKind.TAKERS).exists()


def test_an_enterprise_is_a_taker_of_a_patent_its_own_list_has_no_room_for(
    market, client, univ_a_staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "TOP_PER_ENTERPRISE", 1)
    coating = LibraryPatentFactory(
        organisation=market["separator"].organisation,
        title="锂电池隔膜陶瓷涂层",
        ipc_main="H01M 50/449",
        ipc_subclass="H01M",
    )
    run_full()
    listed = set(Match.objects.filter(enterprise=market["enterprise"]).values_list("patent_id"))
    unlisted = market["separator"] if (coating.pk,) in listed else coating
    assert len(listed) == 1 and (unlisted.pk,) not in listed
    client.force_login(univ_a_staff)
    _open_takers(client, unlisted, django_capture_on_commit_callbacks)
    assert list(Taker.objects.filter(patent=unlisted).values_list("enterprise_id", flat=True)) == [
        market["enterprise"].pk
    ]


def test_takers_are_the_engines_patent_to_enterprise_ranking(
    market, client, univ_a_staff, django_capture_on_commit_callbacks
):
    _taker("涂层材料公司", "陶瓷涂层材料")
    _taker("农业科技公司", "水稻灌溉")
    _taker("电池回收公司", "锂电池回收")
    run_full()
    client.force_login(univ_a_staff)
    _open_takers(client, market["separator"], django_capture_on_commit_callbacks)
    stored = list(
        Taker.objects.filter(patent=market["separator"]).values_list("enterprise_id", "score")
    )

    live = library.live_library()
    profiles = engine.ProfileMatrix.build(
        enterprise_profiles(services.enterprise_ids()), live.index
    )
    ranking = engine.rank_enterprises_for(
        [live.index.row[str(market["separator"].pk)]], profiles, live.index, top=50
    )
    expected = [(int(profiles.ids[i]), score) for i, score in ranking.row(0)]
    assert [eid for eid, _ in stored] == [eid for eid, _ in expected]
    assert [s for _, s in stored] == pytest.approx([s for _, s in expected], abs=1e-5)
    assert stored[0][0] == market["enterprise"].pk


def test_a_current_list_is_not_ranked_again_and_a_stale_one_once(
    market, client, univ_a_staff, django_capture_on_commit_callbacks
):
    run_full()
    client.force_login(univ_a_staff)
    patent = market["separator"]
    _open_takers(client, patent, django_capture_on_commit_callbacks)
    _open_takers(client, patent, django_capture_on_commit_callbacks)
    assert MatchRun.objects.filter(kind=RunKind.TAKERS, subject_id=patent.pk).count() == 1

    newcomer = _taker("新来的隔膜公司", "锂电池隔膜")
    services.request_profile_rematch(newcomer.pk)
    # The worker has not got to it yet: the page says so, and asking again adds no work.
    first = client.get(reverse("matching:likely_takers", args=[patent.pk]))
    again = client.get(f"/api/likely-takers/{patent.pk}/")
    assert 'data-testid="takers-updating"' in first.content.decode()
    assert again["X-Takers-Updating"] == "1"
    pending = MatchRun.objects.filter(kind=RunKind.TAKERS, subject_id=patent.pk)
    assert pending.filter(status=RunStatus.PENDING).count() == 1

    services.run_incremental(run_id=pending.get(status=RunStatus.PENDING).pk)
    names = [
        row["enterprise_name"]
        for row in client.get(f"/api/likely-takers/{patent.pk}/").json()["results"]
    ]
    assert "新来的隔膜公司" in names


def test_placing_a_patent_ranks_its_takers_and_leaving_the_library_drops_them(
    market, django_capture_on_commit_callbacks
):
    run_full()
    patent = LibraryPatentFactory(
        organisation=market["separator"].organisation,
        title="一种锂电池隔膜及其制备方法",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_patent_rematch(patent.pk)
    assert Taker.objects.filter(patent=patent, enterprise=market["enterprise"]).exists()

    patent.legal_status = LegalStatus.LAPSED
    patent.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_patent_rematch(patent.pk)
    assert not Taker.objects.filter(patent=patent).exists()


# --- a changed profile reaches the universities ---------------------------------------------


def _profile_changed(enterprise) -> None:
    """The enterprise's PROFILE run, as the worker runs it."""
    services.run_incremental(run_id=services.request_profile_rematch(enterprise.pk).pk)


def _engine_p2e(patent, enterprise) -> float:
    live = library.live_library()
    profiles = engine.ProfileMatrix.build(enterprise_profiles([enterprise.pk]), live.index)
    ranking = engine.rank_enterprises_for([live.index.row[str(patent.pk)]], profiles, live.index)
    return ranking.row(0)[0][1]


def _taker_notices(user):
    return list(user.notifications.filter(kind="taker").values_list("link", flat=True))


def test_a_changed_profile_puts_its_enterprise_among_the_takers_and_tells_the_university(
    market, univ_a_staff, univ_b_staff
):
    run_full()
    newcomer = _taker("新来的隔膜公司", "耐高温锂电池隔膜陶瓷涂层")
    _profile_changed(newcomer)

    separator = market["separator"]
    taker = Taker.objects.get(patent=separator, enterprise=newcomer)
    assert taker.score == pytest.approx(_engine_p2e(separator, newcomer), abs=1e-5)
    assert {r["code"] for r in taker.reasons} >= {"matches_need_terms"}
    takers_page = reverse("matching:likely_takers", args=[separator.pk])
    assert _taker_notices(univ_a_staff) == [takers_page]
    notice = univ_a_staff.notifications.get(kind="taker")
    assert "新来的隔膜公司" in notice.title_text and separator.title in notice.title_text
    assert _taker_notices(univ_b_staff) == []  # the rice patent's university: nothing to say

    _profile_changed(newcomer)  # the same enterprise changes again: no second push
    assert _taker_notices(univ_a_staff) == [takers_page]
    assert Taker.objects.filter(patent=separator, enterprise=newcomer).count() == 1


def test_an_enterprise_that_keeps_to_itself_is_neither_listed_nor_announced(market, univ_a_staff):
    run_full()
    private = _taker("低调的隔膜公司", "耐高温锂电池隔膜陶瓷涂层", shown=False)
    _profile_changed(private)
    assert not Taker.objects.filter(enterprise=private).exists()
    assert _taker_notices(univ_a_staff) == []


def test_a_weak_taker_is_listed_but_not_announced(market, univ_a_staff, settings):
    run_full()
    newcomer = _taker("新来的隔膜公司", "耐高温锂电池隔膜陶瓷涂层")
    settings.MATCHING_TAKER_PUSH_THRESHOLD = 100.0
    _profile_changed(newcomer)
    assert Taker.objects.filter(patent=market["separator"], enterprise=newcomer).exists()
    assert _taker_notices(univ_a_staff) == []


def test_a_full_taker_list_lets_a_better_enterprise_in_and_the_last_one_out(
    market, monkeypatch, univ_a_staff, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "TOP_TAKERS", 2)
    _taker("涂层材料公司", "陶瓷涂层材料")
    _taker("农业科技公司", "水稻灌溉")
    run_full()
    separator = market["separator"]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_patent_rematch(separator.pk)
    before = list(Taker.objects.filter(patent=separator).values_list("enterprise__name", "score"))
    assert [name for name, _ in before] == ["隔膜科技有限公司", "涂层材料公司"]

    newcomer = _taker("新来的隔膜公司", "耐高温锂电池隔膜陶瓷涂层")
    _profile_changed(newcomer)
    after = list(Taker.objects.filter(patent=separator).values_list("enterprise__name", flat=True))
    assert len(after) == 2 and "新来的隔膜公司" in after and "涂层材料公司" not in after
