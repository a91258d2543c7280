"""Enterprise profiles as sparse matrices in the patent index's feature space.

Per profile the matrix holds:
  prototypes   unit rows, the liked patents themselves (or, past `max_prototypes`, spherical
               k-means centroids of them): the score takes the max over them
  centroid     unit row, the normalised sum of liked patent vectors
  need         unit row, description + keywords (keywords count as title text); a subscribed
               topic's keywords count as keywords
  cover        binary row, every feature of the liked patents and of the need text
  negatives    unit rows of disliked patents (max over them is subtracted)
  ipc          interest shares per IPC code and level (see ipc.py), pre-multiplied by level weight
and the hard rules (liked + excluded patents never returned) as a sparse blocked matrix.

Contract: rows refer to the index the matrix was built with; patents appended to that index
later are fine (matrices are padded), a different or rebuilt index needs a rebuild.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .config import ScoringConfig
from .features import cross, normalise_rows, sum_rows
from .index import PatentIndex, _deal_bits, _text
from .ipc import LEVEL_WEIGHTS, ProfileIpc, industry_prefixes
from .text import GENERIC_TERMS, normalise, shown_words


@dataclass
class ProfileMatrix:
    ids: list[str]
    scoring: ScoringConfig
    proto: sp.csr_matrix
    proto_ptr: np.ndarray  # rows of profile i: proto_ptr[i]:proto_ptr[i+1]
    centroid: sp.csr_matrix
    need: sp.csr_matrix
    cover: sp.csr_matrix
    neg: sp.csr_matrix
    neg_ptr: np.ndarray
    ipc: sp.csr_matrix  # level-weighted shares over index.ipc_vocab columns
    ipc_any_sub: sp.csr_matrix  # 1 on subclasses of interest
    blocked: sp.csr_matrix  # (profiles x patents) liked + excluded
    liked: sp.csr_matrix  # (profiles x patents) liked only, for reasons
    province: np.ndarray
    deal: np.ndarray
    n_liked: np.ndarray
    keywords: list[list[str]]
    # the need description's words a person may be shown (segmented once, when vectorised)
    need_words: list[list[str]]
    industry_only_codes: list[set[str]]
    interest_codes: list[dict[str, set[str]]]
    # keyword -> the topic that gave it, for keywords only a subscribed topic gave (not the
    # profile's own keywords or need words): reasons name the topic, not a need
    topic_terms: list[dict[str, str]]
    # liked / excluded ids the index did not hold yet: applied to patents placed before indexing
    blocked_ids: dict[str, list[int]] = field(default_factory=dict)
    row: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        records: Sequence[Mapping[str, Any]],
        index: PatentIndex,
        *,
        industry_ipc: Mapping[str, Sequence[str]] | None = None,
        scoring: ScoringConfig | None = None,
    ) -> ProfileMatrix:
        """Profiles (the enterprise JSONL shape) against `index`. Liked / disliked / excluded
        ids that the index does not hold are ignored (a liked patent outside the pool cannot be
        returned anyway). `industry_ipc` maps GB/T 4754 codes to IPC prefixes."""
        scoring = scoring or index.scoring
        n = len(records)
        dim = index.feature_config.dim
        x = index.x

        def rows_of(ids: Any) -> np.ndarray:
            found = [index.row[str(p)] for p in dict.fromkeys(ids or []) if str(p) in index.row]
            return np.asarray(found, dtype=np.int64)

        liked = [rows_of(r.get("liked_patents")) for r in records]
        disliked = [rows_of(r.get("disliked_patents")) for r in records]
        excluded = [rows_of(r.get("excluded_patents")) for r in records]
        keywords = [[normalise(k) for k in _all_keywords(r) if normalise(k)] for r in records]
        descriptions = [_text(r.get("description")) for r in records]
        segmenter = index.vectorizer.segmenter
        description_words = [segmenter.words(normalise(d)) for d in descriptions]
        need_words = [shown_words(words) for words in description_words]

        # Need text: keywords are short and deliberate, so they count as title text.
        need = index.vectorizer.transform(
            [" ".join(k) for k in keywords],
            descriptions,
            description_words if index.feature_config.use_words else None,
        )

        protos: list[sp.csr_matrix] = []
        proto_ptr = [0]
        negs: list[sp.csr_matrix] = []
        neg_ptr = [0]
        cent_rows: list[sp.csr_matrix] = []
        cover_rows: list[sp.csr_matrix] = []
        for i in range(n):
            lx = x[liked[i]]
            p = _prototypes(lx, scoring.max_prototypes)
            protos.append(p)
            proto_ptr.append(proto_ptr[-1] + p.shape[0])
            nx = _prototypes(x[disliked[i]], scoring.max_prototypes)
            negs.append(nx)
            neg_ptr.append(neg_ptr[-1] + nx.shape[0])
            cent_rows.append(normalise_rows(sum_rows(lx)) if len(liked[i]) else None)
            pattern = np.union1d(lx.indices, need[i].indices)
            cover_rows.append(pattern)

        empty = sp.csr_matrix((0, dim), dtype=np.float32)
        centroid = (
            sp.vstack(
                [
                    c if c is not None else sp.csr_matrix((1, dim), dtype=np.float32)
                    for c in cent_rows
                ]
            ).tocsr()
            if n
            else empty
        )
        cover = _binary_rows(cover_rows, dim)

        # IPC interests: each liked patent, each declared symbol and each industry prefix is one
        # source of interest.
        ipc_rows: list[dict[int, float]] = []
        any_rows: list[list[int]] = []
        industry_only: list[set[str]] = []
        interest_codes: list[dict[str, set[str]]] = []
        for i, r in enumerate(records):
            interest = ProfileIpc()
            for row in liked[i]:
                interest.add_levels(index.codes_of_row(int(row)))
            for symbol in r.get("ipc") or []:
                interest.add([str(symbol)])
            for prefix in industry_prefixes(r.get("industry_codes") or [], industry_ipc):
                interest.add([prefix], industry=True)
            weights: dict[int, float] = {}
            subs: list[int] = []
            for level, shares in interest.shares().items():
                for code, share in shares.items():
                    col = index.ipc_vocab.get(level, code)
                    assert col is not None
                    weights[col] = LEVEL_WEIGHTS[level] * share
                    if level == "subclass":
                        subs.append(col)
            ipc_rows.append(weights)
            any_rows.append(subs)
            industry_only.append(set(interest.from_industry_only))
            interest_codes.append(interest.codes())
        n_codes = len(index.ipc_vocab)
        ipc = _weighted_rows(ipc_rows, n_codes)
        ipc_any = _binary_rows([np.asarray(sorted(s), np.int64) for s in any_rows], n_codes)

        blocked = _binary_rows([np.union1d(liked[i], excluded[i]) for i in range(n)], index.size)
        liked_m = _binary_rows([np.unique(liked[i]) for i in range(n)], index.size)

        pm = cls(
            ids=[str(r["id"]) for r in records],
            scoring=scoring,
            proto=sp.vstack(protos).tocsr() if n else empty,
            proto_ptr=np.asarray(proto_ptr, np.int64),
            centroid=centroid,
            need=need.tocsr(),
            cover=cover,
            neg=sp.vstack(negs).tocsr() if n else empty,
            neg_ptr=np.asarray(neg_ptr, np.int64),
            ipc=ipc,
            ipc_any_sub=ipc_any,
            blocked=blocked,
            liked=liked_m,
            province=np.array(
                [index.provinces.get(_text(r.get("province")), grow=False) for r in records],
                dtype=np.int32,
            ),
            deal=np.array(
                [_deal_bits(r.get("preferred_deal_forms"), index.deal_forms) for r in records],
                dtype=np.int64,
            ),
            n_liked=np.array([len(v) for v in liked], dtype=np.int64),
            keywords=keywords,
            need_words=need_words,
            industry_only_codes=industry_only,
            interest_codes=interest_codes,
            topic_terms=[_topic_of_terms(r, set(need_words[i])) for i, r in enumerate(records)],
        )
        pm.row = {pid: i for i, pid in enumerate(pm.ids)}
        for i, r in enumerate(records):
            for pid in [*(r.get("liked_patents") or []), *(r.get("excluded_patents") or [])]:
                if str(pid) not in index.row:
                    pm.blocked_ids.setdefault(str(pid), []).append(i)
        return pm

    # --- views --------------------------------------------------------------------------------

    def padded(self, m: sp.csr_matrix, n_cols: int) -> sp.csr_matrix:
        """`m` with `n_cols` columns (the index may have grown since the profiles were built)."""
        if m.shape[1] == n_cols:
            return m
        out = m.copy()
        out.resize((m.shape[0], n_cols))
        return out.tocsr()

    def need_terms(self, i: int) -> list[str]:
        """Keywords first, then nothing else: free description words are matched as terms in
        reasons (see reasons.py), not listed as the profile's terms."""
        return [k for k in self.keywords[i] if k not in GENERIC_TERMS]


def _all_keywords(record: Mapping[str, Any]) -> list[str]:
    """The profile's own keywords, and its subscribed topics' keywords when it has any: then
    both together, once each, in sorted order (so the need vector does not depend on the order
    topics were saved in)."""
    own = list(record.get("keywords") or [])
    from_topics = [k for topic in record.get("topics") or [] for k in topic.get("keywords") or []]
    return sorted({*own, *from_topics}) if from_topics else own


def _topic_of_terms(record: Mapping[str, Any], need_words: set[str]) -> dict[str, str]:
    """Normalised keyword -> topic name, for the keywords that only a topic gave: the profile's
    own keywords and the words of its need text are its needs' (the first topic naming a
    keyword wins)."""
    own = {normalise(k) for k in record.get("keywords") or []} | need_words
    out: dict[str, str] = {}
    for topic in record.get("topics") or []:
        for keyword in topic.get("keywords") or []:
            term = normalise(keyword)
            if term and term not in own:
                out.setdefault(term, _text(topic.get("name")))
    return out


def _prototypes(vectors: sp.csr_matrix, limit: int, iterations: int = 8) -> sp.csr_matrix:
    """The vectors themselves when there are at most `limit`, else `limit` unit centroids from
    spherical k-means (deterministic farthest-point start). Bounds the rows a profile adds to
    every product, while a cluster of near-identical patents still matches its look-alikes."""
    n = vectors.shape[0]
    if n <= limit:
        return vectors.tocsr().astype(np.float32)
    sims = cross(vectors, vectors)
    centres = [0]
    closest = sims[0].copy()
    for _ in range(1, limit):
        nxt = int(np.argmin(closest))
        centres.append(nxt)
        closest = np.maximum(closest, sims[nxt])
    assign = np.argmax(sims[:, centres], axis=1)
    for _ in range(iterations):
        cents = _centroids(vectors, assign, limit)
        new = cross(vectors, cents).argmax(axis=1)
        if np.array_equal(new, assign):
            break
        assign = new
    return _centroids(vectors, assign, limit)


def _centroids(vectors: sp.csr_matrix, assign: np.ndarray, k: int) -> sp.csr_matrix:
    """Unit mean vectors of the non-empty clusters (O(nnz): no dense columns)."""
    n = vectors.shape[0]
    onehot = sp.csr_matrix((np.ones(n, np.float32), (assign, np.arange(n))), shape=(k, n))
    keep = np.nonzero(np.asarray(onehot.sum(axis=1)).ravel() > 0)[0]
    # Multiply in a compacted column space: scipy's product allocates O(columns) per call.
    cols, local = np.unique(vectors.indices, return_inverse=True)
    compact = sp.csr_matrix(
        (vectors.data, local.astype(np.int32), vectors.indptr), shape=(n, len(cols))
    )
    sums = (onehot[keep] @ compact).tocsr()
    sums.sort_indices()
    out = sp.csr_matrix(
        (sums.data, cols[sums.indices], sums.indptr), shape=(len(keep), vectors.shape[1])
    )
    return normalise_rows(out)


def _binary_rows(cols: Sequence[np.ndarray], n_cols: int) -> sp.csr_matrix:
    lengths = np.array([len(c) for c in cols], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = (
        np.concatenate([np.asarray(c, np.int64) for c in cols]) if len(cols) else np.zeros(0)
    ).astype(np.int32)
    return sp.csr_matrix(
        (np.ones(len(indices), np.float32), indices, indptr), shape=(len(cols), n_cols)
    )


def _weighted_rows(rows: Sequence[dict[int, float]], n_cols: int) -> sp.csr_matrix:
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    for i, weights in enumerate(rows):
        for col, w in sorted(weights.items()):
            r.append(i)
            c.append(col)
            v.append(w)
    return sp.csr_matrix(
        (np.asarray(v, np.float32), (np.asarray(r, np.int64), np.asarray(c, np.int64))),
        shape=(len(rows), n_cols),
    )
