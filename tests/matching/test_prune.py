"""Old finished match runs are pruned; the work still to do, the journal workers follow and the
matches they wrote are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import services, tasks
from matching.models import Match, MatchRun, MatchShard, RunKind, RunStatus, Taker

pytestmark = pytest.mark.django_db

DONE, FAILED, PENDING, RUNNING = (
    RunStatus.DONE,
    RunStatus.FAILED,
    RunStatus.PENDING,
    RunStatus.RUNNING,
)


def _run(kind: str, status: str, days_ago: float, **fields: object) -> MatchRun:
    run = MatchRun.objects.create(kind=kind, status=status, **fields)
    started = timezone.now() - timedelta(days=days_ago)
    MatchRun.objects.filter(pk=run.pk).update(created_at=started)  # auto_now_add otherwise
    run.created_at = started
    return run


def _left() -> set[int]:
    return set(MatchRun.objects.values_list("pk", flat=True))


@pytest.fixture
def history(market):
    """A year of runs: finished ones old and recent, unfinished ones old, and pairs written by
    runs about to go."""
    enterprise, patent = market["enterprise"], market["separator"]
    runs = {
        "old_full": _run(RunKind.FULL, DONE, 200),
        "latest_full": _run(RunKind.FULL, DONE, 2),
        "old_patent": _run(RunKind.PATENT, DONE, 120, subject_id=patent.pk),
        "old_failed": _run(RunKind.PATENT, FAILED, 100, subject_id=patent.pk),
        "old_profile": _run(RunKind.PROFILE, DONE, 95, subject_id=enterprise.pk),
        "recent_profile": _run(RunKind.PROFILE, DONE, 30, subject_id=enterprise.pk),
        "recent_patent": _run(RunKind.PATENT, DONE, 1, subject_id=patent.pk),
        "only_takers": _run(RunKind.TAKERS, DONE, 300, subject_id=patent.pk),
        "stuck_patent": _run(RunKind.PATENT, PENDING, 150, subject_id=patent.pk),
        "stuck_full": _run(RunKind.FULL, RUNNING, 250),
    }
    MatchShard.objects.create(run=runs["old_full"], status=DONE, enterprise_ids=[enterprise.pk])
    MatchShard.objects.create(run=runs["stuck_full"], enterprise_ids=[enterprise.pk])
    Match.objects.create(enterprise=enterprise, patent=patent, score=0.8, run=runs["old_patent"])
    Taker.objects.create(enterprise=enterprise, patent=patent, score=0.7, run=runs["old_full"])
    return runs


def test_old_finished_runs_go_and_their_matches_stay(history):
    gone = {"old_full", "old_patent", "old_failed", "old_profile"}
    assert tasks.prune_runs.delay().get() == len(gone)
    assert _left() == {run.pk for name, run in history.items() if name not in gone}
    # The sweeper's work is untouched: the stuck full run keeps its pending shard.
    assert list(MatchShard.objects.values_list("run_id", "status")) == [
        (history["stuck_full"].pk, PENDING)
    ]
    match = Match.objects.get()
    assert (match.score, match.run_id) == (0.8, None)
    assert Taker.objects.get().run_id is None


def test_pruning_again_deletes_nothing_more(history):
    services.prune_runs(batch=1)  # one run per batch: all of them all the same
    left = _left()
    assert len(left) == len(history) - 4
    assert services.prune_runs() == 0
    assert _left() == left


def test_the_journal_since_the_latest_full_rematch_is_kept_however_old(market, settings):
    """Full re-matches stopped four months ago: every worker's library still starts from that
    run's snapshot and follows the PATENT runs since, so they stay past the retention."""
    settings.MATCHING_RUN_RETENTION_DAYS = 30
    before = _run(RunKind.PATENT, DONE, 125)
    full = _run(RunKind.FULL, DONE, 120)
    since = [_run(RunKind.PATENT, DONE, days) for days in (119.99, 100, 60)]
    assert services.prune_runs() == 1
    assert _left() == {full.pk, *(run.pk for run in since)}
    assert not MatchRun.objects.filter(pk=before.pk).exists()


def test_nothing_is_pruned_before_a_full_rematch_has_finished(market):
    _run(RunKind.FULL, RUNNING, 200)
    old = [_run(RunKind.PATENT, DONE, 200), _run(RunKind.PATENT, DONE, 199)]
    assert services.prune_runs() == 0
    assert _left() >= {run.pk for run in old}


def test_a_task_for_a_pruned_run_does_nothing(history):
    services.prune_runs()
    assert services.run_incremental(run_id=history["old_patent"].pk) == 0
