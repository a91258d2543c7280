"""The vectorised parts of Explainer give what the per-pair code they replaced gave."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matching.engine import PatentIndex, ProfileMatrix
from matching.engine.features import cross
from matching.engine.reasons import Explainer, cross_few
from patents.synthetic import generate


def _random_rows(rng: np.random.Generator, n: int, dim: int, per_row: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(n), per_row)
    cols = rng.integers(0, dim, size=n * per_row)
    m = sp.csr_matrix((rng.random(n * per_row).astype(np.float32), (rows, cols)), shape=(n, dim))
    m.sum_duplicates()
    return m


def test_cross_few_equals_cross() -> None:
    rng = np.random.default_rng(1)
    a = _random_rows(rng, 7, 1 << 22, 40)
    b = _random_rows(rng, 30, 1 << 22, 40)
    b = sp.vstack([b, a[2], sp.csr_matrix((1, 1 << 22), dtype=np.float32)]).tocsr()
    assert np.allclose(cross_few(a, b), cross(a, b), atol=1e-6)
    empty = sp.csr_matrix((0, 1 << 22), dtype=np.float32)
    assert cross_few(empty, b).shape == (0, b.shape[0])
    assert not cross_few(a, b[-1:]).any()


def test_terms_present_matches_the_per_pair_check() -> None:
    records = [
        {"id": str(i), "title": p.title, "abstract": p.abstract, "ipc": [p.ipc_main]}
        for i, p in enumerate(generate(40, seed=2))
    ]
    index = PatentIndex.build(records)
    profile = {
        "id": "e",
        "description": "寻求锂离子电池隔膜技术",
        "keywords": ["锂离子电池", "隔膜", "神经网络", "ito", "深度学习模型"],
        "liked_patents": ["1", "2"],
    }
    pm = ProfileMatrix.build([profile], index)
    explainer = Explainer(pm, index)
    terms = explainer._profile_terms(0)
    x = index.x
    present = explainer._terms_present(terms, x)
    for j in range(index.size):
        features = set(x.indices[x.indptr[j] : x.indptr[j + 1]].tolist())
        for k, term in enumerate(terms):
            buckets = explainer.buckets(term)
            expected = bool(buckets) and all(b in features for b in buckets)
            assert present[j, k] == expected, (j, term)
    assert present.any()
