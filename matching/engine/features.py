"""Hashed TF-IDF features for patents and for the free text of profiles.

A document becomes one L2-normalised float32 row in a space of 2**dim_bits hashed buckets, made
of two equally weighted blocks:

* character 1-3-grams of every CJK run (robust to segmentation errors and to traditional /
  Japanese-style wording, which the benchmark is full of), and
* jieba words (2+ characters, domain dictionary from IPC titles) plus Latin tokens.

Each block is TF-IDF weighted (sublinear tf, idf = ln(N / df), so a feature present everywhere
weighs nothing), pruned to the `max_features` heaviest entries (bounds memory and the cost of
every sparse product at 1M abstracts) and L2-normalised; the blocks are then scaled by 1/sqrt(2)
and summed, so a dot product is the mean of the char cosine and the word cosine.

Hashing instead of a vocabulary keeps the index a few flat arrays (no 10M-entry Python dict) and
lets new patents and profiles be vectorised without refitting. Character n-grams are hashed with
numpy over all documents at once; only jieba runs in a Python loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .text import Segmenter, latin_tokens, normalise

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_CHAR_NS = 1  # namespace of char n-grams (the n is mixed in as well)
_WORD_NS = 7  # namespace of words
_MAX_WORD_CHARS = 16  # longer words are hashed on their first 16 characters and their length


@dataclass(frozen=True)
class FeatureConfig:
    """How documents become vectors. Stored in the index: a profile must be vectorised with the
    configuration its patents were."""

    dim_bits: int = 22  # 4M buckets: collisions stay rare at 1M abstracts
    char_ngrams: tuple[int, ...] = (1, 2, 3)
    use_words: bool = True
    title_weight: float = 2.0  # a title token counts as much as two abstract tokens
    max_features: int = 128  # per document and block, after TF-IDF

    @property
    def dim(self) -> int:
        return 1 << self.dim_bits


def _mix(h: np.ndarray) -> np.ndarray:
    """Final avalanche (splitmix64) so neighbouring code points land in unrelated buckets."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def _codepoints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one uint32 code-point array separated by 0, and each position's document."""
    joined = "\x00".join(texts) + "\x00"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc = np.cumsum(cps == 0) - (cps == 0)  # separator belongs to the document it ends
    return cps, doc.astype(np.int64)


def _is_cjk(cps: np.ndarray) -> np.ndarray:
    return (
        ((cps >= 0x4E00) & (cps <= 0x9FFF))
        | ((cps >= 0x3400) & (cps <= 0x4DBF))
        | ((cps >= 0xF900) & (cps <= 0xFAFF))
    )


def hash_char_ngrams(
    texts: Sequence[str], ngrams: Sequence[int], dim: int
) -> tuple[np.ndarray, np.ndarray]:
    """(document index, bucket) of every CJK character n-gram of the (normalised) texts."""
    cps, doc = _codepoints(texts)
    cjk = _is_cjk(cps)
    cps64 = cps.astype(np.uint64)
    docs: list[np.ndarray] = []
    buckets: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for n in ngrams:
            if len(cps) < n:
                continue
            m = len(cps) - n + 1
            valid = cjk[:m].copy()
            h = np.full(m, _FNV_OFFSET ^ np.uint64(_CHAR_NS * 131 + n), dtype=np.uint64)
            for k in range(n):
                valid &= cjk[k : k + m]
                h = (h ^ cps64[k : k + m]) * _FNV_PRIME
            docs.append(doc[:m][valid])
            buckets.append((_mix(h[valid]) % np.uint64(dim)).astype(np.int64))
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(docs), np.concatenate(buckets)


def hash_words(words: Sequence[str], dim: int) -> np.ndarray:
    """Bucket of each word (vectorised FNV over padded code points; deterministic across runs,
    unlike Python's salted `hash`)."""
    if not words:
        return np.zeros(0, np.int64)
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    cps, _ = _codepoints(words)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    width = int(min(lengths.max(), _MAX_WORD_CHARS))
    h = np.full(len(words), _FNV_OFFSET ^ np.uint64(_WORD_NS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(width):
            take = lengths > k
            pos = np.minimum(starts + k, len(cps) - 1)
            step = (h ^ cps[pos].astype(np.uint64)) * _FNV_PRIME
            h = np.where(take, step, h)
        h = (h ^ lengths.astype(np.uint64)) * _FNV_PRIME
    return (_mix(h) % np.uint64(dim)).astype(np.int64)


@dataclass
class Counts:
    """Raw term counts of a batch of documents, one CSR matrix per block (char, word)."""

    char: sp.csr_matrix
    word: sp.csr_matrix


class Vectorizer:
    """Turns (title, body) texts into hashed TF-IDF rows. `idf` is fitted on the patent pool."""

    def __init__(self, config: FeatureConfig, segmenter: Segmenter) -> None:
        self.config = config
        self.segmenter = segmenter
        self.idf: np.ndarray = np.zeros(config.dim, dtype=np.float32)
        self.n_docs = 0

    # --- counting ---------------------------------------------------------------------------

    def _block_counts(
        self, texts: Sequence[str], weight: float, words: Sequence[list[str]] | None = None
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        dim = self.config.dim
        n = len(texts)
        d_char, b_char = hash_char_ngrams(texts, self.config.char_ngrams, dim)
        char = sp.csr_matrix(
            (np.full(len(d_char), weight, np.float32), (d_char, b_char)), shape=(n, dim)
        )
        word_docs: list[int] = []
        word_list: list[str] = []
        if self.config.use_words:
            for i, text in enumerate(texts):
                ws = words[i] if words is not None else self.segmenter.words(text)
                word_list.extend(ws)
                word_docs.extend([i] * len(ws))
        else:
            for i, text in enumerate(texts):
                ws = latin_tokens(text)
                word_list.extend(ws)
                word_docs.extend([i] * len(ws))
        b_word = hash_words(word_list, dim)
        word = sp.csr_matrix(
            (np.full(len(b_word), weight, np.float32), (np.asarray(word_docs, np.int64), b_word)),
            shape=(n, dim),
        )
        char.sum_duplicates()
        word.sum_duplicates()
        return char, word

    def count(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        body_words: Sequence[list[str]] | None = None,
    ) -> Counts:
        """Term counts; title tokens count `title_weight` times (titles are dense with meaning,
        abstracts are long and repetitive). Texts are normalised here. `body_words` are the
        bodies' `segmenter.words` when the caller segmented them already (and keeps them)."""
        t_char, t_word = self._block_counts(
            [normalise(t) for t in titles], self.config.title_weight
        )
        b_char, b_word = self._block_counts([normalise(b) for b in bodies], 1.0, body_words)
        return Counts(char=(t_char + b_char).tocsr(), word=(t_word + b_word).tocsr())

    # --- fitting and weighting --------------------------------------------------------------

    def fit(self, counts: Counts) -> None:
        """Document frequencies over the pool -> idf = ln(N / df); 0 for unseen buckets, so a
        profile word that no patent uses cannot dilute the rest of the profile vector."""
        df = np.bincount(counts.char.indices, minlength=self.config.dim) + np.bincount(
            counts.word.indices, minlength=self.config.dim
        )
        self.set_idf(df, counts.char.shape[0])

    def set_idf(self, df: np.ndarray, n: int) -> None:
        """idf from document frequencies counted elsewhere (e.g. chunk by chunk)."""
        idf = np.zeros(self.config.dim, dtype=np.float64)
        seen = df > 0
        idf[seen] = np.log(max(n, 1) / df[seen])
        self.idf = idf.astype(np.float32)
        self.n_docs = n

    def weight(self, counts: Counts) -> sp.csr_matrix:
        """TF-IDF, prune, L2 per block, blocks summed with 1/sqrt(2) each (unit rows)."""
        blocks = [self._weigh_block(counts.char), self._weigh_block(counts.word)]
        out = (blocks[0] + blocks[1]) * np.float32(1 / np.sqrt(2))
        out = out.tocsr()
        out.sum_duplicates()
        out.eliminate_zeros()
        # Rows with only one non-empty block have norm 1/sqrt(2): rescale them to unit length so
        # a title-only Latin patent is not handicapped.
        return normalise_rows(out)

    def _weigh_block(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        m = counts.tocsr().astype(np.float32, copy=True)
        m.data = (1.0 + np.log(m.data)) * self.idf[m.indices]
        m.eliminate_zeros()
        m = prune_rows(m, self.config.max_features)
        return normalise_rows(m)

    def transform(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        body_words: Sequence[list[str]] | None = None,
    ) -> sp.csr_matrix:
        return self.weight(self.count(titles, bodies, body_words))


def prune_rows(m: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep the `keep` largest entries of every row (ties broken by column, deterministic)."""
    lengths = np.diff(m.indptr)
    if keep <= 0 or lengths.size == 0 or lengths.max() <= keep:
        return m
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    order = np.lexsort((m.indices, -m.data, rows))
    rank = np.arange(len(order)) - np.repeat(m.indptr[:-1], lengths)
    kept = np.sort(order[rank < keep])
    out = sp.csr_matrix((m.data[kept], (rows[kept], m.indices[kept])), shape=m.shape)
    out.sort_indices()
    return out


def l1_idf_rows(x: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """The same sparsity pattern as `x`, each entry replaced by its bucket's idf and each row
    scaled to sum 1: "what share of this document's information is in a given set of terms".
    Used for coverage (patent -> enterprise) scores."""
    out = x.copy().astype(np.float32)
    out.data = idf[out.indices].astype(np.float32)
    lengths = np.diff(out.indptr)
    sums = np.zeros(out.shape[0], dtype=np.float64)
    nonempty = np.nonzero(lengths)[0]
    if len(nonempty):
        sums[nonempty] = np.add.reduceat(out.data.astype(np.float64), out.indptr[:-1][nonempty])
    sums[sums == 0] = 1.0
    out.data = (out.data / np.repeat(sums, lengths)).astype(np.float32)
    return out


def row_norms(m: sp.csr_matrix) -> np.ndarray:
    """L2 norm of every row in O(nnz) (no work proportional to the 4M columns)."""
    sq = np.zeros(m.shape[0], dtype=np.float64)
    lengths = np.diff(m.indptr)
    nonempty = np.nonzero(lengths)[0]
    if len(nonempty):
        sq[nonempty] = np.add.reduceat(m.data.astype(np.float64) ** 2, m.indptr[:-1][nonempty])
    return np.sqrt(sq)


def normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    m = m.tocsr().astype(np.float32)
    norms = row_norms(m)
    norms[norms == 0] = 1.0
    m.data = (m.data / np.repeat(norms, np.diff(m.indptr))).astype(np.float32)
    return m


def cross(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Dense a @ b.T for two small row sets of a huge hashed space: columns are first compacted to
    the ones either side uses, so nothing costs O(dim) (a plain transpose would)."""
    cols = np.union1d(a.indices, b.indices)
    if len(cols) == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    ac = sp.csr_matrix(
        (a.data, np.searchsorted(cols, a.indices), a.indptr), shape=(a.shape[0], len(cols))
    )
    bc = sp.csr_matrix(
        (b.data, np.searchsorted(cols, b.indices), b.indptr), shape=(b.shape[0], len(cols))
    )
    return np.asarray((ac @ bc.T).toarray(), dtype=np.float32)


def sum_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """The sum of all rows as a 1-row CSR matrix, in O(nnz)."""
    cols, inverse = np.unique(m.indices, return_inverse=True)
    data = np.bincount(inverse, weights=m.data, minlength=len(cols)).astype(np.float32)
    return sp.csr_matrix((data, cols, np.array([0, len(cols)])), shape=(1, m.shape[1]))
