"""The platform's side of the engine: build the library index from the database, rank, explain.

The engine (matching/engine) is a plain library; this module feeds it database rows and turns its
rankings into {enterprise id: [(patent id, score, reasons)]}.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from matching import engine
from matching.profiles import patent_records
from patents.models import IN_LIBRARY, Patent
from refdata.loaders import DATA_DIR

IPC_TITLES = DATA_DIR / "ipc_subclasses.csv"
Ranked = dict[int, list[tuple[str, float, list[dict[str, Any]]]]]


@dataclass
class LibraryIndex:
    key: Hashable
    index: engine.PatentIndex

    @property
    def size(self) -> int:
        return self.index.size


_lock = threading.Lock()
_cached: LibraryIndex | None = None


def _library_version() -> tuple[int, Any]:
    """Changes whenever a patent enters, leaves or changes in the library."""
    stats = Patent.objects.filter(IN_LIBRARY).aggregate(n=Count("pk"), latest=Max("updated_at"))
    return stats["n"], stats["latest"]


def library_index(*, run_id: int | None) -> LibraryIndex:
    """The vectorised library. A full run uses one snapshot for all its shards (keyed by run);
    incremental work uses the current library. Cached per worker process."""
    global _cached
    key: Hashable = ("run", run_id) if run_id is not None else ("live", *_library_version())
    with _lock:
        if _cached is None or _cached.key != key:
            records = list(patent_records(Patent.objects.filter(IN_LIBRARY).order_by("pk")))
            _cached = LibraryIndex(
                key, engine.PatentIndex.build(records, ipc_titles_path=IPC_TITLES)
            )
        return _cached


def forget_library_index() -> None:
    global _cached
    with _lock:
        _cached = None


def rank_patents_for(library: LibraryIndex, profiles: list[dict[str, Any]], *, top: int) -> Ranked:
    """Each profile's best `top` library patents with structured reasons."""
    if not profiles:
        return {}
    index = library.index
    if index.size == 0:
        return {int(p["id"]): [] for p in profiles}
    matrix = engine.ProfileMatrix.build(profiles, index)
    ranking = engine.rank_patents_for(matrix, index, top=top)
    explainer = engine.Explainer(matrix, index)
    ranked: Ranked = {}
    for row, profile in enumerate(profiles):
        pairs = ranking.row(row)
        rows = [r for r, _ in pairs]
        reasons = explainer.explain(row, index.batch(rows), list(range(len(rows)))) if rows else []
        ranked[int(profile["id"])] = [
            (index.ids[r], float(score), [reason.as_dict() for reason in why])
            for (r, score), why in zip(pairs, reasons, strict=True)
        ]
    return ranked


def rank_enterprises_for(
    patent: dict[str, Any], profiles: list[dict[str, Any]], *, top: int
) -> list[tuple[int, float, list[dict[str, Any]]]]:
    """The best `top` enterprises for one patent, with structured reasons."""
    if not profiles:
        return []
    library = library_index(run_id=None)
    matrix = engine.ProfileMatrix.build(profiles, library.index)
    matches = engine.score_patent(patent, matrix, library.index, top=top)
    return [(int(m.id), m.score, [r.as_dict() for r in m.reasons]) for m in matches]
