"""Chinese-aware search text: jieba word segmentation, stored space-separated on each patent.

PostgreSQL's `simple` text-search configuration then indexes the words; SQLite falls back to
substring matching on the same field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba
from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet, Value

if TYPE_CHECKING:
    from patents.models import Patent

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


def search_text_for(patent: Patent) -> str:
    """The production search text of a patent: what the library's keyword search matches."""
    industry_name = patent.industry.name if patent.industry_id and patent.industry else ""
    return build_search_text(
        [
            patent.title,
            patent.abstract,
            patent.application_field,
            patent.target_products,
            patent.prospect_note,
            " ".join(patent.inventors or []),
            " ".join(str(p) for p in patent.patentees or []),
            industry_name,
        ]
    )


def query_terms(query: str) -> list[str]:
    """Words of a user's query, in precise mode: a document indexed in search mode holds both a
    compound word and its parts, so matching the query's compounds is enough and stricter."""
    words = _tokenizer().lcut((query or "").strip())
    terms: dict[str, None] = {}
    for word in words:
        if _WORD.fullmatch(word):
            terms.setdefault(word.lower(), None)
    return list(terms)


class _SimpleMatch(Func):
    """`to_tsvector('simple', search_text) @@ plainto_tsquery('simple', terms)`.

    Written out by hand (not SearchVector) because SearchVector wraps the column in COALESCE,
    and the GIN index (migration 0003) is on the bare expression: the two must match exactly for
    PostgreSQL to use the index."""

    arg_joiner = ") @@ plainto_tsquery('simple'::regconfig, "
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = BooleanField()


def keyword_filter(queryset: QuerySet[Patent], query: str) -> QuerySet[Patent]:
    """Narrow `queryset` to patents matching every word of `query`.

    PostgreSQL: full-text match on the GIN index. Elsewhere (SQLite in development): every term
    must occur as a substring of the search text."""
    terms = query_terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(_SimpleMatch(F("search_text"), Value(" ".join(terms))))
    for term in terms:
        queryset = queryset.filter(search_text__icontains=term)
    return queryset
