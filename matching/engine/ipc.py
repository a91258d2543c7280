"""IPC symbols: parsing, the code vocabulary and profile interest weights.

A symbol such as "G06F 16/35" counts at three levels: class "G06", subclass "G06F" and main
group "G06F 16". A patent is a set of codes at each level; a profile is a distribution over codes
at each level (the share of its liked patents and declared interests that carry the code).
The IPC score of a pair is  sum_level  level_weight * (profile share of the patent's codes), so it
is 1 for a patent squarely in the only field a profile knows and falls as the profile spreads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

_SYMBOL = re.compile(r"^([A-H])(\d{2})([A-Z])?\s*(\d{1,4})?(?:\s*/\s*(\d{1,6}))?")

LEVELS: tuple[str, ...] = ("class", "subclass", "group")
# Subclass is the level the benchmark (and most Chinese patent statistics) uses; class and main
# group refine it without letting a broad class outweigh a shared subclass.
LEVEL_WEIGHTS: dict[str, float] = {"class": 0.5, "subclass": 1.0, "group": 0.5}


def codes_of(symbol: str) -> dict[str, str]:
    """{"class": "G06", "subclass": "G06F", "group": "G06F 16"} for whatever the symbol holds;
    {} for text that is not an IPC symbol. Tolerates "G06F16/35", "g06f 16/35", "G06F"."""
    match = _SYMBOL.match(symbol.strip().upper().replace("\u3000", " "))
    if not match:
        return {}
    section, klass, sub, group, _ = match.groups()
    out = {"class": f"{section}{klass}"}
    if sub:
        out["subclass"] = f"{section}{klass}{sub}"
        if group:
            out["group"] = f"{section}{klass}{sub} {int(group)}"
    return out


def level_codes(symbols: Iterable[str]) -> dict[str, list[str]]:
    """Distinct codes per level, in first-seen order."""
    out: dict[str, list[str]] = {level: [] for level in LEVELS}
    for symbol in symbols:
        for level, code in codes_of(symbol).items():
            if code not in out[level]:
                out[level].append(code)
    return out


def finest(code_levels: Mapping[str, str]) -> tuple[str, str] | None:
    for level in reversed(LEVELS):
        if level in code_levels:
            return level, code_levels[level]
    return None


class IpcVocab:
    """Column numbers for "level:code" keys; grows as patents and profiles bring new codes."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self.keys: list[str] = list(keys)
        self.col: dict[str, int] = {k: i for i, k in enumerate(self.keys)}

    def get(self, level: str, code: str, grow: bool = True) -> int | None:
        key = f"{level}:{code}"
        col = self.col.get(key)
        if col is None and grow:
            col = len(self.keys)
            self.keys.append(key)
            self.col[key] = col
        return col

    def __len__(self) -> int:
        return len(self.keys)


def patent_matrix(
    ipc_lists: Sequence[Sequence[str]], vocab: IpcVocab, n_cols: int | None = None
) -> sp.csr_matrix:
    """Binary (patents x codes) matrix of every level's codes."""
    rows: list[int] = []
    cols: list[int] = []
    for i, symbols in enumerate(ipc_lists):
        for level, codes in level_codes(symbols).items():
            for code in codes:
                col = vocab.get(level, code)
                assert col is not None
                rows.append(i)
                cols.append(col)
    shape = (len(ipc_lists), n_cols if n_cols is not None else len(vocab))
    return sp.csr_matrix(
        (np.ones(len(rows), np.float32), (np.asarray(rows, np.int64), np.asarray(cols, np.int64))),
        shape=shape,
    )


class ProfileIpc:
    """A profile's IPC interests: per level, code -> share, and where each code came from."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, float]] = {level: defaultdict(float) for level in LEVELS}
        self.totals: dict[str, float] = dict.fromkeys(LEVELS, 0.0)
        self.from_industry_only: set[str] = set()
        self._direct: set[str] = set()

    def add(self, symbols: Iterable[str], *, industry: bool = False) -> None:
        """One source of interest (a liked patent, a declared IPC code, an industry code's IPC
        prefixes) adds weight 1 per level, split over its distinct codes at that level."""
        self.add_levels(level_codes(symbols), industry=industry)

    def add_levels(self, per_level: Mapping[str, Sequence[str]], *, industry: bool = False) -> None:
        """`add` for codes already split by level (as the index stores them)."""
        for level, codes in per_level.items():
            if not codes:
                continue
            for code in codes:
                self.counts[level][code] += 1.0 / len(codes)
                if industry:
                    if code not in self._direct:
                        self.from_industry_only.add(code)
                else:
                    self._direct.add(code)
                    self.from_industry_only.discard(code)
            self.totals[level] += 1.0

    def shares(self) -> dict[str, dict[str, float]]:
        return {
            level: {code: c / self.totals[level] for code, c in self.counts[level].items()}
            for level in LEVELS
            if self.totals[level] > 0
        }

    def codes(self) -> dict[str, set[str]]:
        return {level: set(self.counts[level]) for level in LEVELS}


def industry_prefixes(
    industry_codes: Iterable[str], industry_ipc: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """IPC prefixes for GB/T 4754 industry codes through a concordance given as data.

    A code missing from the concordance falls back to its parents (a 4-digit 小类 to its 3-digit
    中类 and 2-digit 大类), because concordances are often kept at the coarser level. No table is
    built in: without a concordance, industry codes contribute nothing here.
    """
    if not industry_ipc:
        return []
    out: list[str] = []
    for code in industry_codes:
        code = str(code).strip().upper()
        for prefix_len in range(len(code), 0, -1):
            mapped = industry_ipc.get(code[:prefix_len])
            if mapped:
                out.extend(mapped)
                break
    return out
