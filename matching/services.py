"""Running the matching engine over the database, and acting on its results.

Work to do is a PostgreSQL row first (a MatchRun and its MatchShards, or a one-subject MatchRun);
tasks carry ids only and are safe to run twice, because a shard's results replace that shard's
enterprises' matches atomically, and pushes are keyed by event so none is sent twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Organisation, OrgKind, User
from enterprises.selectors import handed_over_by
from matching import library, ranking
from matching.models import (
    TOP_PER_ENTERPRISE,
    TOP_TAKERS,
    Match,
    MatchFeedback,
    MatchRun,
    MatchShard,
    RunKind,
    RunStatus,
    Taker,
)
from matching.pool import matchable
from matching.profiles import enterprise_profiles, patent_records
from patents.models import Patent

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)


def _shard_size() -> int:
    return int(getattr(settings, "MATCHING_SHARD_SIZE", 500))


def push_threshold() -> float:
    return float(getattr(settings, "MATCHING_PUSH_THRESHOLD", 0.3))


def enterprise_ids() -> list[int]:
    """Every active enterprise, in id order."""
    return list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def allowed_takers(ids: list[int]) -> set[int]:
    """Those of `ids` that are active enterprises allowing universities to see them as likely
    takers."""
    return set(
        Organisation.objects.filter(
            pk__in=ids,
            kind=OrgKind.ENTERPRISE,
            is_active=True,
            enterprise_profile__show_as_likely_taker=True,
        ).values_list("pk", flat=True)
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
    return request_patents_rematch([patent_id])[0]


def request_patents_rematch(patent_ids: list[int]) -> list[MatchRun]:
    """`request_patent_rematch` for many patents in one INSERT."""
    from matching import tasks

    runs = MatchRun.objects.bulk_create(
        MatchRun(kind=RunKind.PATENT, subject_id=patent_id) for patent_id in patent_ids
    )
    for run in runs:
        transaction.on_commit(partial(tasks.run_incremental.delay, run.pk))
    return runs


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
    live = library.library_for_run(shard.run_id)
    profiles = enterprise_profiles(shard.enterprise_ids)
    ranked = ranking.rank_patents_for(live, profiles, top=TOP_PER_ENTERPRISE)
    with transaction.atomic():
        written = _replace_matches(ranked, run=shard.run)
        MatchShard.objects.filter(pk=shard_id).update(
            status=RunStatus.DONE, finished_at=timezone.now(), matches_count=written
        )
        run = MatchRun.objects.select_for_update().get(pk=shard.run_id)
        run.matches_count += written
        run.patents_count = live.size
        run.save(update_fields=["matches_count", "patents_count"])
        if not run.shards.exclude(status=RunStatus.DONE).exists():
            _finish_run(run)
    return written


def run_incremental(*, run_id: int) -> int:
    run = MatchRun.objects.filter(pk=run_id).first()  # None: finished long ago and pruned
    if run is None or run.status == RunStatus.DONE or not _claim(MatchRun, run_id):
        return 0
    started = time.monotonic()
    rematch = {
        RunKind.PROFILE: _rematch_enterprise,
        RunKind.PATENT: _rematch_patent,
        RunKind.TAKERS: _rank_takers,
    }[RunKind(run.kind)]
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
    live = library.live_library()
    profiles = enterprise_profiles([run.subject_id])
    ranked = ranking.rank_patents_for(live, profiles, top=TOP_PER_ENTERPRISE)
    MatchRun.objects.filter(pk=run.pk).update(profiles_count=1, patents_count=live.size)
    with transaction.atomic():
        written = _replace_matches(ranked, run=run)
        if profiles:
            _offer_as_taker(run.subject_id, live, profiles[0], run=run)
    return written


def _rematch_patent(run: MatchRun) -> int:
    """Place one patent in every enterprise's list: it joins a list when it beats that list's
    last entry (or the list is not full). Scores are on the lists' own (e2p) scale."""
    assert run.subject_id is not None
    patent_id = run.subject_id
    placement = _place(run)
    if placement is None:
        with transaction.atomic():
            affected = _drop_patent(patent_id)
            _trim_lists(affected)
            Taker.objects.filter(patent_id=patent_id).delete()
        return 0
    bar = _list_bars(placement.enterprise_ids, exclude_patent=patent_id)
    joining = np.flatnonzero(np.isfinite(placement.e2p) & (placement.e2p > bar))
    joins = list(
        zip(
            placement.enterprise_ids[joining].tolist(),
            placement.e2p[joining].astype(float).tolist(),
            strict=True,
        )
    )
    reasons = placement.reasons(eid for eid, _ in joins)
    rows = [
        Match(enterprise_id=eid, patent_id=patent_id, score=score, reasons=reasons[eid], run=run)
        for eid, score in joins
    ]
    with transaction.atomic():
        before = _drop_patent(patent_id)  # the lists it was on: no new push for those
        Match.objects.bulk_create(rows, batch_size=2000)
        _trim_lists(before | {eid for eid, _ in joins})
        _replace_takers(patent_id, placement, run=run)
        _push_new_matches([m for m in rows if m.enterprise_id not in before])
    return len(rows)


def _rank_takers(run: MatchRun) -> int:
    """Rank every enterprise for one patent (a TAKERS run): its likely takers, afresh."""
    assert run.subject_id is not None
    placement = _place(run)
    if placement is None:
        Taker.objects.filter(patent_id=run.subject_id).delete()
        return 0
    with transaction.atomic():
        return _replace_takers(run.subject_id, placement, run=run)


def _place(run: MatchRun) -> ranking.Placement | None:
    """The run's patent scored for every active enterprise (all of them: the worker's cached
    profile vectors cover all), or None when it is no longer in the library."""
    assert run.subject_id is not None
    live = library.live_library()
    record = next(patent_records(Patent.objects.filter(matchable(), pk=run.subject_id)), None)
    if record is None or not live.is_listed(str(run.subject_id)):
        return None
    ids = enterprise_ids()
    placement = ranking.place_patent(live, record, ids, enterprise_profiles)
    MatchRun.objects.filter(pk=run.pk).update(profiles_count=len(ids), patents_count=1)
    return placement


def _replace_takers(patent_id: int, placement: ranking.Placement, *, run: MatchRun) -> int:
    best = placement.best_takers(allowed_takers, TOP_TAKERS)
    reasons = placement.reasons(eid for eid, _ in best)
    rows = [
        Taker(patent_id=patent_id, enterprise_id=eid, score=score, reasons=reasons[eid], run=run)
        for eid, score in best
    ]
    Taker.objects.filter(patent_id=patent_id).delete()
    _write_takers(rows)
    return len(rows)


def _write_takers(rows: list[Taker]) -> None:
    """Insert, or update where a concurrent run already wrote the pair (a profile's run can put
    its enterprise on a list while a TAKERS run replaces that list)."""
    Taker.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["patent", "enterprise"],
        update_fields=["score", "reasons", "run"],
    )


def _offer_as_taker(
    enterprise_id: int, live: library.LiveLibrary, profile: dict[str, Any], *, run: MatchRun
) -> None:
    """After an enterprise's profile changed: put it on the likely-taker lists of the patents on
    its new list where its p2e score now earns a place, and tell those patents' universities
    when it is among the likeliest.

    Only the patents on its own list are scored this way (a few milliseconds): the p2e
    ranking's exact answer would score the whole library. Every list stays stale by
    `refresh_takers`'s rule and is ranked exactly when next opened; what this adds is that the
    news reaches the university without anyone opening anything."""
    if enterprise_id not in allowed_takers([enterprise_id]):
        return
    listed = dict(
        Match.objects.filter(enterprise_id=enterprise_id).values_list("patent_id", "reasons")
    )
    scores = ranking.taker_scores(live, profile, [str(pid) for pid in listed])
    placed = _place_taker(
        enterprise_id, {int(pid): score for pid, score in scores.items()}, listed, run=run
    )
    _push_new_taker(enterprise_id, placed)


def _place_taker(
    enterprise_id: int,
    scores: dict[int, float],
    reasons: dict[int, list[dict[str, Any]]],
    *,
    run: MatchRun,
) -> list[tuple[int, int, float]]:
    """Put one enterprise on each given patent's taker list where `scores` beats the list's
    last entry (or the list is not full), cutting the list back to its best TOP_TAKERS, and take
    it off those it no longer earns. Returns (patent id, rank on its list, score) per place."""
    others: dict[int, list[tuple[float, int]]] = {pid: [] for pid in scores}
    for pid, score, pk in (
        Taker.objects.filter(patent_id__in=scores)
        .exclude(enterprise_id=enterprise_id)
        .order_by()
        .values_list("patent_id", "score", "pk")
    ):
        others[pid].append((score, pk))
    Taker.objects.filter(enterprise_id=enterprise_id, patent_id__in=scores).delete()
    rows: list[Taker] = []
    placed: list[tuple[int, int, float]] = []
    cut: list[int] = []
    for pid, score in scores.items():
        ahead = sorted(others[pid], key=lambda entry: (-entry[0], entry[1]))
        if len(ahead) >= TOP_TAKERS and score <= ahead[TOP_TAKERS - 1][0]:
            continue
        rows.append(
            Taker(
                patent_id=pid,
                enterprise_id=enterprise_id,
                score=score,
                reasons=reasons[pid],
                run=run,
            )
        )
        placed.append((pid, 1 + sum(other > score for other, _ in ahead), score))
        cut += [pk for _, pk in ahead[TOP_TAKERS - 1 :]]
    _write_takers(rows)
    if cut:
        Taker.objects.filter(pk__in=cut).delete()
    return placed


def taker_push_threshold() -> float:
    return float(settings.MATCHING_TAKER_PUSH_THRESHOLD)


#: A university hears of an enterprise only when it is among a patent's likeliest takers.
TAKER_PUSH_RANK = 10


def _push_new_taker(enterprise_id: int, placed: list[tuple[int, int, float]]) -> None:
    """Tell each patent's university that this enterprise is now among its likeliest takers,
    once per (patent, enterprise) ever."""
    from accounts.selectors import staff_of
    from notifications.services import notify

    threshold = taker_push_threshold()
    strong = [pid for pid, rank, score in placed if rank <= TAKER_PUSH_RANK and score >= threshold]
    if not strong:
        return
    enterprise = Organisation.objects.get(pk=enterprise_id)
    for patent in Patent.objects.filter(pk__in=strong).select_related("organisation"):
        notify(
            recipients=staff_of(patent.organisation, department_id=patent.department_id),
            kind="taker",
            event_key=f"taker:{patent.pk}:{enterprise_id}",
            title=gettext_noop("%(enterprise)s may take up %(patent)s"),
            body=gettext_noop(
                "Its needs and patents now make it one of the likeliest takers of this patent."
            ),
            params={"enterprise": enterprise.name, "patent": patent.title},
            link=reverse("matching:likely_takers", args=[patent.pk]),
        )


# --- likely takers, ranked when asked for --------------------------------------------------


def refresh_takers(patent_id: int) -> bool:
    """Rank a patent's likely takers again unless the stored list is current or a ranking is
    under way. True while a ranking is under way (not when tasks ran in-process and finished).

    A list is current until a profile changes or a full re-match finishes after it was ranked
    (placing the patent ranks it too). Lists are ranked when someone looks, not all at once after
    every change: at 100,000 enterprises one list takes a worker a fraction of a second, all of
    a million-patent library would take hours."""
    from matching import tasks

    if handed_over_by(patent_id) is not None:
        return False  # out of matching for good: a ranking could only come back empty
    runs = MatchRun.objects.filter(subject_id=patent_id, kind__in=[RunKind.PATENT, RunKind.TAKERS])
    if runs.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING]).exists():
        return True
    last = runs.filter(status=RunStatus.DONE).order_by("-created_at").first()
    if last is not None and not _profiles_changed_since(last.created_at):
        return False
    run = MatchRun.objects.create(kind=RunKind.TAKERS, subject_id=patent_id)
    transaction.on_commit(partial(tasks.run_incremental.delay, run.pk))
    run.refresh_from_db(fields=["status"])  # done already when tasks run in-process
    return run.status != RunStatus.DONE


def _profiles_changed_since(when: datetime) -> bool:
    return MatchRun.objects.filter(
        Q(kind=RunKind.PROFILE, created_at__gt=when)
        | Q(kind=RunKind.FULL, status=RunStatus.DONE, finished_at__gt=when)
    ).exists()


def _list_bars(enterprise_ids_: np.ndarray, *, exclude_patent: int) -> np.ndarray:
    """For each of these enterprises, its full list's last score: what a patent must beat to
    join it; -inf where the list is not full. Lists the patent is on are judged without it, as
    it is being placed again."""
    bars = (
        Match.objects.filter(is_last=True)
        .exclude(patent_id=exclude_patent)
        .order_by()  # the model's ordering would join every list's enterprise to sort by it
        .values_list("enterprise_id", "score")
    )
    pairs = list(bars)
    owners = np.array([owner for owner, _ in pairs], dtype=np.int64)
    scores = np.array([score for _, score in pairs], dtype=np.float64)
    bar = np.full(len(enterprise_ids_), -np.inf)
    if len(owners):
        order = np.argsort(owners)
        owners, scores = owners[order], scores[order]
        at = np.minimum(np.searchsorted(owners, enterprise_ids_), len(owners) - 1)
        full = owners[at] == enterprise_ids_
        bar[full] = scores[at[full]]
    return bar


def _drop_patent(patent_id: int) -> set[int]:
    """Remove a patent from every list; returns the enterprises whose lists it was on."""
    matches = Match.objects.filter(patent_id=patent_id)
    affected = set(matches.order_by().values_list("enterprise_id", flat=True))
    matches.delete()
    return affected


def _finish_run(run: MatchRun) -> None:
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.duration_seconds = (run.finished_at - run.created_at).total_seconds()
    run.save(update_fields=["status", "finished_at", "duration_seconds"])


# --- writing results -----------------------------------------------------------------------

Ranked = dict[int, list[tuple[str, float, list[dict[str, Any]]]]]


def _replace_matches(ranked: Ranked, *, run: MatchRun) -> int:
    """Replace each given enterprise's matches with `ranked` (call inside a transaction).
    Patents that left the library since the index last heard of it (an import can change a
    legal status without a review step) are left out, so the hard rule holds at write time."""
    enterprise_ids_ = list(ranked)
    listed = set(
        Patent.objects.filter(
            matchable(), pk__in={int(pid) for results in ranked.values() for pid, _, _ in results}
        ).values_list("pk", flat=True)
    )
    before = set(
        Match.objects.filter(enterprise_id__in=enterprise_ids_)
        .order_by()
        .values_list("enterprise_id", "patent_id")
    )
    Match.objects.filter(enterprise_id__in=enterprise_ids_).delete()
    rows = [
        Match(
            enterprise_id=eid,
            patent_id=int(pid),
            score=score,
            reasons=reasons,
            run=run,
            is_last=position == TOP_PER_ENTERPRISE,
        )
        for eid, results in ranked.items()
        for position, (pid, score, reasons) in enumerate(
            [r for r in results if int(r[0]) in listed], start=1
        )
    ]
    Match.objects.bulk_create(rows, batch_size=2000)
    _push_new_matches([r for r in rows if (r.enterprise_id, r.patent_id) not in before])
    return len(rows)


def _trim_lists(enterprise_ids_: set[int]) -> None:
    """Cut the given enterprises' lists to their best TOP and mark each full list's last entry.

    One read finds the few rows that change (about two per list), read from the list order index
    alone; they are then deleted or re-flagged by primary key. A single set-based DELETE or
    UPDATE joined to that read let the planner hash-join it against a scan of every list (10M
    rows: 0.6-1.3 s per statement)."""
    if not enterprise_ids_:
        return
    table = connection.ops.quote_name(Match._meta.db_table)
    ids: list[int] | str
    if connection.vendor == "postgresql":
        listed, ids = "enterprise_id = ANY(%s)", list(enterprise_ids_)
    else:  # SQLite (development): the ids as a JSON array
        listed = "enterprise_id IN (SELECT value FROM json_each(%s))"
        ids = json.dumps(sorted(enterprise_ids_))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, pos FROM (
                SELECT id, is_last,
                       row_number() OVER (PARTITION BY enterprise_id ORDER BY score DESC, id) AS pos
                FROM {table} WHERE {listed}
            ) p WHERE pos > %s OR (pos = %s) <> is_last
            """,
            [ids, TOP_PER_ENTERPRISE, TOP_PER_ENTERPRISE],
        )
        changing = cursor.fetchall()
    beyond = [pk for pk, pos in changing if pos > TOP_PER_ENTERPRISE]
    now_last = [pk for pk, pos in changing if pos == TOP_PER_ENTERPRISE]
    no_longer_last = [pk for pk, pos in changing if pos < TOP_PER_ENTERPRISE]
    if beyond:
        Match.objects.filter(pk__in=beyond).delete()
    if now_last:
        Match.objects.filter(pk__in=now_last).update(is_last=True)
    if no_longer_last:
        Match.objects.filter(pk__in=no_longer_last).update(is_last=False)


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
        kind__in=[RunKind.PATENT, RunKind.PROFILE, RunKind.TAKERS],
    ).values_list("pk", flat=True)
    for shard_id in shards:
        tasks.run_shard.delay(shard_id)
    for run_id in runs:
        tasks.run_incremental.delay(run_id)
    return len(shards) + len(runs)


# --- pruning -------------------------------------------------------------------------------

PRUNE_BATCH = 1000
PRUNE_BUDGET = timedelta(minutes=5)  # per task, far inside the soft time limit


def prune_runs(
    *, now: datetime | None = None, batch: int = PRUNE_BATCH, budget: timedelta = PRUNE_BUDGET
) -> int:
    """Delete finished runs (and their shards) older than `MATCHING_RUN_RETENTION_DAYS`, in
    batches, until none is left or `budget` is spent (the next run goes on). Returns how many.

    Kept whatever their age: unfinished runs and their shards (the sweeper's work), the latest
    finished run of each kind, and everything since the latest full re-match that finished
    started (less the journal overlap). That run's snapshot is what every worker's library
    starts from, and the PATENT and PROFILE runs since are the journal workers follow from there;
    whether a patent's likely takers are current is judged by runs in that window too (or, for an
    older run, by that full re-match having finished after it). Without a finished full re-match
    nothing is pruned. Matches and takers of a deleted run stay, with no run (SET NULL)."""
    now = now or timezone.now()
    finished = MatchRun.objects.filter(status__in=[RunStatus.DONE, RunStatus.FAILED])
    latest_full = (
        finished.filter(kind=RunKind.FULL, status=RunStatus.DONE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest_full is None:
        return 0
    retention = timedelta(days=int(settings.MATCHING_RUN_RETENTION_DAYS))
    cutoff = min(now - retention, latest_full - library.JOURNAL_OVERLAP)
    latest = [
        pk
        for kind in RunKind.values
        for pk in finished.filter(kind=kind)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:1]
    ]
    old = finished.filter(created_at__lt=cutoff).exclude(pk__in=latest).order_by("created_at")
    deleted = 0
    started = time.monotonic()
    while time.monotonic() - started < budget.total_seconds():
        pks = list(old.values_list("pk", flat=True)[:batch])
        if not pks:
            break
        MatchRun.objects.filter(pk__in=pks).delete()
        deleted += len(pks)
    return deleted
