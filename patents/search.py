"""Chinese-aware search text: jieba word segmentation, stored space-separated on each patent.

PostgreSQL's `simple` text-search configuration then indexes the words; SQLite falls back to
substring matching on the same field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

_WORD = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> list[str]:
    """Words of `text` in search-engine mode (long words also yield their parts), lower-cased."""
    words = _tokenizer().cut_for_search(text or "")
    return [w.lower() for w in words if _WORD.fullmatch(w)]


def build_search_text(parts: Iterable[str]) -> str:
    seen: dict[str, None] = {}
    for part in parts:
        for word in segment(part):
            seen.setdefault(word, None)
    return " ".join(seen)
