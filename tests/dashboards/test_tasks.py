"""The refresh task: safe to run twice, on the beat (queued on commit: test_refresh_on_write)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from dashboards import fragments, tasks
from dashboards.models import RefreshRun, StatValue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pending_refresh():
    cache.delete(tasks.pending_key())
    yield
    cache.delete(tasks.pending_key())


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


def test_a_worker_prerenders_the_pages_but_in_process_their_first_viewer_does(world, monkeypatch):
    warmed: list[int] = []
    monkeypatch.setattr(fragments, "warm", lambda run: warmed.append(run.pk) or 0)
    tasks.refresh_statistics.apply()  # in process (the demo)
    assert warmed == []
    tasks.refresh_statistics.run()  # the task's body, as a worker runs it
    assert len(warmed) == 1
