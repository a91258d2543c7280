"""Synthetic patents and enterprise profiles for the matching scale benchmark.

Why not patents/synthetic.py: its 18 technology areas with a handful of subjects each give a
vocabulary of a few hundred words, so at 1M patents every feature is in more than 1% of the pool
and the inverted index has nothing rare to walk; timings on it say nothing about real text.

Here text is sampled from a character-bigram Markov chain fitted on the benchmark's 8,665 real
patent titles (shared/bench/matching/dev): the features follow a realistic Zipfian distribution
(common characters in most documents, a long tail of rare bigrams and trigrams), titles are
about 16 and abstracts about 200 characters, and IPC codes are drawn from the real titles'
subclasses with a random main group. It is not real text and says nothing about quality.

Patents are written once to a JSONL cache under /tmp and streamed from it (a million record
dicts would cost ~1.5 GB of Python objects); generation is deterministic for (count, seed).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path("/work/shared/bench/matching")
CACHE_DIR = Path("/tmp")
PROVINCES = ["110000", "310000", "320000", "330000", "440000", "510000", ""]
DEAL_FORMS = ["transfer", "ordinary_licence", "open_licence", "investment"]
TITLE_CHARS = 16
ABSTRACT_CHARS = 200
CHUNK = 50_000  # texts generated per numpy pass (memory: CHUNK x length int64)


def patent_id(i: int) -> str:
    return f"s{i:07d}"


@dataclass
class Markov:
    """Character bigram chain: for state s, next-state candidates nxt[a:b] with cumulative
    probabilities cum[a:b] offset by s (one flat searchsorted serves every state)."""

    cum: np.ndarray
    nxt: np.ndarray
    chars: np.ndarray
    start: int
    subclasses: list[str]

    @classmethod
    def fit(cls, bench: Path = BENCH) -> Markov:
        with open(bench / "dev" / "patents.jsonl", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
        titles = [r["title"] for r in records]
        chars = sorted(set("".join(titles)) | {"^"})
        code = {c: i for i, c in enumerate(chars)}
        counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for title in titles:
            prev = code["^"]
            for ch in title:
                counts[prev][code[ch]] += 1
                prev = code[ch]
            counts[prev][code["^"]] += 1
        cum, nxt = [], []
        for s in range(len(chars)):
            follow = counts.get(s) or {code["^"]: 1}
            weights = np.array(list(follow.values()), float)
            cum.append(s + np.cumsum(weights / weights.sum()))
            nxt.append(np.array(list(follow.keys())))
        subclasses = [r["ipc"][0] for r in records if r.get("ipc")]
        return cls(np.concatenate(cum), np.concatenate(nxt), np.array(chars), code["^"], subclasses)

    def texts(self, n: int, length: int, rng: np.random.Generator) -> list[str]:
        """`n` texts of `length` sampled characters; title ends ("^") become "，"."""
        state = np.full(n, self.start)
        out = np.zeros((n, length), np.int64)
        for k in range(length):
            j = np.searchsorted(self.cum, state + rng.random(n) * 0.999999, side="right")
            state = self.nxt[np.minimum(j, len(self.nxt) - 1)]
            out[:, k] = state
        return ["".join(row).replace("^", "，").strip("，") for row in self.chars[out].tolist()]


def _patents(model: Markov, start: int, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    titles = model.texts(n, TITLE_CHARS, rng)
    abstracts = model.texts(n, ABSTRACT_CHARS, rng)
    subs = rng.integers(len(model.subclasses), size=n)
    groups = rng.integers(1, 50, size=n)
    subgroups = rng.integers(1, 99, size=n)
    provinces = rng.integers(len(PROVINCES), size=n)
    forms = rng.integers(1, 16, size=n)  # bitmask over DEAL_FORMS, at least one
    return [
        {
            "id": patent_id(start + i),
            "title": titles[i],
            "abstract": abstracts[i],
            "ipc": [f"{model.subclasses[subs[i]]} {groups[i]}/{subgroups[i]:02d}"],
            "deal_forms": [f for b, f in enumerate(DEAL_FORMS) if forms[i] >> b & 1],
            "province": PROVINCES[provinces[i]],
            "legal_status": "valid",
        }
        for i in range(n)
    ]


def patents_file(count: int, seed: int = 11, cache_dir: Path = CACHE_DIR) -> Path:
    """The JSONL file of `count` synthetic patents, generated on first use."""
    path = cache_dir / f"panhuo-match-patents-{count}-{seed}.jsonl"
    if path.exists():
        return path
    model = Markov.fit()
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as handle:
        for start in range(0, count, CHUNK):
            for record in _patents(model, start, min(CHUNK, count - start), rng):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def read_patents(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def profiles(count: int, n_patents: int, seed: int = 5) -> list[dict[str, Any]]:
    """Enterprise profiles: 80% hold liked patents (geometric(0.25) of them, at most 40, as in
    the benchmark's portfolios), half write a need text, most give two keywords and some an IPC
    subclass; province and preferred deal form as the platform stores them."""
    model = Markov.fit()
    rng = np.random.default_rng(seed)
    needs = model.texts(count, 60, rng)
    words = model.texts(count * 2, 4, rng)
    out = []
    for i in range(count):
        liked = (
            [
                patent_id(int(j))
                for j in rng.choice(
                    n_patents, size=min(int(rng.geometric(0.25)), 40), replace=False
                )
            ]
            if rng.random() < 0.8
            else []
        )
        out.append(
            {
                "id": str(i + 1),
                "description": needs[i] if rng.random() < 0.5 else "",
                "keywords": [w for w in words[2 * i : 2 * i + 2] if w]
                if rng.random() < 0.7
                else [],
                "ipc": (
                    [model.subclasses[int(rng.integers(len(model.subclasses)))]]
                    if rng.random() < 0.3
                    else []
                ),
                "industry_codes": [],
                "province": PROVINCES[int(rng.integers(len(PROVINCES)))],
                "liked_patents": liked,
                "disliked_patents": [],
                "excluded_patents": [],
                "preferred_deal_forms": [DEAL_FORMS[int(rng.integers(len(DEAL_FORMS)))]],
            }
        )
    return out
