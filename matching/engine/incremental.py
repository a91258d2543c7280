"""One subject at a time: a changed profile against the whole pool, a new patent against every
profile. Both return ready-to-store matches with structured reasons.

Budget (README): <= 2 s each at 1M patents x 100k profiles. A profile goes through the same
candidate search as a full re-match (one block of one profile); a patent is one sparse product
with every profile's prototype / need / cover rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import SearchConfig
from .index import PatentIndex
from .profiles import ProfileMatrix
from .rank import rank_enterprises_for, rank_patents_for
from .reasons import Explainer, Reason


@dataclass
class Match:
    """One entry of a ranked list: a patent (for a profile) or an enterprise (for a patent)."""

    id: str
    score: float
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "reasons": [r.as_dict() for r in self.reasons],
        }


def score_profile(
    record: Mapping[str, Any],
    index: PatentIndex,
    *,
    top: int = 100,
    industry_ipc: Mapping[str, Sequence[str]] | None = None,
    search: SearchConfig | None = None,
) -> list[Match]:
    """The best `top` patents for one (new or changed) profile, with reasons."""
    pm = ProfileMatrix.build([record], index, industry_ipc=industry_ipc)
    ranking = rank_patents_for(pm, index, top=top, search=search)
    pairs = ranking.row(0)
    rows = [r for r, _ in pairs]
    reasons = Explainer(pm, index).explain(0, index.batch(rows), list(range(len(rows))))
    return [Match(index.ids[r], float(v), rs) for (r, v), rs in zip(pairs, reasons, strict=True)]


def score_patent(
    record: Mapping[str, Any],
    profiles: ProfileMatrix,
    index: PatentIndex,
    *,
    top: int = 20,
) -> list[Match]:
    """The best `top` enterprises for one patent, with reasons. The patent need not be in the
    index (a patent entering the library is placed before the index is rebuilt); if it is, its
    index row is used so the hard rules (liked / excluded) apply by row as well."""
    pid = str(record["id"])
    batch = index.batch([index.row[pid]]) if pid in index.row else index.vectorise([record])
    ranking = rank_enterprises_for(batch, profiles, index, top=top)
    pairs = ranking.row(0)
    explainer = Explainer(profiles, index)
    out: list[Match] = []
    for prof, value in pairs:
        reasons = explainer.explain(prof, batch, [0])[0]
        out.append(Match(profiles.ids[prof], float(value), reasons))
    return out
