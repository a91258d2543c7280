"""Scoring profiles against patents, in both directions, in blocks.

Two ways to find a profile's top patents:

* exact (pools up to `SearchConfig.exact_limit` patents): every pair is scored with sparse
  products done per block of profiles, block x pool dense scores, `np.argpartition` top-k.
* candidates (larger pools): an inverted index over the rarer features (document frequency under
  `retrieval_df`) returns the best few hundred patents per prototype row and per need/centroid
  row, plus the least generic patents of the profile's main IPC subclasses; only those are
  scored exactly. See `candidates.py`.

The patent -> enterprise direction scores one batch of patents against every profile exactly
(incremental use: a new patent against 100k profiles is one sparse product per block).

Hard rules live here, not in callers: a profile's liked and excluded patents are never returned,
and a patent is never offered to a profile that liked or excluded it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .config import ScoringConfig, SearchConfig
from .index import PatentBatch, PatentIndex
from .profiles import ProfileMatrix

NEG_INF = np.float32(-np.inf)


@dataclass
class Ranking:
    """Top-k lists as arrays: `items[q, j]` is the j-th best item of query q (-1 = none).

    For rank_patents_for the queries are profiles and the items index rows; for
    rank_enterprises_for the queries are the given patents and the items profile rows.
    """

    items: np.ndarray  # int64 (queries x top)
    scores: np.ndarray  # float32 (queries x top)

    def row(self, q: int) -> list[tuple[int, float]]:
        keep = self.items[q] >= 0
        return list(zip(self.items[q][keep].tolist(), self.scores[q][keep].tolist(), strict=True))


@dataclass
class Components:
    """Dense per-pair parts of the scores for a block of profiles x a batch of patents."""

    max_proto: np.ndarray
    centroid: np.ndarray
    need: np.ndarray
    ipc: np.ndarray
    ipc_any: np.ndarray
    cover: np.ndarray
    negative: np.ndarray
    same_province: np.ndarray
    deal_ok: np.ndarray
    hub: np.ndarray  # (patents,)
    blocked: np.ndarray  # bool


def e2p_scores(c: Components, s: ScoringConfig) -> np.ndarray:
    """enterprise -> patent score (see ScoringConfig for the formula)."""
    out = c.max_proto + s.w_centroid * c.centroid + s.w_need * c.need + s.w_ipc * c.ipc
    out -= s.w_hub * c.hub[None, :]
    out += s.w_province * c.same_province + s.w_deal * c.deal_ok
    out -= s.w_disliked * c.negative
    out[c.blocked] = NEG_INF
    return out.astype(np.float32, copy=False)


def p2e_scores(c: Components, s: ScoringConfig) -> np.ndarray:
    """patent -> enterprise score: comparable across profiles (coverage, best liked match,
    shared subclass), no per-patent terms since the patent is fixed."""
    out = (
        s.p2e_w_cover * c.cover
        + s.p2e_w_max * c.max_proto
        + s.p2e_w_ipc_any * c.ipc_any
        + s.p2e_w_need * c.need
    )
    out += s.w_province * c.same_province + s.w_deal * c.deal_ok
    out -= s.w_disliked * c.negative
    out[c.blocked] = NEG_INF
    return out.astype(np.float32, copy=False)


# A batch this small is scattered into dense columns: (profile rows) @ dense is one pass over the
# profile matrix with no sparse output to build, ~20x faster than a sparse product for 1 patent.
DENSE_BATCH = 8


def _dense_columns(m: sp.csr_matrix) -> np.ndarray:
    """(dim x rows) dense float32 holding the rows of `m` as columns (small batches only)."""
    out = np.zeros((m.shape[1], m.shape[0]), dtype=np.float32)
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    out[m.indices, rows] = m.data
    return out


class BatchT:
    """Transposed matrices of a patent batch, built once and shared by every profile block."""

    def __init__(self, batch: PatentBatch, index: PatentIndex) -> None:
        self.batch = batch
        whole = batch.rows is not None and len(batch.rows) == index.size
        self.xt: sp.csr_matrix | np.ndarray
        self.covt: sp.csr_matrix | np.ndarray
        if len(batch) <= DENSE_BATCH and not whole:
            self.xt = _dense_columns(batch.x)
            self.covt = _dense_columns(batch.cov)
        else:
            self.xt = index.cached("xt") if whole else batch.x.T.tocsr()
            self.covt = index.cached("covt") if whole else batch.cov.T.tocsr()
        ipc = batch.ipc
        if ipc.shape[1] != len(index.ipc_vocab):
            ipc = ipc.copy()
            ipc.resize((ipc.shape[0], len(index.ipc_vocab)))
        self.ipct: sp.csr_matrix = ipc.T.tocsr()
        self.n_codes = len(index.ipc_vocab)
        self.n_index = index.size
        self.retired = index.retired[batch.rows] if batch.rows is not None else None


def _group_max(dense: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Row-group maxima: group g is rows ptr[g]-ptr[0] .. ptr[g+1]-ptr[0]; empty groups -> 0."""
    n_groups = len(ptr) - 1
    out = np.zeros((n_groups, dense.shape[1]), dtype=np.float32)
    sizes = np.diff(ptr)
    nonempty = np.nonzero(sizes > 0)[0]
    if len(nonempty):
        starts = (ptr[:-1] - ptr[0])[nonempty]
        out[nonempty] = np.maximum.reduceat(dense, starts, axis=0)
    return out


def _dense(m: sp.spmatrix | np.ndarray) -> np.ndarray:
    if isinstance(m, np.ndarray):
        return m.astype(np.float32, copy=False)
    return np.asarray(m.toarray(), dtype=np.float32)


def _rows(m: sp.csr_matrix, a: int, b: int) -> sp.csr_matrix:
    """Rows a..b; the matrix itself when that is all of it (scipy's slice copies, which for
    one patent against 100k profiles was a quarter of the time)."""
    return m if a == 0 and b == m.shape[0] else m[a:b]


def components(pm: ProfileMatrix, b0: int, b1: int, bt: BatchT) -> Components:
    """All score parts for profiles b0..b1 against the batch."""
    batch = bt.batch
    r0, r1 = pm.proto_ptr[b0], pm.proto_ptr[b1]
    max_proto = _group_max(_dense(_rows(pm.proto, r0, r1) @ bt.xt), pm.proto_ptr[b0 : b1 + 1])
    n0, n1 = pm.neg_ptr[b0], pm.neg_ptr[b1]
    if n1 > n0:
        negative = _group_max(_dense(_rows(pm.neg, n0, n1) @ bt.xt), pm.neg_ptr[b0 : b1 + 1])
    else:
        negative = np.zeros_like(max_proto)
    centroid = _dense(_rows(pm.centroid, b0, b1) @ bt.xt)
    need = _dense(_rows(pm.need, b0, b1) @ bt.xt)
    cover = _dense(_rows(pm.cover, b0, b1) @ bt.covt)
    ipc_rows = pm.padded(_rows(pm.ipc, b0, b1), bt.n_codes)
    ipc = _dense(ipc_rows @ bt.ipct)
    any_rows = pm.padded(_rows(pm.ipc_any_sub, b0, b1), bt.n_codes)
    ipc_any = (_dense(any_rows @ bt.ipct) > 0).astype(np.float32)
    prov = pm.province[b0:b1]
    same_province = (prov[:, None] == batch.province[None, :]) & (prov[:, None] >= 0)
    deal_ok = (pm.deal[b0:b1][:, None] & batch.deal[None, :]) != 0
    if batch.rows is not None:
        blocked_rows = pm.padded(_rows(pm.blocked, b0, b1), bt.n_index)
        if len(batch.rows) == bt.n_index:
            blocked = blocked_rows.toarray() > 0
        else:
            blocked = blocked_rows[:, batch.rows].toarray() > 0
    else:
        blocked = np.zeros(max_proto.shape, dtype=bool)
        if batch.inherits is not None and (batch.inherits >= 0).any():
            cols = np.flatnonzero(batch.inherits >= 0)
            rows = pm.padded(_rows(pm.blocked, b0, b1), bt.n_index)
            blocked[:, cols] = rows[:, batch.inherits[cols]].toarray() > 0
        for j, pid in enumerate(batch.ids):
            for prof in pm.blocked_ids.get(pid, ()):
                if b0 <= prof < b1:
                    blocked[prof - b0, j] = True
    if bt.retired is not None and bt.retired.any():
        blocked |= bt.retired[None, :]
    return Components(
        max_proto=max_proto,
        centroid=centroid,
        need=need,
        ipc=ipc,
        ipc_any=ipc_any,
        cover=cover,
        negative=negative,
        same_province=same_province.astype(np.float32),
        deal_ok=deal_ok.astype(np.float32),
        hub=batch.hub.astype(np.float32),
        blocked=blocked,
    )


def top_k_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best k columns of every row, best first; ties by lower column (deterministic).
    -inf entries are never returned (item -1)."""
    n, m = scores.shape
    k_eff = min(k, m)
    items = np.full((n, k), -1, dtype=np.int64)
    vals = np.full((n, k), NEG_INF, dtype=np.float32)
    if k_eff == 0 or n == 0:
        return items, vals
    if k_eff < m:
        part = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
    else:
        part = np.tile(np.arange(m), (n, 1))
    part_vals = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_vals), axis=1)
    top = np.take_along_axis(part, order, axis=1)
    top_vals = np.take_along_axis(part_vals, order, axis=1)
    # argpartition picks an arbitrary member of a tie at the cut; re-check the boundary value
    # so equal scores resolve by column order and the result never depends on the block split.
    if k_eff < m:
        _fix_boundary_ties(scores, top, top_vals)
    finite = np.isfinite(top_vals)
    items[:, :k_eff] = np.where(finite, top, -1)
    vals[:, :k_eff] = np.where(finite, top_vals, NEG_INF)
    return items, vals


def _fix_boundary_ties(scores: np.ndarray, top: np.ndarray, top_vals: np.ndarray) -> None:
    k = top.shape[1]
    cut = top_vals[:, -1]
    inside = (top_vals == cut[:, None]).sum(axis=1)
    total = (scores == cut[:, None]).sum(axis=1)
    for r in np.nonzero((total > inside) & np.isfinite(cut))[0]:
        ties = np.nonzero(scores[r] == cut[r])[0]
        first = k - int(inside[r])
        top[r, first:] = ties[: k - first]
        top_vals[r, first:] = cut[r]


def _merge_columns(
    best_items: np.ndarray, best_vals: np.ndarray, items: np.ndarray, vals: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the k best (value, lower item id first) per column of two candidate stacks."""
    all_items = np.vstack([best_items, items])
    all_vals = np.vstack([best_vals, vals])
    order = np.lexsort(
        (np.where(all_items < 0, np.iinfo(np.int64).max, all_items), -all_vals), axis=0
    )
    order = order[:k]
    return (
        np.take_along_axis(all_items, order, axis=0),
        np.take_along_axis(all_vals, order, axis=0),
    )


def _profile_blocks(
    pm: ProfileMatrix, n_patents: int, budget: int = 16_000_000
) -> Iterator[tuple[int, int]]:
    """Contiguous profile ranges whose dense block (plus prototype rows) stays within `budget`
    values: ~64 MB per score part, well under 1 GB for all parts of a block."""
    n = len(pm)
    rows_through = np.cumsum(1 + np.diff(pm.proto_ptr))  # block rows of profiles 0..i
    limit = budget // max(n_patents, 1)
    start = 0
    while start < n:
        before = int(rows_through[start - 1]) if start else 0
        # the longest run from `start` within the budget, and never less than one profile
        stop = max(start + 1, int(np.searchsorted(rows_through, before + limit, side="right")))
        yield start, stop
        start = stop


def rank_exact(
    pm: ProfileMatrix,
    index: PatentIndex,
    *,
    top: int = 100,
    top_p2e: int = 0,
    batch: PatentBatch | None = None,
) -> tuple[Ranking, Ranking | None]:
    """Score every (profile, patent) pair. Returns the enterprise -> patents ranking (items are
    patent batch columns, = index rows for the whole index) and, when `top_p2e`, the patent ->
    enterprises ranking (items are profile rows) from the same pass."""
    batch = batch or index.batch()
    bt = BatchT(batch, index)
    s = pm.scoring
    n_pat = len(batch)
    e_items = np.full((len(pm), top), -1, np.int64)
    e_vals = np.full((len(pm), top), NEG_INF, np.float32)
    p_items = np.full((top_p2e, n_pat), -1, np.int64)
    p_vals = np.full((top_p2e, n_pat), NEG_INF, np.float32)
    for b0, b1 in _profile_blocks(pm, n_pat):
        c = components(pm, b0, b1, bt)
        if top:
            e_items[b0:b1], e_vals[b0:b1] = top_k_rows(e2p_scores(c, s), top)
        if top_p2e:
            vals = p2e_scores(c, s)
            items = np.broadcast_to(np.arange(b0, b1)[:, None], vals.shape)
            items = np.where(np.isfinite(vals), items, -1)
            if b1 - b0 > top_p2e:
                # keep only each column's best top_p2e of this block before the merge
                blk_items, blk_vals = top_k_rows(vals.T.copy(), top_p2e)
                blk_items = np.where(blk_items >= 0, blk_items + b0, -1)
                items, vals = blk_items.T, blk_vals.T
            p_items, p_vals = _merge_columns(p_items, p_vals, items, vals, top_p2e)
    e2p = Ranking(e_items, e_vals)
    p2e = Ranking(p_items.T.copy(), p_vals.T.copy()) if top_p2e else None
    return e2p, p2e


def rank_patents_for(
    profiles: ProfileMatrix,
    index: PatentIndex,
    top: int = 100,
    *,
    search: SearchConfig | None = None,
    workers: int = 1,
) -> Ranking:
    """Each profile's best `top` patents (items = index rows), never its liked / excluded ones.

    Exact below `search.exact_limit` patents; above, inverted-index candidates scored in
    blocks (`candidates.py`), in `workers` forked processes."""
    search = search or SearchConfig()
    if index.size <= search.exact_limit:
        return rank_exact(profiles, index, top=top)[0]
    from .candidates import rank_candidates

    return rank_candidates(profiles, index, top=top, search=search, workers=workers)


def rank_enterprises_for(
    patents: PatentBatch | Sequence[int] | np.ndarray,
    profiles: ProfileMatrix,
    index: PatentIndex,
    top: int = 20,
) -> Ranking:
    """Each given patent's best `top` profiles (items = profile rows), exact over all profiles.

    `patents` are index rows, or a batch from `index.vectorise(records)` for patents not in the
    index (e.g. a new patent before it is added). Profiles that liked or excluded a patent are
    never listed for it."""
    batch = patents if isinstance(patents, PatentBatch) else index.batch(np.asarray(patents))
    return rank_exact(profiles, index, top=0, top_p2e=top, batch=batch)[1]  # type: ignore[return-value]


def pair_scores(
    batch: PatentBatch, profiles: ProfileMatrix, index: PatentIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Both scores of every (profile, patent of `batch`) pair, (profiles x patents) each:
    e2p (the patent's place in the profile's list, the scale of `rank_patents_for`) and p2e
    (the profile's place among a patent's takers, the scale of `rank_enterprises_for`).
    Blocked pairs score -inf. For placing a few new or changed patents in stored lists."""
    bt = BatchT(batch, index)
    s = profiles.scoring
    e2p = np.empty((len(profiles), len(batch)), np.float32)
    p2e = np.empty_like(e2p)
    for b0, b1 in _profile_blocks(profiles, len(batch)):
        c = components(profiles, b0, b1, bt)
        e2p[b0:b1] = e2p_scores(c, s)
        p2e[b0:b1] = p2e_scores(c, s)
    return e2p, p2e


def rank_candidates_or_exact(
    profiles: ProfileMatrix,
    index: PatentIndex,
    *,
    top: int = 100,
    top_p2e: int = 0,
    search: SearchConfig | None = None,
) -> tuple[Ranking, Ranking | None]:
    """Both directions for a whole pool (files, full re-match): exact when the pool is small,
    else candidate generation, with patent -> enterprise lists gathered from the scored pairs."""
    search = search or SearchConfig()
    if index.size <= search.exact_limit:
        return rank_exact(profiles, index, top=top, top_p2e=top_p2e)
    from .candidates import rank_candidates_both

    return rank_candidates_both(profiles, index, top=top, top_p2e=top_p2e, search=search)
