"""Why a patent matches a profile: structured reasons, computed only for the pairs shown.

A reason is `Reason(code, params)`; the platform translates codes, and `render_reasons` gives
plain English for files. Codes (params):

  similar_to_liked     {"count": int, "example_title": str}  liked patents with cosine >= 0.2
  matches_need_terms   {"terms": [str]}  keywords / need words found in the patent
  matches_topic_terms  {"terms": [str], "topic": str}  keywords found in the patent that only
                       a subscribed topic gave (one reason per topic; see ProfileMatrix)
  shared_ipc           {"ipc": "G06F 16"}  finest shared IPC code (group > subclass > class)
  industry_ipc         {"ipc": "H01M"}  shared code known only through the industry concordance
  shared_terms         {"terms": [str]}  distinctive words shared with the most similar liked one
  deal_form_offered    {"forms": [str]}  deal forms offered that the enterprise prefers
  same_province        {}

Everything here is per pair and cheap (a few small sparse products), so it is run for the top-k
of each list only, never inside the scoring loops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .features import hash_char_ngrams, hash_words
from .index import PatentBatch, PatentIndex
from .ipc import LEVELS
from .profiles import ProfileMatrix
from .text import _CJK_ONLY, normalise, shown_words


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def cross_few(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Dense a @ b.T when `a` has few rows (a profile's liked patents): `a` becomes dense over
    its own columns only and `b` keeps just the entries in those columns, so the cost is one
    sparse x dense product, with no sort over both sides' columns (`features.cross`)."""
    out = np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    if a.nnz == 0 or b.nnz == 0:
        return out
    cols, local = np.unique(a.indices, return_inverse=True)
    dense = np.zeros((a.shape[0], len(cols)), dtype=np.float32)
    dense[np.repeat(np.arange(a.shape[0]), np.diff(a.indptr)), local] = a.data
    pos = np.minimum(np.searchsorted(cols, b.indices), len(cols) - 1)
    hit = cols[pos] == b.indices
    kept = np.concatenate([[0], np.cumsum(hit)])[b.indptr]
    compact = sp.csr_matrix((b.data[hit], pos[hit], kept), shape=(b.shape[0], len(cols)))
    return np.asarray((compact @ dense.T).T, dtype=np.float32)


class Explainer:
    """Reasons for (profile, patent) pairs, with small caches (term buckets, title words)."""

    def __init__(self, profiles: ProfileMatrix, index: PatentIndex) -> None:
        self.pm = profiles
        self.index = index
        self.s = profiles.scoring
        self.dim = index.feature_config.dim
        self._buckets: dict[str, tuple[int, ...]] = {}
        self._need_words: dict[int, list[str]] = {}
        self._words: dict[str, list[str]] = {}
        self._idf: dict[str, float] = {}

    def words(self, text: str) -> list[str]:
        """Distinct words worth showing a person: 2+ characters, not boilerplate (cached:
        titles recur across pairs)."""
        if text not in self._words:
            seg = self.index.vectorizer.segmenter
            self._words[text] = shown_words(seg.words(normalise(text)))
        return self._words[text]

    def idf(self, word: str) -> float:
        self._learn_idf([word])
        return self._idf[word]

    def _learn_idf(self, words: Sequence[str]) -> None:
        """idf of many words with one vectorised hash (one call per word is most of the cost of
        a profile's first explanation)."""
        missing = [w for w in dict.fromkeys(words) if w not in self._idf]
        if missing:
            idf = self.index.vectorizer.idf[hash_words(missing, self.dim)]
            self._idf.update(zip(missing, idf.tolist(), strict=True))

    def buckets(self, term: str) -> tuple[int, ...]:
        """Buckets that must all be present for a document to contain `term`: the whole term as
        a char n-gram when it has <= 3 characters, else all its character trigrams; a Latin term
        is one word bucket."""
        self._learn_buckets([term])
        return self._buckets[term]

    def _learn_buckets(self, terms: Sequence[str]) -> None:
        """`buckets` of many terms, with one vectorised hash per n-gram length."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._buckets]
        latin = [t for t in missing if not _CJK_ONLY.match(t)]
        for term, bucket in zip(latin, hash_words(latin, self.dim).tolist(), strict=True):
            self._buckets[term] = (int(bucket),)
        for n in (1, 2, 3):
            group = [t for t in missing if _CJK_ONLY.match(t) and min(len(t), 3) == n]
            if not group:
                continue
            docs, buckets = hash_char_ngrams(group, (n,), self.dim)
            keys = np.unique(docs * self.dim + buckets)  # sorted by term, then bucket
            splits = np.searchsorted(keys, np.arange(1, len(group)) * self.dim)
            for term, own in zip(group, np.split(keys % self.dim, splits), strict=True):
                self._buckets[term] = tuple(own.tolist())

    def _profile_terms(self, i: int) -> list[str]:
        """Keywords, then distinctive words of the need description (by idf, highest first)."""
        if i not in self._need_words:
            self._learn_profiles([i])
        return self._need_words[i]

    def _learn_profiles(self, rows: Iterable[int]) -> None:
        """`_profile_terms` of many profiles, their idf and buckets hashed together (a placement
        explains hundreds of profiles a worker may not have explained before)."""
        new = [i for i in dict.fromkeys(rows) if i not in self._need_words]
        self._learn_idf([w for i in new for w in self.pm.need_words[i]])
        for i in new:
            words = sorted(self.pm.need_words[i], key=lambda w: -self._idf[w])
            self._need_words[i] = list(dict.fromkeys([*self.pm.need_terms(i), *words]))
        self._learn_buckets([t for i in new for t in self._need_words[i]])

    def _terms_present(self, terms: Sequence[str], x: sp.csr_matrix) -> np.ndarray:
        """(rows of x, terms) booleans: the row holds every bucket of the term (the check
        for all pairs at once; a term without buckets is never present)."""
        out = np.zeros((x.shape[0], len(terms)), dtype=bool)
        self._learn_buckets(terms)
        per_term = [self._buckets[t] for t in terms]
        flat = [b for buckets in per_term for b in buckets]
        if not flat or x.nnz == 0:
            return out
        needed = np.unique(np.asarray(flat, dtype=np.int64))
        pos = np.minimum(np.searchsorted(needed, x.indices), len(needed) - 1)
        hit = needed[pos] == x.indices
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        has = np.zeros((x.shape[0], len(needed)), dtype=bool)
        has[rows[hit], pos[hit]] = True
        for k, buckets in enumerate(per_term):
            if buckets:
                out[:, k] = has[:, np.searchsorted(needed, buckets)].all(axis=1)
        return out

    def _shared_words(self, a: str, b: str) -> list[str]:
        wb = set(self.words(b))
        shared = sorted((w for w in self.words(a) if w in wb), key=lambda w: -self.idf(w))
        return shared[: self.s.max_terms]

    def _liked_rows(self, i: int) -> np.ndarray:
        rows = self.pm.liked[i].indices
        return rows[rows < self.index.size]

    def explain(self, i: int, batch: PatentBatch, cols: Sequence[int]) -> list[list[Reason]]:
        """Reasons for profile `i` and the patents `batch` columns `cols`, in importance order."""
        cols = list(cols)
        if not cols:
            return []
        liked_rows = self._liked_rows(i)
        sub_x = batch.x[cols]
        sims = cross_few(self.index.x[liked_rows], sub_x)
        terms = self._profile_terms(i)
        present = self._terms_present(terms, sub_x)
        return [
            self._reasons(
                i,
                batch,
                col,
                liked_rows,
                sims[:, j],
                [t for t, ok in zip(terms, present[j], strict=True) if ok],
            )
            for j, col in enumerate(cols)
        ]

    def explain_patent(
        self, rows: Sequence[int], batch: PatentBatch, col: int
    ) -> list[list[Reason]]:
        """Reasons for one patent (`batch` column `col`) and each profile of `rows`: the same as
        `explain(i, batch, [col])[0]` for each, with one product over all their liked patents and
        the need terms looked up in the patent's buckets (placing a patent explains ~1,000
        profiles at once, where per-pair sparse products were most of the time)."""
        x = batch.x[col]
        liked = [self._liked_rows(i) for i in rows]
        union = np.unique(np.concatenate([np.zeros(0, np.int64), *liked]))
        union_sims = cross_few(self.index.x[union], x)[:, 0]
        buckets_of_patent = set(x.indices.tolist())
        self._learn_profiles(rows)
        out = []
        for i, liked_rows in zip(rows, liked, strict=True):
            found = [
                term
                for term in self._need_words[i]
                if x.nnz
                and (buckets := self._buckets[term])
                and all(b in buckets_of_patent for b in buckets)
            ]
            sims = union_sims[np.searchsorted(union, liked_rows)]
            out.append(self._reasons(i, batch, col, liked_rows, sims, found))
        return out

    def _term_reasons(self, i: int, terms: list[str]) -> list[Reason]:
        """The profile's terms found in a patent: those of its needs as one reason, those only a
        subscribed topic gave as one reason per topic (a person never wrote them as a need)."""
        topic_of = self.pm.topic_terms[i]
        need = [t for t in terms if t not in topic_of]
        by_topic: dict[str, list[str]] = {}
        for term in terms:
            if term in topic_of:
                by_topic.setdefault(topic_of[term], []).append(term)
        reasons = [Reason("matches_need_terms", {"terms": need})] if need else []
        reasons += [
            Reason("matches_topic_terms", {"terms": found, "topic": topic})
            for topic, found in by_topic.items()
        ]
        return reasons

    def _reasons(
        self,
        i: int,
        batch: PatentBatch,
        col: int,
        liked_rows: np.ndarray,
        sims: np.ndarray,
        found: list[str],
    ) -> list[Reason]:
        """One pair's reasons, given the cosines to the profile's liked patents and the need
        terms the patent contains."""
        pm, index = self.pm, self.index
        reasons: list[Reason] = []
        title = batch.titles[col]
        example = ""
        if len(liked_rows):
            close = sims >= self.s.similar_threshold
            if close.any():
                best = int(np.argmax(sims))
                example = index.titles[int(liked_rows[best])]
                reasons.append(
                    Reason(
                        "similar_to_liked", {"count": int(close.sum()), "example_title": example}
                    )
                )
        if not found and title:
            plain = normalise(title)
            found = [t for t in self._profile_terms(i) if t in plain]
        if found:
            reasons += self._term_reasons(i, found[: self.s.max_terms])
        codes = index.codes_of_row(col, batch.ipc)
        interest = pm.interest_codes[i]
        for level in reversed(LEVELS):
            shared = sorted(set(codes[level]) & interest[level])
            if shared:
                code = shared[0]
                kind = "industry_ipc" if code in pm.industry_only_codes[i] else "shared_ipc"
                reasons.append(Reason(kind, {"ipc": code}))
                break
        if example and not found:
            words = self._shared_words(title, example)
            if words:
                reasons.append(Reason("shared_terms", {"terms": words}))
        prov = pm.province[i]
        if prov >= 0 and prov == batch.province[col]:
            reasons.append(Reason("same_province"))
        common = int(pm.deal[i]) & int(batch.deal[col])
        if common:
            forms = [f for b, f in enumerate(index.deal_forms.values) if common >> b & 1]
            reasons.append(Reason("deal_form_offered", {"forms": forms}))
        return reasons


def _quote(title: str, limit: int = 40) -> str:
    title = title.strip()
    return f"'{title[:limit]}…'" if len(title) > limit else f"'{title}'"


def render_reason(reason: Reason | dict[str, Any], audience: str = "enterprise") -> str:
    """Plain English. `audience` "enterprise" addresses the enterprise ("you"); "patent" talks
    about the enterprise to the patent's side."""
    if isinstance(reason, Reason):
        code, params = reason.code, reason.params
    else:
        code, params = reason.get("code", ""), reason.get("params") or {}
    you = audience == "enterprise"
    if code == "similar_to_liked":
        count = int(params.get("count", 1))
        holder = "you already hold" if you else "the enterprise already holds"
        what = "a patent" if count == 1 else f"{count} patents"
        text = f"similar to {what} {holder}"
        if params.get("example_title"):
            text += (", e.g. " if count > 1 else ": ") + _quote(str(params["example_title"]))
        return text
    if code == "matches_need_terms":
        terms = ", ".join(str(t) for t in params.get("terms", []))
        return f"matches {'your' if you else 'its'} need terms: {terms}"
    if code == "matches_topic_terms":
        terms = ", ".join(str(t) for t in params.get("terms", []))
        topic = f" {_quote(str(params['topic']))}" if params.get("topic") else ""
        return f"matches {'your' if you else 'its'} subscribed topic{topic}: {terms}"
    if code == "shared_ipc":
        return f"shares IPC {params.get('ipc', '')}"
    if code == "industry_ipc":
        return f"in a field of {'your' if you else 'its'} industry (IPC {params.get('ipc', '')})"
    if code == "shared_terms":
        return "shares the terms " + ", ".join(str(t) for t in params.get("terms", []))
    if code == "same_province":
        return "in your province" if you else "same province"
    if code == "deal_form_offered":
        forms = ", ".join(str(f).replace("_", " ") for f in params.get("forms", []))
        return f"offers a deal form {'you prefer' if you else 'it prefers'}" + (
            f" ({forms})" if forms else ""
        )
    return str(params.get("text") or code)


def render_reasons(
    reasons: Sequence[Reason | dict[str, Any]], audience: str = "enterprise"
) -> list[str]:
    return [render_reason(r, audience) for r in reasons]


def render_line(reasons: Sequence[Reason | dict[str, Any]], audience: str = "enterprise") -> str:
    """One line, e.g. "shares IPC G06F; similar to 3 patents you already hold, e.g. '…'"."""
    return "; ".join(render_reasons(reasons, audience))
