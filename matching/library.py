"""The convertible patent library as the matching engine sees it, kept current in each worker.

Building the index of a large library is slow (minutes at a million patents), so it is built
once per full re-match and shared, and incremental work follows the changes instead of
rebuilding:

- A **snapshot** is a `PatentIndex` of the whole library, built by the first worker of a full
  re-match (under a file lock) and saved under `settings.MATCHING_INDEX_DIR`; the run's other
  workers load it.
- Each worker process keeps one **live library**: the newest snapshot, plus the changes recorded
  since it was read. Every patent change that matters to matching is journalled as a `MatchRun`
  of kind PATENT (matching.hooks), so following the journal is one small query. A patent that
  left the library is retired in the index (never ranked again); one that entered or changed is
  vectorised into a small *delta*, scored exactly next to the index. The delta keeps the
  snapshot's idf, so scores do not drift; the next full re-match folds it into a new snapshot.
  Until then a profile's liked patents that are only in the delta block it from being offered
  them but do not yet shape its vectors.
- Small libraries are simply rebuilt on change (milliseconds), which keeps the demo and small
  deployments on the plainest path.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from matching import engine
from matching.models import MatchRun, RunKind
from matching.pool import matchable
from matching.profiles import patent_records
from patents.models import Patent
from refdata.loaders import DATA_DIR

logger = logging.getLogger(__name__)

IPC_TITLES = DATA_DIR / "ipc_subclasses.csv"
# A change is journalled before its transaction commits; read back this far to catch late commits.
JOURNAL_OVERLAP = timedelta(minutes=10)
KEEP_SNAPSHOTS = 2


@dataclass
class LiveLibrary:
    """A snapshot index (rows of departed or changed patents retired) plus a delta of patents
    that entered or changed since, with their vectors in `delta`."""

    index: engine.PatentIndex
    origin: str  # snapshot file stem, or "" when built here from the database
    synced_at: datetime
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    delta: engine.PatentBatch | None = None
    seen: set[tuple[int, datetime]] = field(default_factory=set)  # journal entries applied

    # the index's patent ids as numbers, for reconciling (kept with the index they belong to)
    _ids: tuple[engine.PatentIndex, np.ndarray] | None = None

    @property
    def size(self) -> int:
        return self.index.live_size + len(self.records)

    def listed_ids(self) -> np.ndarray:
        """Ids of the listed patents (platform ids are numbers)."""
        if self._ids is None or self._ids[0] is not self.index:
            ids = np.array([int(pid) for pid in self.index.ids], dtype=np.int64)
            self._ids = (self.index, ids)
        delta = np.array([int(pid) for pid in self.records], dtype=np.int64)
        return np.concatenate([self._ids[1][~self.index.retired], delta])

    def is_listed(self, patent_id: str) -> bool:
        return patent_id in self.records or (
            patent_id in self.index.row and not self.index.retired[self.index.row[patent_id]]
        )

    def apply(self, in_library: dict[str, dict[str, Any]], gone: set[str]) -> None:
        """Patents now in the library (`in_library`, id -> record) and now out of it (`gone`)."""
        changed = set(in_library) | gone
        if not changed:
            return
        self.index.retire(changed)
        for pid in gone:
            self.records.pop(pid, None)
        self.records.update(in_library)
        self.delta = self._vectorise_delta(changed) if self.records else None

    def _vectorise_delta(self, changed: set[str]) -> engine.PatentBatch:
        """The delta's vectors: the unchanged part of the old delta plus the changed records."""
        fresh = [r for pid, r in self.records.items() if pid in changed]
        old = self.delta
        kept = [] if old is None else [j for j, pid in enumerate(old.ids) if pid not in changed]
        parts = ([old.take(kept)] if old is not None and kept else []) + (
            [self.index.vectorise(fresh)] if fresh else []
        )
        batch = _concat(parts)
        rows = self.index.row
        batch.inherits = np.array([rows.get(pid, -1) for pid in batch.ids], dtype=np.int64)
        return batch


@dataclass
class _State:
    live: LiveLibrary | None = None


_lock = threading.Lock()
_state = _State()


def live_library() -> LiveLibrary:
    """This process's live library, caught up with the journal (and with the newest snapshot)."""
    with _lock:
        newest = _newest_snapshot()
        live = _state.live
        if live is None or (newest is not None and newest.stem > live.origin):
            live = _from_snapshot(newest) if newest is not None else _from_database()
        _catch_up(live)
        _state.live = live
        return live


def library_for_run(run_id: int) -> LiveLibrary:
    """The library a full re-match ranks against: one snapshot for all its shards (built by the
    first worker that needs it, loaded by the rest), with the changes since applied."""
    with _lock:
        stem = _run_stem(run_id)
        live = _state.live
        if live is None or live.origin < stem:
            live = _from_snapshot(_ensure_snapshot(run_id))
        _catch_up(live)
        _state.live = live
        return live


def forget() -> None:
    """Drop this process's cached library and profiles (tests; after a database restore)."""
    from matching import ranking

    with _lock:
        _state.live = None
    ranking.forget_profiles()


# --- snapshots -----------------------------------------------------------------------------


def _index_dir() -> Path:
    path = Path(settings.MATCHING_INDEX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run_stem(run_id: int) -> str:
    return f"run-{run_id:012d}"  # zero-padded: newer runs sort after older ones


def _newest_snapshot() -> Path | None:
    for path in sorted(_index_dir().glob("run-*.npz"), reverse=True):
        if _belongs_here(path):
            return path
    return None


def _belongs_here(path: Path) -> bool:
    """A snapshot names its run; it is ours only if this database has that run, started at the
    same moment (a restored or recreated database reuses run ids)."""
    try:
        meta = json.loads(path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return False
    started = MatchRun.objects.filter(pk=meta.get("run")).values_list("created_at", flat=True)
    return [s.isoformat() for s in started] == [meta.get("run_started")]


@contextmanager
def _build_lock() -> Iterator[None]:
    with open(_index_dir() / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_snapshot(run_id: int) -> Path:
    path = _index_dir() / f"{_run_stem(run_id)}.npz"
    with _build_lock():
        if not (path.exists() and _belongs_here(path)):
            read_at = timezone.now()
            index = _build_index()
            partial = path.with_suffix(".part")
            index.save(partial)
            started = MatchRun.objects.get(pk=run_id).created_at
            meta = {"run": run_id, "run_started": started.isoformat(), "read_at": read_at}
            path.with_suffix(".json").write_text(json.dumps(meta, default=str))
            os.replace(partial, path)  # atomic: readers see a whole file or none
            _prune_snapshots()
    return path


def _prune_snapshots() -> None:
    for old in sorted(_index_dir().glob("run-*.npz"))[:-KEEP_SNAPSHOTS]:
        old.unlink(missing_ok=True)
        old.with_suffix(".json").unlink(missing_ok=True)


def _from_snapshot(path: Path) -> LiveLibrary:
    meta = json.loads(path.with_suffix(".json").read_text())
    index = engine.PatentIndex.load(path)
    return LiveLibrary(index, path.stem, datetime.fromisoformat(meta["read_at"]))


def _from_database() -> LiveLibrary:
    read_at = timezone.now()
    return LiveLibrary(_build_index(), "", read_at)


def _build_index() -> engine.PatentIndex:
    records = patent_records(Patent.objects.filter(matchable()).order_by("pk"))
    workers = int(settings.MATCHING_BUILD_WORKERS)
    return engine.PatentIndex.build(records, ipc_titles_path=IPC_TITLES, workers=workers)


# --- following the journal -----------------------------------------------------------------


def _catch_up(live: LiveLibrary) -> None:
    """Apply the journal entries not seen yet; then, as a safety net for changes made outside
    the services that journal them (the admin, a restored database), compare the library's size
    and newest patent with the database's and reconcile the two by id if they differ."""
    now = timezone.now()
    window = list(
        MatchRun.objects.filter(
            kind=RunKind.PATENT, created_at__gte=live.synced_at - JOURNAL_OVERLAP
        ).values_list("pk", "created_at", "subject_id")
    )
    ids = {int(s) for pk, at, s in window if (pk, at) not in live.seen and s is not None}
    live.seen = {(pk, at) for pk, at, _ in window}  # older entries cannot come back
    live.synced_at = now
    stats = Patent.objects.filter(matchable()).aggregate(n=Count("pk"), top=Max("pk"))
    if not ids and _agrees(live, stats):
        return
    if live.index.size < int(settings.MATCHING_REBUILD_BELOW):
        # the rebuilt index supersedes the snapshot it started from (origin kept: not reloaded)
        live.index, live.records, live.delta = _build_index(), {}, None
        return
    if ids:
        current = {
            r["id"]: r for r in patent_records(Patent.objects.filter(matchable(), pk__in=ids))
        }
        live.apply(current, {str(i) for i in ids} - set(current))
    if not _agrees(live, stats):
        _reconcile(live)
    if len(live.records) > max(1000, live.index.size // 20):
        logger.warning(
            "matching: %d patents changed since the last snapshot; a full re-match refreshes it",
            len(live.records),
        )


def _agrees(live: LiveLibrary, stats: dict[str, Any]) -> bool:
    """Same number of patents and the same newest one as the database's library: a cheap
    check that misses only a silent swap of older patents."""
    if stats["n"] != live.size:
        return False
    listed = live.listed_ids()
    return int(stats["top"] or 0) == (int(listed.max()) if len(listed) else 0)


def _reconcile(live: LiveLibrary) -> None:
    """Make the listed patents exactly the database's library patents (by id)."""
    current = set(Patent.objects.filter(matchable()).values_list("pk", flat=True))
    listed = set(live.listed_ids().tolist())
    entered = patent_records(Patent.objects.filter(pk__in=current - listed))
    left = {str(pid) for pid in listed - current}
    live.apply({r["id"]: r for r in entered}, left)
    logger.info("matching: library reconciled with the database (%d left)", len(left))


# --- batches -------------------------------------------------------------------------------


def _concat(parts: list[engine.PatentBatch]) -> engine.PatentBatch:
    if len(parts) == 1:
        return parts[0]
    width = max(p.ipc.shape[1] for p in parts)
    ipc = [sp.csr_matrix((p.ipc.data, p.ipc.indices, p.ipc.indptr), (len(p), width)) for p in parts]
    return engine.PatentBatch(
        ids=[i for p in parts for i in p.ids],
        titles=[t for p in parts for t in p.titles],
        x=sp.vstack([p.x for p in parts]).tocsr(),
        cov=sp.vstack([p.cov for p in parts]).tocsr(),
        ipc=sp.vstack(ipc).tocsr(),
        hub=np.concatenate([p.hub for p in parts]),
        province=np.concatenate([p.province for p in parts]),
        deal=np.concatenate([p.deal for p in parts]),
    )
