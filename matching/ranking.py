"""The platform's side of the engine: rank the live library for profiles, place one patent among
every profile, explain.

The engine (matching/engine) is a plain library; this module feeds it the library (matching.library)
and profile records, and turns its rankings into {enterprise id: [(patent id, score, reasons)]}.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from matching import engine
from matching.library import JOURNAL_OVERLAP, LiveLibrary
from matching.models import MatchRun, RunKind

Ranked = dict[int, list[tuple[str, float, list[dict[str, Any]]]]]


def rank_patents_for(library: LiveLibrary, profiles: list[dict[str, Any]], *, top: int) -> Ranked:
    """Each profile's best `top` library patents with structured reasons: the index's ranking
    (retired rows never appear) merged with the exactly scored delta."""
    if not profiles:
        return {}
    index = library.index
    if library.size == 0:
        return {int(p["id"]): [] for p in profiles}
    matrix = engine.ProfileMatrix.build(profiles, index)
    main = engine.rank_patents_for(matrix, index, top=top) if index.live_size else None
    delta = library.delta
    extra = (
        engine.rank_exact(matrix, index, top=min(top, len(delta)), batch=delta)[0]
        if delta
        else None
    )
    explainer = engine.Explainer(matrix, index)
    ranked: Ranked = {}
    for row, profile in enumerate(profiles):
        from_index = main.row(row) if main is not None else []
        from_delta = extra.row(row) if extra is not None else []
        best = sorted(
            [(score, False, j) for j, (_, score) in enumerate(from_index)]
            + [(score, True, col) for col, score in from_delta],
            key=lambda c: -c[0],
        )[:top]
        picked = index.batch([from_index[j][0] for _, in_delta, j in best if not in_delta])
        why = iter(explainer.explain(row, picked, range(len(picked))))
        why_delta = iter(
            explainer.explain(row, delta, [c for _, in_delta, c in best if in_delta])
            if delta is not None
            else []
        )
        out = []
        for score, in_delta, j in best:
            pid = delta.ids[j] if in_delta and delta is not None else index.ids[from_index[j][0]]
            reasons = next(why_delta) if in_delta else next(why)
            out.append((pid, float(score), [r.as_dict() for r in reasons]))
        ranked[int(profile["id"])] = out
    return ranked


def taker_scores(
    library: LiveLibrary, profile: dict[str, Any], patent_ids: Iterable[str]
) -> dict[str, float]:
    """One profile's place among each given listed patent's takers (the p2e scale of
    `rank_enterprises_for`); patents it holds or excluded, or that are not listed, are left out.
    A pair's p2e score depends on that profile and patent alone, so it is the same here as in a
    ranking of every enterprise."""
    wanted = set(patent_ids)
    index, delta = library.index, library.delta
    rows = [
        index.row[pid]
        for pid in wanted
        if pid not in library.records and pid in index.row and not index.retired[index.row[pid]]
    ]
    batches = [index.batch(np.array(sorted(rows), dtype=np.int64))] if rows else []
    if delta is not None:
        cols = [j for j, pid in enumerate(delta.ids) if pid in wanted]
        batches += [delta.take(cols)] if cols else []
    if not batches:
        return {}
    matrix = engine.ProfileMatrix.build([profile], index)
    scores: dict[str, float] = {}
    for batch in batches:
        p2e = engine.pair_scores(batch, matrix, index)[1][0]
        pairs = zip(batch.ids, p2e.tolist(), strict=True)
        scores.update((pid, score) for pid, score in pairs if np.isfinite(score))
    return scores


# --- placing one patent among every profile --------------------------------------------------


@dataclass
class _Scored:
    """One set of profile vectors with the placed patent's vectors and an explainer."""

    matrix: engine.ProfileMatrix
    batch: engine.PatentBatch
    explainer: engine.Explainer


@dataclass
class Placement:
    """One patent's two scores for every active enterprise: `e2p` (its place in that
    enterprise's list) and `p2e` (that enterprise's place among the patent's takers)."""

    enterprise_ids: np.ndarray  # int64
    e2p: np.ndarray
    p2e: np.ndarray
    _parts: list[_Scored]  # freshest first: a re-vectorised profile wins over its cached row

    def best_takers(
        self, allowed: Callable[[list[int]], set[int]], top: int
    ) -> list[tuple[int, float]]:
        """The `top` enterprises with the highest p2e score that `allowed(ids)` lets through,
        best first (ties by enterprise id); never one that holds or excluded the patent. The best
        few hundred are asked about first, then four times as many, and so on: the whole
        population is read only when almost nobody may be listed."""
        scored = np.flatnonzero(np.isfinite(self.p2e))
        order = scored[np.lexsort((self.enterprise_ids[scored], -self.p2e[scored]))]
        best: list[tuple[int, float]] = []
        start, width = 0, max(10 * top, 500)
        while len(best) < top and start < len(order):
            chunk = order[start : start + width]
            ok = allowed(self.enterprise_ids[chunk].tolist())
            best += [
                (int(self.enterprise_ids[i]), float(self.p2e[i]))
                for i in chunk
                if int(self.enterprise_ids[i]) in ok
            ]
            start, width = start + width, width * 4
        return best[:top]

    def reasons(self, enterprise_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """The placed patent's reasons for each of these enterprises, ready to store."""
        wanted = [str(eid) for eid in enterprise_ids]
        out: dict[int, list[dict[str, Any]]] = {}
        for part in self._parts:  # freshest first
            keys = [key for key in wanted if key in part.matrix.row and int(key) not in out]
            rows = [part.matrix.row[key] for key in keys]
            for key, why in zip(
                keys, part.explainer.explain_patent(rows, part.batch, 0), strict=True
            ):
                out[int(key)] = [r.as_dict() for r in why]
        return out


@dataclass
class _CachedProfiles:
    matrix: engine.ProfileMatrix
    ids: np.ndarray  # the enterprise id of each matrix row
    index: engine.PatentIndex  # the index it was built against
    index_rows: int  # rows that index had then (later rows' liked relations are in blocked_ids)
    built_at: datetime
    # Kept with the vectors: what it learns of a profile (its need's words, their buckets and
    # idf) serves every later placement, not just one.
    explainer: engine.Explainer

    @classmethod
    def build(cls, library: LiveLibrary, records: list[dict[str, Any]]) -> _CachedProfiles:
        built_at = timezone.now()
        matrix = engine.ProfileMatrix.build(records, library.index)
        ids = np.array([int(i) for i in matrix.ids], dtype=np.int64)
        explainer = engine.Explainer(matrix, library.index)
        return cls(matrix, ids, library.index, library.index.size, built_at, explainer)


_profiles_lock = threading.Lock()
_profiles: list[_CachedProfiles] = []


def place_patent(
    library: LiveLibrary,
    record: dict[str, Any],
    enterprise_ids: list[int],
    load_profiles: Callable[[list[int]], list[dict[str, Any]]],
    changed_since: Callable[[datetime], set[int]] | None = None,
) -> Placement:
    """Score one library patent for every enterprise in `enterprise_ids`.

    All profiles are vectorised once per worker and kept (a minute or two at 100,000
    profiles); the profiles changed since (journalled as PROFILE runs, or new) are vectorised
    afresh for each placement, so the result is what a full rebuild would give.
    `load_profiles(ids)` returns profile records (matching.profiles.enterprise_profiles);
    `changed_since(when)` the enterprises whose profiles changed since (default: the journal
    of PROFILE runs)."""
    wanted = np.asarray(enterprise_ids, dtype=np.int64)
    cached = _cached_profiles(library, enterprise_ids, load_profiles)
    changed = np.fromiter((changed_since or _changed_since)(cached.built_at), dtype=np.int64)
    # Usually every wanted enterprise is cached and few changed: no sorting of 100,000 ids then.
    same = np.array_equal(wanted, cached.ids)
    new = np.zeros(0, np.int64) if same else np.setdiff1d(wanted, cached.ids, assume_unique=True)
    dirty = np.union1d(changed[np.isin(changed, wanted)], new)
    keep = np.ones(len(cached.ids), bool) if same else np.isin(cached.ids, wanted)
    keep &= ~np.isin(cached.ids, dirty)
    parts = [(cached, keep)]
    if dirty.size:
        fresh = _CachedProfiles.build(library, load_profiles(dirty.tolist()))
        parts.append((fresh, np.ones(len(fresh.ids), dtype=bool)))
    ids: list[np.ndarray] = []
    e2p: list[np.ndarray] = []
    p2e: list[np.ndarray] = []
    scored: list[_Scored] = []
    for part, keep in parts:
        batch = _patent_batch(library, part, record)
        e, p = engine.pair_scores(batch, part.matrix, library.index)
        ids.append(part.ids[keep])
        e2p.append(e[keep, 0])
        p2e.append(p[keep, 0])
        scored.insert(0, _Scored(part.matrix, batch, part.explainer))
    return Placement(np.concatenate(ids), np.concatenate(e2p), np.concatenate(p2e), scored)


def _patent_batch(
    library: LiveLibrary, part: _CachedProfiles, record: dict[str, Any]
) -> engine.PatentBatch:
    """The patent's current vectors; liked / excluded relations come from its index row if the
    profiles were built when the index had it, else from the profiles' blocked ids."""
    batch = library.index.vectorise([record])
    row = library.index.row.get(str(record["id"]), -1)
    batch.inherits = np.array([row if 0 <= row < part.index_rows else -1], dtype=np.int64)
    return batch


def _cached_profiles(
    library: LiveLibrary,
    enterprise_ids: list[int],
    load_profiles: Callable[[list[int]], list[dict[str, Any]]],
) -> _CachedProfiles:
    max_age = timedelta(seconds=int(settings.MATCHING_PROFILES_MAX_AGE))
    with _profiles_lock:
        cached = _profiles[0] if _profiles else None
        if (
            cached is None
            or cached.index is not library.index
            or timezone.now() - cached.built_at > max_age
        ):
            cached = _CachedProfiles.build(library, load_profiles(enterprise_ids))
            _profiles[:] = [cached]
        return cached


def _changed_since(when: datetime) -> set[int]:
    return {
        int(subject)
        for subject in MatchRun.objects.filter(
            kind=RunKind.PROFILE, created_at__gte=when - JOURNAL_OVERLAP
        ).values_list("subject_id", flat=True)
        if subject is not None
    }


def forget_profiles() -> None:
    with _profiles_lock:
        _profiles.clear()
