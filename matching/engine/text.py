"""Text normalisation and Chinese word segmentation.

Contract: every function here is pure and deterministic for a given input and domain dictionary,
so a patent index built today tokenises a profile tomorrow exactly as it tokenised the patents.

Character n-grams are not produced here: they are hashed in bulk with numpy in `features.py`
(a Python loop over a million abstracts' characters would dominate the index build). This module
owns what needs Python: Unicode normalisation, jieba segmentation and the IPC title dictionary.
"""

from __future__ import annotations

import csv
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

# CJK Unified Ideographs, Extension A and the compatibility block: the characters that char
# n-grams are built from. Everything else (Latin, digits) is handled as whole tokens.
_CJK_RANGES: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
_CJK_ONLY = re.compile(f"[{_CJK_CLASS}]+$")
_LATIN_TOKEN = re.compile(r"[a-z][a-z0-9\-]*[a-z0-9]|[a-z]{2,}")
_WHITESPACE = re.compile(r"\s+")

# Splitting IPC titles into dictionary phrases: punctuation plus the connectives that glue
# phrases together in the official Chinese titles ("或", "及", "的", "入" in cross references).
_IPC_TITLE_SPLIT = re.compile(r"[；;，,、（）()\[\]【】：:。/\s]|或|及|和|与|的|入|其他|类似")

# Boilerplate words of Chinese patent titles. They are kept as features (IDF already gives them
# little weight) but never shown to a person as a "matching term".
GENERIC_TERMS: frozenset[str] = frozenset(
    [
        "方法",
        "装置",
        "系统",
        "设备",
        "用途",
        "制造",
        "制备",
        "及其",
        "其制造",
        "制造方法",
        "制备方法",
        "组成物",
        "组合物",
        "应用",
        "用于",
        "一种",
        "具有",
        "包含",
        "使用",
        "利用",
        "基于",
        "以及",
        "及其用途",
        "结构",
        "模组",
        "模块",
        "单元",
        "元件",
        "构造",
        "方法及",
        "装置及",
        "技术",
        "产品",
        "材料",
        "其方法",
        "之方法",
    ]
)


# Function words and the most generic title words, dropped from the word block (they are still
# char unigrams/bigrams there, with the low idf they deserve). Tuned on the benchmark's dev split:
# dropping them and keeping jieba's single-character words both help.
STOPWORDS: frozenset[str] = frozenset(
    [
        "的",
        "之",
        "及",
        "与",
        "和",
        "或",
        "其",
        "该",
        "此",
        "于",
        "由",
        "在",
        "为",
        "所",
        "等",
        "以及",
        "一种",
        "用于",
        "方法",
        "装置",
        "系统",
        "具有",
        "使用",
    ]
)


def normalise(text: str | None) -> str:
    """NFKC (full-width Latin and digits become ASCII), lower case, single spaces."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def latin_tokens(text: str) -> list[str]:
    """Latin words and codes in normalised text ("crispr-cas9", "ito", "5g" is dropped: too short
    to mean anything on its own)."""
    return _LATIN_TOKEN.findall(text)


def load_ipc_titles(path: str | Path) -> dict[str, dict[str, str]]:
    """Read the IPC reference table (code, level, title_en_short, title_zh_short, ...).

    Returns {code: {"level", "en", "zh"}}. The file is read where it lies; nothing is copied.
    """
    titles: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("code") or "").strip().upper()
            if not code:
                continue
            titles[code] = {
                "level": (row.get("level") or "").strip(),
                "en": (row.get("title_en_short") or row.get("title_en") or "").strip(),
                "zh": (row.get("title_zh_short") or row.get("title_zh") or "").strip(),
            }
    return titles


def ipc_domain_terms(titles: dict[str, dict[str, str]]) -> list[str]:
    """Technical phrases (2-8 CJK characters) cut out of the Chinese IPC class/subclass titles.

    They teach jieba domain words such as "半导体器件" or "电解质" that its general dictionary
    would split; sorted so the dictionary, and hence tokenisation, is deterministic.
    """
    terms: set[str] = set()
    for info in titles.values():
        if info["level"] not in ("class", "subclass"):
            continue
        for piece in _IPC_TITLE_SPLIT.split(normalise(info["zh"])):
            if 2 <= len(piece) <= 8 and _CJK_ONLY.match(piece):
                terms.add(piece)
    return sorted(terms)


class Segmenter:
    """jieba word segmentation with an optional domain dictionary.

    Uses a private `jieba.Tokenizer`, so the process-wide jieba dictionary (used elsewhere in the
    platform for search) is never changed. Loading jieba's main dictionary takes about a second,
    which is why this is created lazily and reused.
    """

    # Domain phrases get a frequency high enough to be kept whole, but not so high that they
    # swallow the characters of a neighbouring word.
    DOMAIN_FREQ = 2000

    def __init__(self, domain_terms: Iterable[str] = ()) -> None:
        self.domain_terms: tuple[str, ...] = tuple(domain_terms)
        self._tokenizer: jieba.Tokenizer | None = None

    def _ensure(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in self.domain_terms:
                tokenizer.add_word(term, freq=self.DOMAIN_FREQ)
            self._tokenizer = tokenizer
        return self._tokenizer

    def words(self, text: str) -> list[str]:
        """Words of normalised text: jieba words of every CJK run (a character jieba leaves on
        its own is a word too, e.g. "氢", "靶") minus STOPWORDS, then Latin tokens. HMM is off:
        new-word guessing is slower, less stable across jieba versions, and measured worse here;
        char n-grams cover unknown words anyway."""
        if not text:
            return []
        tokenizer = self._ensure()
        # One jieba call per text (it splits on punctuation itself); per-run calls cost more in
        # call overhead than in segmentation.
        out = [
            w for w in tokenizer.lcut(text, HMM=False) if w not in STOPWORDS and _CJK_ONLY.match(w)
        ]
        out.extend(latin_tokens(text))
        return out


def shown_words(words: Iterable[str]) -> list[str]:
    """The distinct words worth showing a person, in order: two characters or more, not title
    boilerplate. Interned, since a worker keeps them for every profile and they recur."""
    return [sys.intern(w) for w in dict.fromkeys(words) if len(w) >= 2 and w not in GENERIC_TERMS]
