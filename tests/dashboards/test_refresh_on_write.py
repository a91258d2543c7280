"""Writes to what the figures count ask for a refresh after their commit, so that the figures and
their drill-downs agree within seconds (with a worker) or at the next request (in process)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dashboards import tasks
from dashboards.models import RefreshRun
from enterprises.models import CooperationIntent, IntentStatus
from enterprises.services import intents as intent_services
from tests.enterprises.factories import IntentFactory
from tests.factories import PatentFactory, UserFactory

pytestmark = pytest.mark.django_db

ZJ = "330000"


@pytest.fixture
def refresh_on_write(settings):
    """Switched on (tests/conftest.py switches it off) after the test's own data is written:
    the whole test is one transaction, in which the first counted write holds the one request."""
    settings.DASHBOARDS_REFRESH_ON_WRITE = True
    cache.delete(tasks.pending_key())
    yield
    cache.delete(tasks.pending_key())


@pytest.fixture
def requests(monkeypatch, refresh_on_write) -> list[str]:
    """The database aliases of the requests the watch makes, one per counted write."""
    made: list[str] = []
    monkeypatch.setattr(tasks, "request_refresh", lambda using: made.append(using))
    return made


@pytest.fixture
def queued(monkeypatch, refresh_on_write) -> list[dict[str, int]]:
    """Tasks sent to a worker (instead of run in process), with their countdown."""
    sent: list[dict[str, int]] = []
    monkeypatch.setattr(tasks, "in_process", lambda: False)
    monkeypatch.setattr(tasks.refresh_statistics, "apply_async", lambda **kw: sent.append(kw))
    return sent


@pytest.fixture
def intent(world) -> CooperationIntent:
    return IntentFactory(patent=world.zj_patents[0])  # type: ignore[return-value]


def test_inserts_updates_and_deletes_of_counted_tables_are_seen(
    zhejiang_university, intent, requests
):
    PatentFactory(organisation=zhejiang_university)
    CooperationIntent.objects.filter(pk=intent.pk).update(status=IntentStatus.CLOSED)
    CooperationIntent.objects.bulk_create([CooperationIntent(**_copy(intent))])
    CooperationIntent.objects.filter(pk=intent.pk).delete()
    assert requests == ["default"] * 4


def _copy(intent: CooperationIntent) -> dict[str, object]:
    fields = ["patent", "enterprise", "declared_by", "kinds", "message", "answer_due"]
    return {name: getattr(intent, name) for name in fields} | {"declared_at": timezone.now()}


def test_writes_elsewhere_or_changing_nothing_are_not_seen(univ_a_staff, requests):
    User.objects.filter(pk=univ_a_staff.pk).update(first_name="Alice")  # not counted
    CooperationIntent.objects.filter(pk=-1).update(status=IntentStatus.CLOSED)  # no row
    UserFactory(organisation=univ_a_staff.organisation)
    assert requests == []


def test_switched_off_nothing_is_seen(zhejiang_university, requests, settings):
    settings.DASHBOARDS_REFRESH_ON_WRITE = False
    PatentFactory(organisation=zhejiang_university)
    assert requests == []


def test_one_refresh_is_queued_after_the_commit(
    queued, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        assert tasks.request_refresh() is True
        assert tasks.request_refresh() is False  # one request per transaction
        assert queued == []  # nothing before the commit
    assert len(callbacks) == 1
    assert queued == [{"countdown": settings.DASHBOARDS_REFRESH_DELAY}]
    assert tasks.queue_refresh() is False  # pending: the queued refresh will see it too
    assert len(queued) == 1
    cache.delete(tasks.pending_key())  # what the task does when it starts
    assert tasks.queue_refresh() is True
    assert len(queued) == 2


def test_a_rolled_back_write_asks_for_nothing(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                tasks.request_refresh()
                raise RuntimeError("undo")
        except RuntimeError:
            pass
    assert callbacks == []
    assert queued == []
    assert cache.get(tasks.pending_key()) is None


def _intents_figure(client) -> float:  # type: ignore[no-untyped-def]
    body = client.get(reverse("api:dashboard", args=[ZJ])).json()
    demand = next(s for s in body["sections"] if s["section"] == "demand")
    return next(f["value"] for f in demand["figures"] if f["slug"] == "intents")


def _drill_count(client) -> int:  # type: ignore[no-untyped-def]
    return client.get(reverse("api:dashboard-drill", args=[ZJ, "intents"])).json()["count"]


def test_in_process_a_new_intent_shows_at_the_next_request_and_agrees_with_its_drill_down(
    client,
    bureau_zj,
    refreshed_activity,
    world,
    refresh_on_write,
    django_capture_on_commit_callbacks,
):
    client.force_login(bureau_zj)
    assert _intents_figure(client) == _drill_count(client) == 3
    runs = RefreshRun.objects.count()
    declarer = UserFactory(organisation=refreshed_activity.ent_zj)
    with django_capture_on_commit_callbacks(execute=True):
        intent_services.declare_intent(
            # joint research: the fixture already transferred this patent to another enterprise
            patent=world.zj_patents[1],
            kinds=["joint_research"],
            message="有意合作",
            by=declarer,
        )
    assert RefreshRun.objects.count() == runs  # nothing ran inside the write
    assert _intents_figure(client) == _drill_count(client) == 4
    assert RefreshRun.objects.count() == runs + 1
    assert _intents_figure(client) == 4  # and no further refresh without a new write
    assert RefreshRun.objects.count() == runs + 1


def test_dashboard_home_and_drill_down_say_when_the_figures_were_computed(
    client, bureau_zj, refreshed
):
    client.force_login(bureau_zj)
    finished = RefreshRun.objects.get().finished_at
    assert finished is not None
    stamp = timezone.localtime(finished).strftime("%Y-%m-%d %H:%M")
    page = client.get(reverse("dashboards:province", args=[ZJ])).content.decode()
    home = client.get(reverse("home")).content.decode()
    drill = client.get(reverse("dashboards:drill", args=[ZJ, "patents_inventoried"]))
    assert f"Figures as of {stamp}" in page
    assert f"Figures as of {stamp}" in home
    assert f"the dashboard's figures are as of {stamp}." in drill.content.decode()


def test_an_inventory_import_asks_for_a_refresh(
    univ_a_staff, refresh_on_write, django_capture_on_commit_callbacks
):
    from tests.patents.import_helpers import GOOD, upload_and_run, xlsx

    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    assert job.created_count == 1
    assert cache.get(tasks.pending_key())  # in process: for the next request


def test_a_failing_requested_refresh_does_not_fail_the_request(
    client, bureau_zj, refreshed, refresh_on_write, monkeypatch
):
    def broken() -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(tasks.services, "refresh_statistics", broken)
    tasks.queue_refresh()
    client.force_login(bureau_zj)
    assert client.get(reverse("dashboards:province", args=[ZJ])).status_code == 200
    assert cache.get(tasks.pending_key()) is None  # asked again by the next write, not looped
