"""The refresh task: queued on commit, at most once per debounce window, safe to run twice."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from dashboards import tasks
from dashboards.models import RefreshRun, StatValue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pending_refresh():
    cache.delete(tasks.PENDING_KEY)
    yield
    cache.delete(tasks.PENDING_KEY)


def test_request_refresh_queues_one_task_after_commit(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.refresh_statistics, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert tasks.request_refresh() is True
        assert tasks.request_refresh() is False  # debounced
        assert queued == []  # nothing before the commit
    assert queued == [{"countdown": tasks.DEBOUNCE_SECONDS}]


def test_task_is_idempotent(world):
    first = tasks.refresh_statistics.delay().get()
    rows = list(
        StatValue.objects.order_by("scope", "metric", "dimension", "key").values_list(
            "scope", "metric", "dimension", "key", "value"
        )
    )
    second = tasks.refresh_statistics.delay().get()
    assert first == second == len(rows)
    assert rows == list(
        StatValue.objects.order_by("scope", "metric", "dimension", "key").values_list(
            "scope", "metric", "dimension", "key", "value"
        )
    )
    assert RefreshRun.objects.count() == 2


def test_beat_schedule_runs_the_refresh(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-refresh"]
    assert entry["task"] == "dashboards.tasks.refresh_statistics"
