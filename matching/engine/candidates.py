"""Scoring at platform scale (1M patents x 100k profiles): inverted-index candidates.

Exact scoring costs sum-over-profile-features of posting lengths, and the postings of common
features (a character in 30% of abstracts) are the whole pool: every pair would be touched.
So above `SearchConfig.exact_limit` patents:

1. Retrieval. Each profile contributes query rows (its prototypes, its weighted centroid + need
   row, its disliked prototypes), restricted to *retrieval features*: buckets present in at most
   `retrieval_df` of the patents (common features carry little idf weight anyway), keeping the
   `retrieval_terms` heaviest per row. One sparse product per block of profiles against the
   transposed retrieval matrix walks only short postings; each row keeps its best
   `candidates_per_row` patents.
2. IPC candidates. The `ipc_candidates` least generic (lowest hub) patents of each of the
   profile's main subclasses, so a profile known only by its field still gets a list.
3. Scoring. Per (profile, candidate) pair, vectorised over the block: max over prototype rows +
   need/centroid row - disliked max (the retrieval-feature part of each cosine), plus the exact
   IPC share, hub, province and deal terms; `np.lexsort` gives each profile's top k.

Text similarities here are therefore cosines without the common buckets: an approximation of
the exact path, measured on the benchmark by forcing this path (README, "candidate search").
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.sparse as sp

from .config import ScoringConfig, SearchConfig
from .features import prune_rows
from .index import PatentIndex
from .profiles import ProfileMatrix
from .rank import NEG_INF, Ranking

KIND_PROTO, KIND_LIN, KIND_NEG = 0, 1, 2


def retrieval_structures(index: PatentIndex, search: SearchConfig) -> dict[str, object]:
    """Cached on the index: the feature mask, the transposed retrieval matrix and per-subclass
    lowest-hub patent lists."""
    key = f"retrieval:{search.retrieval_df}:{search.retrieval_min_df}:{search.ipc_candidates}"
    if index.has_cache(key):
        return index.cached_value(key)  # type: ignore[no-any-return]
    x = index.x
    n = index.size
    df = np.bincount(x.indices, minlength=x.shape[1])
    cap = max(search.retrieval_min_df, math.ceil(search.retrieval_df * n))
    keep = (df > 0) & (df <= cap)
    xrt = _kept_columns(x, keep).T.tocsr()
    # lowest-hub patents per subclass column
    ipc = index.ipc_matrix().tocoo()
    is_sub = np.array([k.startswith("subclass:") for k in index.ipc_vocab.keys], dtype=bool)
    sel = is_sub[ipc.col]
    cols, rows = ipc.col[sel], ipc.row[sel]
    order = np.lexsort((rows, index.hub[rows], cols))
    cols, rows = cols[order], rows[order]
    starts = np.searchsorted(cols, np.arange(len(index.ipc_vocab)))
    ends = np.searchsorted(cols, np.arange(len(index.ipc_vocab)), side="right")
    sub_lists = {
        int(c): rows[starts[c] : min(ends[c], starts[c] + search.ipc_candidates)].astype(np.int64)
        for c in np.nonzero(ends > starts)[0]
    }
    value = {"keep": keep, "xrt": xrt, "sub_lists": sub_lists, "cap": cap}
    index.put_cache(key, value)
    return value


def _kept_columns(x: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """`x` with only the entries in `keep` columns. Row lengths come from a per-row sum of the
    entry mask, not a cumulative sum over all entries (an int64 per entry: 1.7 GB at 1M
    patents, the peak of a full re-match)."""
    mask = keep[x.indices]
    lengths = np.diff(x.indptr)
    kept = np.zeros(x.shape[0], np.int64)
    nonempty = np.nonzero(lengths)[0]
    if len(nonempty):
        kept[nonempty] = np.add.reduceat(mask, x.indptr[:-1][nonempty], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(kept)])
    return sp.csr_matrix((x.data[mask], x.indices[mask], indptr), shape=x.shape)


def _query_rows(
    pm: ProfileMatrix, b0: int, b1: int, keep: np.ndarray, s: ScoringConfig, search: SearchConfig
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Query rows of profiles b0..b1 on retrieval features: (rows, owner, kind)."""
    r0, r1 = pm.proto_ptr[b0], pm.proto_ptr[b1]
    n0, n1 = pm.neg_ptr[b0], pm.neg_ptr[b1]
    lin = (
        pm.centroid[b0:b1] * np.float32(s.w_centroid) + pm.need[b0:b1] * np.float32(s.w_need)
    ).tocsr()
    q = sp.vstack([pm.proto[r0:r1], lin, pm.neg[n0:n1]]).tocsr()
    owner = np.concatenate(
        [
            np.repeat(np.arange(b0, b1), np.diff(pm.proto_ptr[b0 : b1 + 1])),
            np.arange(b0, b1),
            np.repeat(np.arange(b0, b1), np.diff(pm.neg_ptr[b0 : b1 + 1])),
        ]
    )
    kind = np.concatenate(
        [np.full(r1 - r0, KIND_PROTO), np.full(b1 - b0, KIND_LIN), np.full(n1 - n0, KIND_NEG)]
    )
    q.data = q.data * keep[q.indices]
    q.eliminate_zeros()
    q = prune_rows(q, search.retrieval_terms)
    return q.astype(np.float32), owner, kind


def _row_top(r: sp.csr_matrix, c: int, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, col, value) of each row's best c entries at or above `floor` (all when fewer).
    The floor drops the long tail of pairs that share one middling feature before any per-row
    work: they could not reach a top-100 list on text anyway."""
    if floor > 0:
        ok = r.data >= floor
        before = np.concatenate([[0], np.cumsum(ok)])
        r = sp.csr_matrix((r.data[ok], r.indices[ok], before[r.indptr]), shape=r.shape)
    lengths = np.diff(r.indptr)
    big = np.nonzero(lengths > c)[0]
    keep = np.ones(len(r.data), dtype=bool)
    for i in big:
        a, b = r.indptr[i], r.indptr[i + 1]
        seg = r.data[a:b]
        cut = np.argpartition(-seg, c - 1)[c:]
        keep[a + cut] = False
    rows = np.repeat(np.arange(r.shape[0]), lengths)
    return rows[keep], r.indices[keep].astype(np.int64), r.data[keep]


def _group(keys: np.ndarray, vals: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    if len(keys) == 0:
        return keys, vals
    order = np.argsort(keys, kind="stable")
    k, v = keys[order], vals[order]
    starts = np.concatenate([[0], np.nonzero(np.diff(k))[0] + 1])
    red = np.maximum.reduceat(v, starts) if how == "max" else np.add.reduceat(v, starts)
    return k[starts], red


def _drop(keys: np.ndarray, vals: np.ndarray, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove pairs whose key is in the (small, sorted) blocked set."""
    if len(blocked) == 0 or len(keys) == 0:
        return keys, vals
    pos = np.minimum(np.searchsorted(blocked, keys), len(blocked) - 1)
    ok = blocked[pos] != keys
    return keys[ok], vals[ok]


def _union(parts: list[np.ndarray]) -> np.ndarray:
    allk = np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
    if len(allk) == 0:
        return allk
    return allk[np.concatenate([[True], allk[1:] != allk[:-1]])]


def _lookup(all_keys: np.ndarray, keys: np.ndarray, vals: np.ndarray) -> np.ndarray:
    out = np.zeros(len(all_keys), dtype=np.float32)
    if len(keys):
        out[np.searchsorted(all_keys, keys)] = vals
    return out


def _pair_ipc(
    pm: ProfileMatrix, index: PatentIndex, owner: np.ndarray, col: np.ndarray, b0: int, b1: int
) -> np.ndarray:
    """IPC share of each (profile, patent) pair: sum over the patent's codes of the profile's
    weight for the code (same as the exact path's ipc_rows @ patent_ipc.T)."""
    ipc = index.ipc_matrix()
    w = pm.padded(pm.ipc[b0:b1], ipc.shape[1]).toarray()
    lengths = np.diff(ipc.indptr)[col]
    starts = ipc.indptr[col]
    if lengths.sum() == 0:
        return np.zeros(len(col), np.float32)
    pair_of = np.repeat(np.arange(len(col)), lengths)
    offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    codes = ipc.indices[np.repeat(starts, lengths) + offs]
    vals = w[owner[pair_of] - b0, codes]
    return np.bincount(pair_of, weights=vals, minlength=len(col)).astype(np.float32)


def rank_candidates_both(
    pm: ProfileMatrix,
    index: PatentIndex,
    *,
    top: int = 100,
    top_p2e: int = 0,
    search: SearchConfig | None = None,
    block: int | None = None,
    span: tuple[int, int] | None = None,
) -> tuple[Ranking, Ranking | None]:
    """Enterprise -> patents for every profile through candidates; when `top_p2e`, patent ->
    enterprises lists are gathered from the same scored pairs (a profile can only be listed for
    a patent that was among its candidates)."""
    search = search or SearchConfig()
    s = pm.scoring
    st = retrieval_structures(index, search)
    keep: np.ndarray = st["keep"]  # type: ignore[assignment]
    xrt: sp.csr_matrix = st["xrt"]  # type: ignore[assignment]
    sub_lists: dict[int, np.ndarray] = st["sub_lists"]  # type: ignore[assignment]
    n = index.size
    block = block or search.block_profiles
    e_items = np.full((len(pm), top), -1, np.int64)
    e_vals = np.full((len(pm), top), NEG_INF, np.float32)
    p_keys: list[np.ndarray] = []
    p_scores: list[np.ndarray] = []
    sub_cols = np.array([k.startswith("subclass:") for k in index.ipc_vocab.keys], dtype=bool)
    lo, hi = span if span is not None else (0, len(pm))
    for b0 in range(lo, hi, block):
        b1 = min(b0 + block, hi)
        q, owner, kind = _query_rows(pm, b0, b1, keep, s, search)
        r = (q @ xrt).tocsr()
        rows, cols, vals = _row_top(r, search.candidates_per_row, search.min_retrieval_sim)
        own = owner[rows]
        keys = own.astype(np.int64) * n + cols
        kp, vp = _group(keys[kind[rows] == KIND_PROTO], vals[kind[rows] == KIND_PROTO], "max")
        kl, vl = _group(keys[kind[rows] == KIND_LIN], vals[kind[rows] == KIND_LIN], "sum")
        kn, vn = _group(keys[kind[rows] == KIND_NEG], vals[kind[rows] == KIND_NEG], "max")
        # IPC candidates: lowest-hub patents of each profile's main subclasses
        extra: list[np.ndarray] = []
        w = pm.padded(pm.ipc[b0:b1], len(index.ipc_vocab)).tocsr()
        for i in range(b0, b1):
            a, b = w.indptr[i - b0], w.indptr[i - b0 + 1]
            codes, weights = w.indices[a:b], w.data[a:b]
            is_sub = sub_cols[codes]
            codes, weights = codes[is_sub], weights[is_sub]
            for code in codes[np.argsort(-weights, kind="stable")][: search.ipc_subclasses]:
                lst = sub_lists.get(int(code))
                if lst is not None:
                    extra.append(i * n + lst)
        # hard rules: drop liked / excluded pairs before the union
        blk = pm.padded(pm.blocked[b0:b1], n).tocoo()
        blocked_keys = np.sort((blk.row.astype(np.int64) + b0) * n + blk.col)
        kp, vp = _drop(kp, vp, blocked_keys)
        kl, vl = _drop(kl, vl, blocked_keys)
        kn, vn = _drop(kn, vn, blocked_keys)
        extra_keys = _union(extra)
        extra_keys, _ = _drop(extra_keys, extra_keys, blocked_keys)
        all_keys = _union([kp, kl, kn, extra_keys])
        if index.retired.any():
            all_keys = all_keys[~index.retired[all_keys % n]]
        p_owner = all_keys // n
        p_col = all_keys % n
        maxp = _lookup(all_keys, kp, vp)
        lin = _lookup(all_keys, kl, vl)
        neg = _lookup(all_keys, kn, vn)
        ipc = _pair_ipc(pm, index, p_owner, p_col, b0, b1)
        prov = pm.province[p_owner]
        same_prov = ((prov >= 0) & (prov == index.province[p_col])).astype(np.float32)
        deal_ok = ((pm.deal[p_owner] & index.deal[p_col]) != 0).astype(np.float32)
        score = (
            maxp
            + lin
            + s.w_ipc * ipc
            - s.w_hub * index.hub[p_col]
            + s.w_province * same_prov
            + s.w_deal * deal_ok
            - s.w_disliked * neg
        ).astype(np.float32)
        # each profile's top k: sort by (profile, -score, patent)
        order = np.lexsort((p_col, -score, p_owner))
        so, sc, sv = p_owner[order], p_col[order], score[order]
        first = np.searchsorted(so, so, side="left")
        rank = np.arange(len(so)) - first
        sel = rank < top
        e_items[so[sel], rank[sel]] = sc[sel]
        e_vals[so[sel], rank[sel]] = sv[sel]
        if top_p2e:
            p2e = (
                s.p2e_w_max * maxp
                + s.p2e_w_ipc_any * (ipc > 0)
                + s.w_province * same_prov
                + s.w_deal * deal_ok
                - s.w_disliked * neg
            ).astype(np.float32)
            p_keys.append(p_col * len(pm) + p_owner)
            p_scores.append(p2e)
    p2e_rank = None
    if top_p2e:
        keys = np.concatenate(p_keys) if p_keys else np.zeros(0, np.int64)
        vals = np.concatenate(p_scores) if p_scores else np.zeros(0, np.float32)
        pat, prof = keys // len(pm), keys % len(pm)
        order = np.lexsort((prof, -vals, pat))
        pat, prof, vals = pat[order], prof[order], vals[order]
        rank = np.arange(len(pat)) - np.searchsorted(pat, pat, side="left")
        sel = rank < top_p2e
        items = np.full((n, top_p2e), -1, np.int64)
        pv = np.full((n, top_p2e), NEG_INF, np.float32)
        items[pat[sel], rank[sel]] = prof[sel]
        pv[pat[sel], rank[sel]] = vals[sel]
        p2e_rank = Ranking(items, pv)
    return Ranking(e_items, e_vals), p2e_rank


_SHARED: dict[str, object] = {}


def _worker(span: tuple[int, int]) -> tuple[int, np.ndarray, np.ndarray]:
    pm: ProfileMatrix = _SHARED["pm"]  # type: ignore[assignment]
    index: PatentIndex = _SHARED["index"]  # type: ignore[assignment]
    search: SearchConfig = _SHARED["search"]  # type: ignore[assignment]
    top: int = _SHARED["top"]  # type: ignore[assignment]
    ranking, _ = rank_candidates_both(pm, index, top=top, search=search, span=span)
    return span[0], ranking.items[span[0] : span[1]], ranking.scores[span[0] : span[1]]


def rank_candidates(
    pm: ProfileMatrix,
    index: PatentIndex,
    *,
    top: int = 100,
    search: SearchConfig | None = None,
    workers: int = 1,
) -> Ranking:
    """Enterprise -> patents through candidates, optionally in `workers` forked processes.

    Children inherit the index and profiles copy-on-write (fork, Linux), so memory does not
    double; each returns only its profiles' top-k arrays."""
    search = search or SearchConfig()
    retrieval_structures(index, search)  # build caches once, before forking
    if workers <= 1 or len(pm) < 2 * search.block_profiles:
        return rank_candidates_both(pm, index, top=top, search=search)[0]
    import multiprocessing

    bounds = np.linspace(0, len(pm), workers * 4 + 1).astype(int)
    spans = [(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
    _SHARED.update(pm=pm, index=index, search=search, top=top)
    items = np.full((len(pm), top), -1, np.int64)
    scores = np.full((len(pm), top), NEG_INF, np.float32)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for start, it, sc in pool.imap_unordered(_worker, spans):
                items[start : start + len(it)] = it
                scores[start : start + len(sc)] = sc
    finally:
        _SHARED.clear()
    return Ranking(items, scores)
