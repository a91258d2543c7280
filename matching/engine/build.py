"""Building the patent index's text matrices in chunks and forked processes.

At 1M patents with abstracts the raw term counts are ~540 entries per patent (~4 GB), jieba costs
~0.5 ms per patent and the hub term one sparse product against the 10,000-patent reference set
per patent. So the build streams:

1. count   records are read chunk by chunk; each chunk is segmented and counted in a worker,
           which spills its counts to a temporary file and returns only its document
           frequencies. The parent keeps ids, titles and attributes, never the texts.
2. weigh   idf from the summed document frequencies; workers forked after that (so they inherit
           idf) reload each chunk's counts and return its finished TF-IDF and coverage rows.
3. hub     workers forked after the matrix is assembled share it copy-on-write and each computes
           the hub values of a span of rows.

Every step is row-local once idf is known, so the result is identical (bit for bit) to
counting all patents at once, whatever the chunk size or number of workers. With one worker
nothing is forked. Workers are forked (Linux), which is why state is handed over in a module
global set just before each pool starts, not pickled.
"""

from __future__ import annotations

import itertools
import multiprocessing
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

from .features import Counts, Vectorizer, l1_idf_rows

T = TypeVar("T")
R = TypeVar("R")

_STATE: dict[str, Any] = {}  # handed to forked workers


@dataclass
class TextPieces:
    """Finished rows of consecutive chunks, concatenated once at the end."""

    indptrs: list[np.ndarray] = field(default_factory=list)
    indices: list[np.ndarray] = field(default_factory=list)
    x_data: list[np.ndarray] = field(default_factory=list)
    cov_data: list[np.ndarray] = field(default_factory=list)

    def add(self, x: sp.csr_matrix, cov: sp.csr_matrix) -> None:
        self.indptrs.append(np.diff(x.indptr).astype(np.int64))
        self.indices.append(x.indices.astype(np.int32, copy=False))
        self.x_data.append(x.data.astype(np.float32, copy=False))
        self.cov_data.append(cov.data.astype(np.float32, copy=False))

    def matrices(self, dim: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        lengths = np.concatenate(self.indptrs) if self.indptrs else np.zeros(0, np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if indptr[-1] < np.iinfo(np.int32).max:
            indptr = indptr.astype(np.int32)
        indices = _drain(self.indices, np.int32)
        x_data = _drain(self.x_data, np.float32)
        cov_data = _drain(self.cov_data, np.float32)
        shape = (len(lengths), dim)
        x = sp.csr_matrix((x_data, indices, indptr), shape=shape)
        cov = sp.csr_matrix((cov_data, indices, indptr), shape=shape)
        return x, cov


def _drain(pieces: list[np.ndarray], dtype: type) -> np.ndarray:
    """Concatenate while freeing the pieces: peak memory is the result plus one piece, not two
    full copies."""
    out: np.ndarray = np.empty(sum(len(p) for p in pieces), dtype=dtype)
    at = 0
    pieces.reverse()
    while pieces:
        piece = pieces.pop()
        out[at : at + len(piece)] = piece
        at += len(piece)
    return out


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_bounded(
    fn: Callable[[T], R], tasks: Iterable[T], workers: int, state: Mapping[str, Any]
) -> Iterator[R]:
    """fn over tasks in order, in `workers` forked processes (inline when 1), with at most
    2 x workers tasks in flight so a streamed input is never read ahead in full."""
    _STATE.clear()
    _STATE.update(state)
    try:
        if workers <= 1:
            for task in tasks:
                yield fn(task)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: list[Any] = []
            for task in tasks:
                pending.append(pool.apply_async(fn, (task,)))
                if len(pending) >= 2 * workers:
                    yield pending.pop(0).get()
            while pending:
                yield pending.pop(0).get()
    finally:
        _STATE.clear()


# --- phase 1: count ---------------------------------------------------------------------------


def _save_counts(path: Path, counts: Counts) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, m in (("char", counts.char), ("word", counts.word)):
        arrays[f"{name}_indptr"] = m.indptr.astype(np.int64)
        arrays[f"{name}_indices"] = m.indices.astype(np.int32)
        arrays[f"{name}_data"] = m.data.astype(np.float32)
    np.savez(path, **arrays)  # type: ignore[arg-type]


def _load_counts(path: Path, dim: int) -> Counts:
    with np.load(path) as z:
        blocks = [
            sp.csr_matrix(
                (z[f"{name}_data"], z[f"{name}_indices"], z[f"{name}_indptr"]),
                shape=(len(z[f"{name}_indptr"]) - 1, dim),
            )
            for name in ("char", "word")
        ]
    return Counts(char=blocks[0], word=blocks[1])


def _count_task(task: tuple[int, list[str], list[str]]) -> tuple[int, np.ndarray, np.ndarray]:
    """Count one chunk; keep the counts (in memory or spilled) and return its document
    frequencies as (buckets, documents). A bucket in both blocks of a document counts twice,
    as in `Vectorizer.fit`."""
    k, titles, bodies = task
    vectorizer: Vectorizer = _STATE["vectorizer"]
    counts = vectorizer.count(titles, bodies)
    _save_counts(_STATE["spill"] / f"{k}.npz", counts)
    cols, dfs = np.unique(
        np.concatenate([counts.char.indices, counts.word.indices]), return_counts=True
    )
    return k, cols.astype(np.int32), dfs.astype(np.int64)


# --- phase 2: weigh ---------------------------------------------------------------------------


def _weigh_task(k: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    vectorizer: Vectorizer = _STATE["vectorizer"]
    spill: Path = _STATE["spill"]
    counts = _load_counts(spill / f"{k}.npz", vectorizer.config.dim)
    (spill / f"{k}.npz").unlink()
    x = vectorizer.weight(counts)
    return x, l1_idf_rows(x, vectorizer.idf)


def text_matrices(
    texts: Iterable[tuple[str, str]],
    vectorizer: Vectorizer,
    *,
    workers: int = 1,
    chunk_size: int = 20_000,
    spill_dir: str | Path | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Fit `vectorizer` (idf) on the (title, body) texts and return (x, cov) for them.

    Texts are consumed as a stream and the counts are spilled to a temporary directory (under
    `spill_dir`) between the two passes, so memory holds one chunk's counts per worker, not the
    pool's (also with one worker)."""
    vectorizer.segmenter._ensure()  # load jieba once, before forking
    dim = vectorizer.config.dim
    df = np.zeros(dim, np.int64)
    n_docs = 0
    with tempfile.TemporaryDirectory(prefix="panhuo-index-", dir=spill_dir) as tmp:
        state = {"vectorizer": vectorizer, "spill": Path(tmp)}

        def tasks() -> Iterator[tuple[int, list[str], list[str]]]:
            nonlocal n_docs
            for k, chunk in enumerate(chunked(texts, chunk_size)):
                n_docs += len(chunk)
                yield k, [t for t, _ in chunk], [b for _, b in chunk]

        n_chunks = 0
        for _k, cols, dfs in run_bounded(_count_task, tasks(), workers, state):
            df[cols] += dfs
            n_chunks += 1
        vectorizer.set_idf(df, n_docs)
        pieces = TextPieces()
        for x, cov in run_bounded(_weigh_task, range(n_chunks), workers, state):
            pieces.add(x, cov)
        return pieces.matrices(dim)


# --- phase 3: hub -----------------------------------------------------------------------------


def _hub_task(span: tuple[int, int]) -> np.ndarray:
    fn: Callable[[int, int], np.ndarray] = _STATE["hub_span"]
    return fn(*span)


def spans(n: int, pieces: int) -> list[tuple[int, int]]:
    bounds = np.linspace(0, n, max(pieces, 1) + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def parallel_rows(
    fn: Callable[[int, int], np.ndarray], n: int, workers: int, span_rows: int = 50_000
) -> np.ndarray:
    """fn(start, stop) over row spans of 0..n, concatenated in order; forked workers share
    whatever fn closes over copy-on-write."""
    parts = spans(n, max(workers, -(-n // span_rows)))
    if not parts:
        return np.zeros(0, np.float32)
    out = list(run_bounded(_hub_task, parts, workers, {"hub_span": fn}))
    return np.concatenate(out)
