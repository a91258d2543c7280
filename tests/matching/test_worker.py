"""A full re-match on the real worker; killed mid-run, the sweeper finishes it without loss."""

from __future__ import annotations

import datetime

import pytest

from matching import services
from matching.models import Match, MatchRun, MatchShard, RunStatus
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    LibraryPatentFactory,
    TechnologyNeedFactory,
)
from tests.factories import OrganisationFactory
from tests.fixtures.worker import wait_for

pytestmark = pytest.mark.worker


def _enterprises(count: int) -> list[int]:
    ids = []
    for index in range(count):
        org = OrganisationFactory(kind="enterprise", name=f"企业{index}")
        EnterpriseProfileFactory(organisation=org)
        TechnologyNeedFactory(enterprise=org, title=f"锂电池隔膜需求{index}")
        ids.append(org.pk)  # type: ignore[attr-defined]
    return ids


def test_worker_killed_mid_run_is_finished_by_the_sweeper(
    celery_worker, settings, zhejiang_university
):
    settings.MATCHING_SHARD_SIZE = 2
    for index in range(30):
        LibraryPatentFactory(organisation=zhejiang_university, title=f"一种锂电池隔膜{index}")
    _enterprises(60)
    run = services.start_full_rematch()
    wait_for(
        lambda: MatchShard.objects.filter(run=run, status=RunStatus.DONE).exists(),
        interval=0.05,
        message="no shard finished",
    )
    celery_worker.kill()
    assert MatchShard.objects.filter(run=run).exclude(status=RunStatus.DONE).exists(), (
        "the worker finished every shard before it could be killed"
    )
    MatchShard.objects.filter(run=run, status=RunStatus.RUNNING).update(
        claimed_at="2000-01-01T00:00:00Z"
    )
    celery_worker.start()
    services.requeue_unfinished(older_than=datetime.timedelta(0))
    wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).status == RunStatus.DONE,
        timeout=60,
        message="the run never finished after the restart",
    )
    assert MatchShard.objects.filter(run=run).exclude(status=RunStatus.DONE).count() == 0
    per_enterprise = Match.objects.values("enterprise_id").distinct().count()
    assert per_enterprise == 60
    pairs = list(Match.objects.values_list("enterprise_id", "patent_id"))
    assert len(pairs) == len(set(pairs))
