"""The chunked, multi-process index build gives exactly the single-pass result."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from matching.engine import PatentIndex
from matching.engine.build import chunked, parallel_rows, spans
from matching.engine.features import FeatureConfig, Vectorizer, l1_idf_rows
from matching.engine.index import patent_body
from matching.engine.text import Segmenter
from patents.synthetic import generate


def _records(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"p{i}",
            "title": p.title,
            "abstract": p.abstract if i % 3 else "",
            "ipc": [p.ipc_main],
            "deal_forms": p.deal_forms,
            "province": ["330000", "440000", ""][i % 3],
        }
        for i, p in enumerate(generate(n, seed=3))
    ]


def _reference(records: list[dict[str, Any]]) -> tuple[Any, Any, np.ndarray]:
    """Everything counted at once, as the engine did before chunking."""
    vectorizer = Vectorizer(FeatureConfig(), Segmenter())
    counts = vectorizer.count([r["title"] for r in records], [patent_body(r) for r in records])
    vectorizer.fit(counts)
    x = vectorizer.weight(counts)
    return x, l1_idf_rows(x, vectorizer.idf), vectorizer.idf


@pytest.mark.parametrize(("workers", "chunk_size"), [(1, 20_000), (1, 7), (2, 7), (2, 64)])
def test_chunked_build_equals_single_pass(workers: int, chunk_size: int) -> None:
    records = _records(60)
    x, cov, idf = _reference(records)
    whole = PatentIndex.build(records)
    index = PatentIndex.build(iter(records), workers=workers, chunk_size=chunk_size)
    assert index.ids == [r["id"] for r in records]
    assert np.array_equal(index.vectorizer.idf, idf)
    assert (index.x != x).nnz == 0 and np.array_equal(index.x.indptr, x.indptr)
    assert (index.cov != cov).nnz == 0
    assert np.array_equal(index.hub, whole.hub)
    assert np.array_equal(index.hub, index._hubness(index.x, np.arange(index.size)))
    assert (index.ipc != whole.ipc).nnz == 0
    assert np.array_equal(index.province, whole.province)
    assert np.array_equal(index.deal, whole.deal)


def test_build_keeps_first_of_duplicate_ids_when_streamed() -> None:
    records = _records(10)
    dup = dict(records[2], title="完全不同的标题")
    index = PatentIndex.build(iter([*records, dup]), workers=2, chunk_size=3)
    assert index.size == 10
    assert index.titles[2] == records[2]["title"]


def test_helpers() -> None:
    assert [len(c) for c in chunked(range(7), 3)] == [3, 3, 1]
    assert spans(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert spans(0, 3) == []
    out = parallel_rows(lambda a, b: np.arange(a, b, dtype=np.float32), 10, 2, span_rows=3)
    assert np.array_equal(out, np.arange(10, dtype=np.float32))


def test_retrieval_matrix_keeps_only_the_kept_columns() -> None:
    from matching.engine.candidates import _kept_columns

    rng = np.random.default_rng(4)
    x = sp.random(50, 300, density=0.05, format="csr", dtype=np.float32, random_state=rng)
    x = sp.vstack([x, sp.csr_matrix((2, 300), dtype=np.float32), x[:3]]).tocsr()
    keep = rng.random(300) < 0.3
    expected = x @ sp.diags(keep.astype(np.float32))
    expected.eliminate_zeros()
    got = _kept_columns(x, keep)
    assert (got != expected).nnz == 0
    assert np.array_equal(got.indptr, expected.indptr)
