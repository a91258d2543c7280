"""File in, file out: the engine on JSONL inputs, writing the benchmark's two output files.

    match_files("patents.jsonl", "enterprises.jsonl", top=100, out_dir="out/")

writes
  out/enterprise_to_patents.jsonl  {"enterprise", "patents": [{"id", "score", "reasons"}]}
  out/patent_to_enterprises.jsonl  {"patent", "enterprises": [{"id", "score", "reasons"}]}
(best first, at most `top` each, one line per enterprise and one line per patent of the pool,
never a liked or excluded patent) and returns timings and counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import ScoringConfig, SearchConfig
from .index import PatentIndex
from .profiles import ProfileMatrix
from .rank import Ranking, rank_candidates_or_exact
from .reasons import Explainer, render_reasons

E2P_FILE = "enterprise_to_patents.jsonl"
P2E_FILE = "patent_to_enterprises.jsonl"


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def match_files(
    patents_path: str | Path,
    enterprises_path: str | Path,
    top: int,
    out_dir: str | Path,
    ipc_titles_path: str | Path | None = None,
    industry_ipc: Mapping[str, Sequence[str]] | None = None,
    *,
    scoring: ScoringConfig | None = None,
    search: SearchConfig | None = None,
) -> dict[str, float]:
    """Run the engine on files. `ipc_titles_path`: the IPC reference CSV (jieba domain
    dictionary; optional). `industry_ipc`: GB/T 4754 code -> IPC prefixes (optional).
    Returns {"patents", "enterprises", "seconds_index", "seconds_profiles", "seconds_rank",
    "seconds_write", "seconds_total"}."""
    t0 = time.perf_counter()
    index = PatentIndex.build(
        read_jsonl(patents_path), ipc_titles_path=ipc_titles_path, scoring=scoring
    )
    t1 = time.perf_counter()
    records = list(read_jsonl(enterprises_path))
    profiles = ProfileMatrix.build(records, index, industry_ipc=industry_ipc, scoring=scoring)
    t2 = time.perf_counter()
    e2p, p2e = rank_candidates_or_exact(profiles, index, top=top, top_p2e=top, search=search)
    t3 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    explainer = Explainer(profiles, index)
    _write_e2p(out / E2P_FILE, e2p, profiles, index, explainer)
    _write_p2e(out / P2E_FILE, p2e, profiles, index, explainer)
    t4 = time.perf_counter()
    return {
        "patents": float(index.size),
        "enterprises": float(len(profiles)),
        "seconds_index": t1 - t0,
        "seconds_profiles": t2 - t1,
        "seconds_rank": t3 - t2,
        "seconds_write": t4 - t3,
        "seconds_total": t4 - t0,
    }


def _score(value: float) -> float:
    return round(float(value), 4)


def _write_e2p(
    path: Path, ranking: Ranking, pm: ProfileMatrix, index: PatentIndex, ex: Explainer
) -> None:
    whole = index.batch()
    with open(path, "w", encoding="utf-8") as handle:
        for i, pid in enumerate(pm.ids):
            pairs = ranking.row(i)
            reasons = ex.explain(i, whole, [r for r, _ in pairs])
            items = [
                {"id": index.ids[r], "score": _score(v), "reasons": render_reasons(rs)}
                for (r, v), rs in zip(pairs, reasons, strict=True)
            ]
            handle.write(json.dumps({"enterprise": pid, "patents": items}, ensure_ascii=False))
            handle.write("\n")


def _write_p2e(
    path: Path, ranking: Ranking | None, pm: ProfileMatrix, index: PatentIndex, ex: Explainer
) -> None:
    whole = index.batch()
    # Reasons per profile in one call (one small sparse product per profile, not per pair).
    by_profile: dict[int, list[int]] = {}
    if ranking is not None:
        for row in range(index.size):
            for prof, _ in ranking.row(row):
                by_profile.setdefault(prof, []).append(row)
    reasons: dict[tuple[int, int], list[str]] = {}
    for prof, rows in by_profile.items():
        for row, rs in zip(rows, ex.explain(prof, whole, rows), strict=True):
            reasons[(prof, row)] = render_reasons(rs, audience="patent")
    with open(path, "w", encoding="utf-8") as handle:
        for row, patent_id in enumerate(index.ids):
            items = []
            if ranking is not None:
                items = [
                    {"id": pm.ids[prof], "score": _score(v), "reasons": reasons[(prof, row)]}
                    for prof, v in ranking.row(row)
                ]
            line = {"patent": patent_id, "enterprises": items}
            handle.write(json.dumps(line, ensure_ascii=False))
            handle.write("\n")
