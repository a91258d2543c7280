"""Running the matching engine over the database, and acting on its results.

Work to do is a PostgreSQL row first (a MatchRun and its MatchShards, or a one-subject MatchRun);
tasks carry ids only and are safe to run twice, because a shard's results replace that shard's
enterprises' matches atomically, and pushes are keyed by event so none is sent twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Organisation, OrgKind, User
from matching import ranking
from matching.models import Match, MatchFeedback, MatchRun, MatchShard, RunKind, RunStatus
from matching.profiles import enterprise_profiles, patent_records
from patents.models import IN_LIBRARY, Patent

logger = logging.getLogger(__name__)

TOP_PER_ENTERPRISE = 100
STALE_AFTER = timedelta(minutes=15)


def _shard_size() -> int:
    return int(getattr(settings, "MATCHING_SHARD_SIZE", 500))


def push_threshold() -> float:
    return float(getattr(settings, "MATCHING_PUSH_THRESHOLD", 0.3))


def enterprise_ids() -> list[int]:
    return list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- starting work -------------------------------------------------------------------------


def start_full_rematch() -> MatchRun:
    """Record a full re-match (one shard per slice of enterprises) and enqueue its shards."""
    from matching import tasks

    ids = enterprise_ids()
    size = _shard_size()
    with transaction.atomic():
        run = MatchRun.objects.create(
            kind=RunKind.FULL, status=RunStatus.RUNNING, profiles_count=len(ids)
        )
        shards = MatchShard.objects.bulk_create(
            MatchShard(run=run, enterprise_ids=ids[i : i + size]) for i in range(0, len(ids), size)
        )
        for shard in shards:
            transaction.on_commit(partial(tasks.run_shard.delay, shard.pk))
        if not shards:
            _finish_run(run)
    return run


def request_patent_rematch(patent_id: int) -> MatchRun:
    """A patent entered, left or changed in the library: re-rank it against every profile.
    Call inside the transaction that changed it; the work survives a lost task."""
    from matching import tasks

    run = MatchRun.objects.create(kind=RunKind.PATENT, subject_id=patent_id)
    transaction.on_commit(partial(tasks.run_incremental.delay, run.pk))
    return run


def request_profile_rematch(enterprise_id: int) -> MatchRun:
    """An enterprise's profile changed (need, subscription, intent, rating, feedback)."""
    from matching import tasks

    run = MatchRun.objects.create(kind=RunKind.PROFILE, subject_id=enterprise_id)
    transaction.on_commit(partial(tasks.run_incremental.delay, run.pk))
    return run


# --- doing work ----------------------------------------------------------------------------


def _claim(model: type[MatchShard] | type[MatchRun], pk: int) -> bool:
    """Compare-and-set: take a pending (or stale running) unit of work; False if someone has it."""
    now = timezone.now()
    stale = now - STALE_AFTER
    if model is MatchShard:
        claimable = Q(status=RunStatus.PENDING) | Q(status=RunStatus.RUNNING, claimed_at__lt=stale)
        return bool(
            MatchShard.objects.filter(claimable, pk=pk).update(
                status=RunStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1
            )
        )
    claimable = Q(status=RunStatus.PENDING) | Q(status=RunStatus.RUNNING, created_at__lt=stale)
    return bool(MatchRun.objects.filter(claimable, pk=pk).update(status=RunStatus.RUNNING))


def run_shard(*, shard_id: int) -> int:
    """Rank the library for one shard's enterprises and replace their matches. Returns how many."""
    if not _claim(MatchShard, shard_id):
        return 0
    shard = MatchShard.objects.select_related("run").get(pk=shard_id)
    index = ranking.library_index(run_id=shard.run_id)
    profiles = enterprise_profiles(shard.enterprise_ids)
    ranked = ranking.rank_patents_for(index, profiles, top=TOP_PER_ENTERPRISE)
    with transaction.atomic():
        written = _replace_matches(ranked, run=shard.run)
        MatchShard.objects.filter(pk=shard_id).update(
            status=RunStatus.DONE, finished_at=timezone.now(), matches_count=written
        )
        run = MatchRun.objects.select_for_update().get(pk=shard.run_id)
        run.matches_count += written
        run.patents_count = index.size
        run.save(update_fields=["matches_count", "patents_count"])
        if not run.shards.exclude(status=RunStatus.DONE).exists():
            _finish_run(run)
    return written


def run_incremental(*, run_id: int) -> int:
    run = MatchRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE or not _claim(MatchRun, run_id):
        return 0
    started = time.monotonic()
    rematch = _rematch_enterprise if run.kind == RunKind.PROFILE else _rematch_patent
    written = rematch(run)
    MatchRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        matches_count=written,
        duration_seconds=time.monotonic() - started,
    )
    return written


def _rematch_enterprise(run: MatchRun) -> int:
    assert run.subject_id is not None
    index = ranking.library_index(run_id=None)
    ranked = ranking.rank_patents_for(
        index, enterprise_profiles([run.subject_id]), top=TOP_PER_ENTERPRISE
    )
    MatchRun.objects.filter(pk=run.pk).update(profiles_count=1, patents_count=index.size)
    with transaction.atomic():
        return _replace_matches(ranked, run=run)


def _rematch_patent(run: MatchRun) -> int:
    """Re-rank one patent against every profile; each enterprise keeps its best TOP matches."""
    assert run.subject_id is not None
    ranking.forget_library_index()
    patent_qs = Patent.objects.filter(IN_LIBRARY, pk=run.subject_id)
    if not patent_qs.exists():
        Match.objects.filter(patent_id=run.subject_id).delete()
        return 0
    ids = enterprise_ids()
    record = next(patent_records(patent_qs))
    takers = ranking.rank_enterprises_for(record, enterprise_profiles(ids), top=len(ids))
    MatchRun.objects.filter(pk=run.pk).update(profiles_count=len(ids), patents_count=1)
    written = 0
    with transaction.atomic():
        Match.objects.filter(patent_id=run.subject_id).delete()
        for enterprise_id, score, reasons in takers:
            current = list(
                Match.objects.select_for_update()
                .filter(enterprise_id=enterprise_id)
                .order_by("-score")
                .values_list("score", flat=True)[:TOP_PER_ENTERPRISE]
            )
            if len(current) >= TOP_PER_ENTERPRISE and score <= current[-1]:
                continue
            ranked = {enterprise_id: [(str(run.subject_id), score, reasons)]}
            written += _merge_matches(ranked, run=run)
    return written


def _finish_run(run: MatchRun) -> None:
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.duration_seconds = (run.finished_at - run.created_at).total_seconds()
    run.save(update_fields=["status", "finished_at", "duration_seconds"])


# --- writing results -----------------------------------------------------------------------

Ranked = dict[int, list[tuple[str, float, list[dict[str, Any]]]]]


def _replace_matches(ranked: Ranked, *, run: MatchRun) -> int:
    """Replace each given enterprise's matches with `ranked` (call inside a transaction)."""
    enterprise_ids_ = list(ranked)
    before = set(
        Match.objects.filter(enterprise_id__in=enterprise_ids_).values_list(
            "enterprise_id", "patent_id"
        )
    )
    Match.objects.filter(enterprise_id__in=enterprise_ids_).delete()
    rows = [
        Match(
            enterprise_id=eid, patent_id=int(pid), score=score, rank=rank, reasons=reasons, run=run
        )
        for eid, results in ranked.items()
        for rank, (pid, score, reasons) in enumerate(results, start=1)
    ]
    Match.objects.bulk_create(rows, batch_size=2000)
    _push_new_matches([r for r in rows if (r.enterprise_id, r.patent_id) not in before])
    return len(rows)


def _merge_matches(ranked: Ranked, *, run: MatchRun) -> int:
    """Add or update single matches and re-rank those enterprises (call inside a transaction)."""
    written = 0
    for eid, results in ranked.items():
        for pid, score, reasons in results:
            _, created = Match.objects.update_or_create(
                enterprise_id=eid,
                patent_id=int(pid),
                defaults={"score": score, "reasons": reasons, "run": run, "rank": 0},
            )
            written += 1
            if created:
                _push_new_matches([Match(enterprise_id=eid, patent_id=int(pid), score=score)])
        _rerank(eid)
    return written


def _rerank(enterprise_id: int) -> None:
    matches = list(Match.objects.filter(enterprise_id=enterprise_id).order_by("-score", "pk"))
    keep, drop = matches[:TOP_PER_ENTERPRISE], matches[TOP_PER_ENTERPRISE:]
    for rank, match in enumerate(keep, start=1):
        match.rank = rank
    Match.objects.bulk_update(keep, ["rank"])
    Match.objects.filter(pk__in=[m.pk for m in drop]).delete()


def _push_new_matches(new: Iterable[Match]) -> None:
    """Tell enterprise users about new matches above the threshold, once per pair ever."""
    from notifications.services import notify

    threshold = push_threshold()
    strong = [m for m in new if m.score >= threshold]
    if not strong:
        return
    members = _members_by_enterprise({m.enterprise_id for m in strong})
    titles = dict(
        Patent.objects.filter(pk__in={m.patent_id for m in strong}).values_list("pk", "title")
    )
    for match in strong:
        notify(
            recipients=members.get(match.enterprise_id, []),
            kind="match",
            event_key=f"match:{match.enterprise_id}:{match.patent_id}",
            title=gettext_noop("New recommended patent: %(title)s"),
            params={"title": titles.get(match.patent_id, "")},
            link=reverse("matching:recommended"),
        )


def _members_by_enterprise(ids: set[int]) -> dict[int, list[User]]:
    grouped: dict[int, list[User]] = {}
    for user in User.objects.filter(organisation_id__in=ids, is_active=True):
        assert user.organisation_id is not None
        grouped.setdefault(user.organisation_id, []).append(user)
    return grouped


# --- feedback and the sweeper --------------------------------------------------------------


def dismiss_match(*, match: Match, by: User) -> None:
    """ "Not relevant": remember it as a negative signal, drop the match, re-rank the profile."""
    with transaction.atomic():
        MatchFeedback.objects.get_or_create(
            enterprise_id=match.enterprise_id, patent_id=match.patent_id, defaults={"by": by}
        )
        Match.objects.filter(pk=match.pk).delete()
        request_profile_rematch(match.enterprise_id)


def requeue_unfinished(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Re-enqueue shards and incremental runs that were never finished (lost task, dead worker
    or flushed broker). Safe to run any time: claiming is compare-and-set."""
    from matching import tasks

    cutoff = timezone.now() - older_than
    stale = timezone.now() - STALE_AFTER
    shards = MatchShard.objects.filter(
        Q(status=RunStatus.PENDING, run__created_at__lt=cutoff)
        | Q(status=RunStatus.RUNNING, claimed_at__lt=stale)
    ).values_list("pk", flat=True)
    runs = MatchRun.objects.filter(
        Q(status=RunStatus.PENDING, created_at__lt=cutoff)
        | Q(status=RunStatus.RUNNING, created_at__lt=stale),
        kind__in=[RunKind.PATENT, RunKind.PROFILE],
    ).values_list("pk", flat=True)
    for shard_id in shards:
        tasks.run_shard.delay(shard_id)
    for run_id in runs:
        tasks.run_incremental.delay(run_id)
    return len(shards) + len(runs)
