"""The platform's side of the engine: rank the live library for profiles, place one patent among
every profile, explain.

The engine (matching/engine) is a plain library; this module feeds it the library (matching.library)
and profile records, and turns its rankings into {enterprise id: [(patent id, score, reasons)]}.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from matching import engine
from matching.library import LiveLibrary
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


# --- placing one patent among every profile --------------------------------------------------


@dataclass
class Placement:
    """One patent's two scores for every active enterprise: `e2p` (its place in that
    enterprise's list) and `p2e` (that enterprise's place among the patent's takers)."""

    enterprise_ids: list[int]
    e2p: np.ndarray
    p2e: np.ndarray
    _explain: dict[int, tuple[engine.Explainer, engine.PatentBatch, int]]

    def reasons(self, enterprise_id: int) -> list[dict[str, Any]]:
        explainer, batch, row = self._explain[enterprise_id]
        return [r.as_dict() for r in explainer.explain(row, batch, [0])[0]]


@dataclass
class _CachedProfiles:
    matrix: engine.ProfileMatrix
    index: engine.PatentIndex  # the index it was built against
    index_rows: int  # rows that index had then (later rows' liked relations are in blocked_ids)
    built_at: datetime


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

    All profiles are vectorised once per worker and kept (a minute at 100,000 profiles); the
    profiles changed since (journalled as PROFILE runs, or new) are vectorised afresh for each
    placement, so the result is what a full rebuild would give. `load_profiles(ids)` returns
    profile records (matching.profiles.enterprise_profiles); `changed_since(when)` the
    enterprises whose profiles changed since (default: the journal of PROFILE runs)."""
    wanted = set(enterprise_ids)
    cached = _cached_profiles(library, enterprise_ids, load_profiles)
    dirty = (changed_since or _changed_since)(cached.built_at) | (
        wanted - {int(i) for i in cached.matrix.ids}
    )
    dirty &= wanted
    parts = [(cached, {int(i) for i in cached.matrix.ids} & wanted - dirty)]
    if dirty:
        fresh_matrix = engine.ProfileMatrix.build(load_profiles(sorted(dirty)), library.index)
        fresh = _CachedProfiles(fresh_matrix, library.index, library.index.size, timezone.now())
        parts.append((fresh, dirty))
    ids: list[int] = []
    e2p: list[np.ndarray] = []
    p2e: list[np.ndarray] = []
    explain: dict[int, tuple[engine.Explainer, engine.PatentBatch, int]] = {}
    for part, keep in parts:
        batch = _patent_batch(library, part, record)
        e, p = engine.pair_scores(batch, part.matrix, library.index)
        explainer = engine.Explainer(part.matrix, library.index)
        for row, pid in enumerate(part.matrix.ids):
            if int(pid) in keep:
                ids.append(int(pid))
                e2p.append(e[row, 0])
                p2e.append(p[row, 0])
                explain[int(pid)] = (explainer, batch, row)
    return Placement(ids, np.asarray(e2p, np.float32), np.asarray(p2e, np.float32), explain)


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
        stale = cached is None or cached.index is not library.index
        if stale or timezone.now() - cached.built_at > max_age:  # type: ignore[union-attr]
            built_at = timezone.now()
            matrix = engine.ProfileMatrix.build(load_profiles(enterprise_ids), library.index)
            cached = _CachedProfiles(matrix, library.index, library.index.size, built_at)
            _profiles[:] = [cached]
        assert cached is not None
        return cached


def _changed_since(when: datetime) -> set[int]:
    return {
        int(subject)
        for subject in MatchRun.objects.filter(
            kind=RunKind.PROFILE, created_at__gte=when - timedelta(minutes=10)
        ).values_list("subject_id", flat=True)
        if subject is not None
    }


def forget_profiles() -> None:
    with _profiles_lock:
        _profiles.clear()
