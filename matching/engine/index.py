"""The patent index: every patent's vectors and attributes as flat arrays, built once, persisted,
and extended incrementally.

Memory at 1M patents (abstracts, 128 features per block): the text matrix and its coverage twin
share one sparsity pattern, ~256M entries -> about 2 GB for data + indices; everything else is
small. The transposed copies used for scoring are built lazily and can be dropped with
`drop_caches()`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .build import parallel_rows, text_matrices
from .config import ScoringConfig
from .features import FeatureConfig, Vectorizer, l1_idf_rows
from .ipc import LEVELS, IpcVocab, patent_matrix
from .text import Segmenter, ipc_domain_terms, load_ipc_titles

FORMAT_VERSION = 1


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def patent_body(record: Mapping[str, Any]) -> str:
    """The non-title text of a patent record: application field and abstract."""
    return " ".join(
        t for t in (_text(record.get("application_field")), _text(record.get("abstract"))) if t
    )


class Codes:
    """Interning of short strings (provinces, deal forms) to small integers."""

    def __init__(self, values: Sequence[str] = ()) -> None:
        self.values: list[str] = list(values)
        self.code: dict[str, int] = {v: i for i, v in enumerate(self.values)}

    def get(self, value: str, grow: bool = True) -> int:
        if not value:
            return -1
        c = self.code.get(value)
        if c is None:
            if not grow:
                return -2  # known to be unknown: equals nothing, not even another unknown
            c = len(self.values)
            self.values.append(value)
            self.code[value] = c
        return c


@dataclass
class PatentBatch:
    """Vectors and attributes of some patents: index rows, or new records not (yet) indexed."""

    ids: list[str]
    titles: list[str]
    x: sp.csr_matrix  # unit TF-IDF rows
    cov: sp.csr_matrix  # same pattern, idf shares summing to 1 (coverage)
    ipc: sp.csr_matrix  # binary codes, all levels
    hub: np.ndarray
    province: np.ndarray  # int codes, -1 none
    deal: np.ndarray  # bitmask over deal form codes
    rows: np.ndarray | None = None  # index rows when taken from the index
    # For records scored outside the index that replace an indexed row (an updated patent):
    # the row whose liked / excluded relations they keep (-1 for none).
    inherits: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, cols: np.ndarray | Sequence[int]) -> PatentBatch:
        """The patents at `cols`, in that order (index rows and inherited rows follow along)."""
        cols = np.asarray(cols, dtype=np.int64)
        return PatentBatch(
            ids=[self.ids[c] for c in cols],
            titles=[self.titles[c] for c in cols],
            x=self.x[cols],
            cov=self.cov[cols],
            ipc=self.ipc[cols],
            hub=self.hub[cols],
            province=self.province[cols],
            deal=self.deal[cols],
            rows=self.rows[cols] if self.rows is not None else None,
            inherits=self.inherits[cols] if self.inherits is not None else None,
        )


@dataclass
class PatentIndex:
    """All patents of the pool. Build with `PatentIndex.build`, persist with `save` / `load`."""

    feature_config: FeatureConfig
    scoring: ScoringConfig
    domain_terms: tuple[str, ...]
    vectorizer: Vectorizer
    ids: list[str]
    titles: list[str]
    x: sp.csr_matrix
    cov: sp.csr_matrix
    ipc: sp.csr_matrix
    ipc_vocab: IpcVocab
    hub: np.ndarray
    ref_rows: np.ndarray
    province: np.ndarray
    deal: np.ndarray
    provinces: Codes
    deal_forms: Codes
    row: dict[str, int] = field(default_factory=dict)
    # Rows of patents that left the pool (or were replaced by a newer version scored outside
    # the index): never ranked for anyone, kept so that rows and cached structures stay valid.
    retired: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if len(self.retired) != len(self.ids):
            self.retired = np.zeros(len(self.ids), dtype=bool)

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        ipc_titles_path: str | Path | None = None,
        feature_config: FeatureConfig | None = None,
        scoring: ScoringConfig | None = None,
        domain_terms: Sequence[str] | None = None,
        workers: int = 1,
        chunk_size: int = 20_000,
        spill_dir: str | Path | None = None,
    ) -> PatentIndex:
        """Vectorise `records` (the patent JSONL shape), fit idf on them, compute hubness.

        `ipc_titles_path` (the IPC reference CSV) gives jieba its domain dictionary; pass
        `domain_terms` instead to reuse a list. Duplicate ids keep the first record.
        `records` may be a stream (read once, never held): texts are counted `chunk_size`
        records at a time (in `workers` forked processes when > 1) and the raw counts spilled
        under `spill_dir` (build.py); the result does not depend on workers or chunk size.
        """
        feature_config = feature_config or FeatureConfig()
        scoring = scoring or ScoringConfig()
        if domain_terms is None:
            domain_terms = (
                ipc_domain_terms(load_ipc_titles(ipc_titles_path)) if ipc_titles_path else []
            )
        vectorizer = Vectorizer(feature_config, Segmenter(domain_terms))
        attrs = _Attributes()
        x, cov = text_matrices(
            attrs.texts(records),
            vectorizer,
            workers=workers,
            chunk_size=chunk_size,
            spill_dir=spill_dir,
        )
        vocab = IpcVocab()
        n = len(attrs.ids)
        index = cls(
            feature_config=feature_config,
            scoring=scoring,
            domain_terms=tuple(domain_terms),
            vectorizer=vectorizer,
            ids=attrs.ids,
            titles=attrs.titles,
            x=x,
            cov=cov,
            ipc=patent_matrix(attrs.ipc, vocab),
            ipc_vocab=vocab,
            hub=np.zeros(n, np.float32),
            ref_rows=_reference_rows(n, scoring.hub_reference),
            province=np.asarray(attrs.province, dtype=np.int32),
            deal=np.asarray(attrs.deal, dtype=np.int64),
            provinces=attrs.provinces,
            deal_forms=attrs.deal_forms,
        )
        index.row = attrs.row
        ref = index._hub_reference()
        index.hub = parallel_rows(
            lambda a, b: index._hub_rows(index.x[a:b], np.arange(a, b), ref), n, workers
        )
        return index

    def add(self, records: Iterable[Mapping[str, Any]]) -> np.ndarray:
        """Append new patents (ids already indexed are skipped). idf and the hub reference set
        stay as they are, so existing scores do not move; rebuild now and then to refresh idf.
        Returns the rows of the added patents."""
        recs = [r for r in _dedupe(records) if str(r["id"]) not in self.row]
        if not recs:
            return np.zeros(0, np.int64)
        batch = self.vectorise(recs)
        start = self.size
        self.ids.extend(batch.ids)
        self.titles.extend(batch.titles)
        self.x = sp.vstack([self.x, batch.x]).tocsr()
        self.cov = sp.vstack([self.cov, batch.cov]).tocsr()
        ipc_old = self.ipc.copy()
        ipc_old.resize((ipc_old.shape[0], len(self.ipc_vocab)))
        self.ipc = sp.vstack([ipc_old, batch.ipc]).tocsr()
        self.hub = np.concatenate([self.hub, batch.hub])
        self.province = np.concatenate([self.province, batch.province])
        self.deal = np.concatenate([self.deal, batch.deal])
        self.retired = np.concatenate([self.retired, np.zeros(len(batch.ids), dtype=bool)])
        for i, pid in enumerate(batch.ids):
            self.row[pid] = start + i
        self.drop_caches()
        return np.arange(start, self.size)

    def retire(self, ids: Iterable[str], retired: bool = True) -> None:
        """Take indexed patents out of every ranking (or, with retired=False, put them back).
        Unknown ids are ignored. Cheap: no matrix changes; a rebuild drops retired rows."""
        rows = [self.row[pid] for pid in ids if pid in self.row]
        self.retired[rows] = retired

    @property
    def live_size(self) -> int:
        return self.size - int(self.retired.sum())

    def vectorise(self, records: Sequence[Mapping[str, Any]]) -> PatentBatch:
        """Vectors of patents that need not be in the index (e.g. one new patent to place)."""
        x = self.vectorizer.transform(
            [_text(r.get("title")) for r in records], [patent_body(r) for r in records]
        )
        ipc = patent_matrix([list(r.get("ipc") or []) for r in records], self.ipc_vocab)
        return PatentBatch(
            ids=[str(r["id"]) for r in records],
            titles=[_text(r.get("title")) for r in records],
            x=x,
            cov=l1_idf_rows(x, self.vectorizer.idf),
            ipc=ipc,
            # an indexed patent's other version is not its own neighbour
            hub=self._hubness(x, np.array([self.row.get(str(r["id"]), -1) for r in records])),
            province=np.array(
                [self.provinces.get(_text(r.get("province"))) for r in records], dtype=np.int32
            ),
            deal=np.array(
                [_deal_bits(r.get("deal_forms"), self.deal_forms) for r in records], np.int64
            ),
        )

    def batch(self, rows: np.ndarray | Sequence[int] | None = None) -> PatentBatch:
        """Index rows (all when None) as a PatentBatch, without copying when all."""
        if rows is None:
            return PatentBatch(
                ids=self.ids,
                titles=self.titles,
                x=self.x,
                cov=self.cov,
                ipc=self.ipc_matrix(),
                hub=self.hub,
                province=self.province,
                deal=self.deal,
                rows=np.arange(self.size),
            )
        return self.batch().take(rows)

    # --- hubness ----------------------------------------------------------------------------

    def _hubness(self, x: sp.csr_matrix, rows: np.ndarray | None) -> np.ndarray:
        """Mean cosine of each row of `x` to its `hub_k` nearest patents of the reference set
        (itself excluded). A generic title ("检测装置") sits close to many patents and gets a
        high hub value; subtracting it is CSLS-style hubness reduction."""
        if not self.has_cache("hub_reference"):  # one new patent should not rebuild it
            self.put_cache("hub_reference", self._hub_reference())
        return self._hub_rows(x, rows, self.cached_value("hub_reference"))

    def _hub_reference(self) -> tuple[sp.csr_matrix, np.ndarray, int]:
        """(transposed reference rows, each index row's position in the reference set or -1,
        k): built once and shared by every block (and forked worker) of a build."""
        ref = self.ref_rows
        k = min(self.scoring.hub_k, max(len(ref) - 1, 0))
        ref_t = self.x[ref].T.tocsr()
        pos_in_ref = np.full(self.size, -1, np.int64)
        pos_in_ref[ref] = np.arange(len(ref))
        return ref_t, pos_in_ref, k

    def _hub_rows(
        self,
        x: sp.csr_matrix,
        rows: np.ndarray | None,
        reference: tuple[sp.csr_matrix, np.ndarray, int],
        block: int = 2048,
    ) -> np.ndarray:
        ref_t, pos_in_ref, k = reference
        out = np.zeros(x.shape[0], np.float32)
        if k == 0:
            return out
        for start in range(0, x.shape[0], block):
            stop = min(start + block, x.shape[0])
            sims = (x[start:stop] @ ref_t).toarray()
            if rows is not None:
                part = rows[start:stop]
                own = np.where(part >= 0, pos_in_ref[np.maximum(part, 0)], -1)
                hit = np.nonzero(own >= 0)[0]
                sims[hit, own[hit]] = -np.inf
            top = -np.partition(-sims, k - 1, axis=1)[:, :k]
            out[start:stop] = top.mean(axis=1)
        return out

    # --- lookups and caches -----------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.ids)

    def ipc_matrix(self) -> sp.csr_matrix:
        """IPC codes with as many columns as the vocabulary has now (profiles may add codes)."""
        if self.ipc.shape[1] != len(self.ipc_vocab):
            m = self.ipc.copy()
            m.resize((m.shape[0], len(self.ipc_vocab)))
            self.ipc = m.tocsr()
        return self.ipc

    def cached(self, name: str) -> Any:
        """Lazily built derived structures: transposes for scoring, the retrieval index."""
        if name not in self._cache:
            if name == "xt":
                self._cache[name] = self.x.T.tocsr()
            elif name == "covt":
                self._cache[name] = self.cov.T.tocsr()
            else:
                raise KeyError(name)
        return self._cache[name]

    def cached_value(self, name: str) -> Any:
        return self._cache[name]

    def put_cache(self, name: str, value: Any) -> None:
        self._cache[name] = value

    def has_cache(self, name: str) -> bool:
        return name in self._cache

    def drop_caches(self) -> None:
        self._cache.clear()

    def subclass_codes(self, row: int) -> list[str]:
        return self.codes_of_row(row).get("subclass", [])

    def codes_of_row(self, row: int, ipc: sp.csr_matrix | None = None) -> dict[str, list[str]]:
        m = self.ipc if ipc is None else ipc
        out: dict[str, list[str]] = {level: [] for level in LEVELS}
        for col in m.indices[m.indptr[row] : m.indptr[row + 1]]:
            level, code = self.ipc_vocab.keys[col].split(":", 1)
            out[level].append(code)
        return out

    # --- persistence ------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """One .npz file: numeric arrays plus gzip'd JSON metadata (no pickle)."""
        idf = self.vectorizer.idf
        nz = np.nonzero(idf)[0]
        meta = {
            "format": FORMAT_VERSION,
            "feature_config": asdict(self.feature_config),
            "scoring": asdict(self.scoring),
            "domain_terms": list(self.domain_terms),
            "n_docs": self.vectorizer.n_docs,
            "ids": self.ids,
            "titles": self.titles,
            "ipc_vocab": self.ipc_vocab.keys,
            "provinces": self.provinces.values,
            "deal_forms": self.deal_forms.values,
        }
        blob = np.frombuffer(gzip.compress(json.dumps(meta).encode("utf-8")), dtype=np.uint8)
        ipc = self.ipc_matrix()
        with open(path, "wb") as handle:
            np.savez(
                handle,
                meta=blob,
                x_data=self.x.data,
                x_indices=self.x.indices,
                x_indptr=self.x.indptr,
                cov_data=self.cov.data,
                ipc_indices=ipc.indices,
                ipc_indptr=ipc.indptr,
                hub=self.hub,
                ref_rows=self.ref_rows,
                province=self.province,
                deal=self.deal,
                retired=self.retired,
                idf_at=nz,
                idf=idf[nz],
            )

    @classmethod
    def load(cls, path: str | Path) -> PatentIndex:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(gzip.decompress(z["meta"].tobytes()).decode("utf-8"))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"unsupported patent index format {meta.get('format')!r}")
            fc = meta["feature_config"]
            fc["char_ngrams"] = tuple(fc["char_ngrams"])
            feature_config = FeatureConfig(**fc)
            scoring = ScoringConfig(**meta["scoring"])
            n = len(meta["ids"])
            dim = feature_config.dim
            x = sp.csr_matrix((z["x_data"], z["x_indices"], z["x_indptr"]), shape=(n, dim))
            cov = sp.csr_matrix((z["cov_data"], z["x_indices"], z["x_indptr"]), shape=(n, dim))
            vocab = IpcVocab(meta["ipc_vocab"])
            ipc_indices = z["ipc_indices"]
            ipc = sp.csr_matrix(
                (np.ones(len(ipc_indices), np.float32), ipc_indices, z["ipc_indptr"]),
                shape=(n, len(vocab)),
            )
            vectorizer = Vectorizer(feature_config, Segmenter(meta["domain_terms"]))
            idf = np.zeros(dim, np.float32)
            idf[z["idf_at"]] = z["idf"]
            vectorizer.idf = idf
            vectorizer.n_docs = int(meta["n_docs"])
            index = cls(
                feature_config=feature_config,
                scoring=scoring,
                domain_terms=tuple(meta["domain_terms"]),
                vectorizer=vectorizer,
                ids=list(meta["ids"]),
                titles=list(meta["titles"]),
                x=x,
                cov=cov,
                ipc=ipc,
                ipc_vocab=vocab,
                hub=z["hub"].astype(np.float32),
                ref_rows=z["ref_rows"].astype(np.int64),
                province=z["province"].astype(np.int32),
                deal=z["deal"].astype(np.int64),
                provinces=Codes(meta["provinces"]),
                deal_forms=Codes(meta["deal_forms"]),
            )
            if "retired" in z.files:
                index.retired = z["retired"].astype(bool)
        index.row = {pid: i for i, pid in enumerate(index.ids)}
        return index


class _Attributes:
    """Everything but the text of streamed records, kept while the texts go to the workers;
    duplicate ids keep the first record."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.ipc: list[list[str]] = []
        self.province: list[int] = []
        self.deal: list[int] = []
        self.provinces = Codes()
        self.deal_forms = Codes()
        self.row: dict[str, int] = {}

    def texts(self, records: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
        for r in records:
            pid = str(r["id"])
            if pid in self.row:
                continue
            self.row[pid] = len(self.ids)
            self.ids.append(pid)
            title = _text(r.get("title"))
            self.titles.append(title)
            self.ipc.append(list(r.get("ipc") or []))
            self.province.append(self.provinces.get(_text(r.get("province"))))
            self.deal.append(_deal_bits(r.get("deal_forms"), self.deal_forms))
            yield title, patent_body(r)


def _dedupe(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    seen: set[str] = set()
    out: list[Mapping[str, Any]] = []
    for r in records:
        pid = str(r["id"])
        if pid not in seen:
            seen.add(pid)
            out.append(r)
    return out


def _reference_rows(n: int, limit: int) -> np.ndarray:
    """All rows when the pool is small, else a fixed seeded sample: the hub then measures
    density at the same quantile whatever the pool size, and costs n x limit, not n x n."""
    if n <= limit:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(20240601)
    return np.sort(rng.choice(n, size=limit, replace=False)).astype(np.int64)


def _deal_bits(forms: Any, codes: Codes) -> int:
    bits = 0
    for form in forms or []:
        c = codes.get(str(form))
        if 0 <= c < 63:
            bits |= 1 << c
    return bits
