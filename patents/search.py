"""Chinese-aware search text: jieba word segmentation, stored space-separated on each patent.

On PostgreSQL the words become, verbatim, the lexemes of a stored, GIN-indexed `search_vector`
column (migrations 0004 and 0005), and a query's words are matched verbatim against them: both
sides come from the same segmenter, so no text-search parser stands between them. SQLite falls
back to substring matching on the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba
from django.db import connections
from django.db.models import BooleanField, Func, QuerySet, Value

if TYPE_CHECKING:
    from patents.models import Patent

_WORD = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)
# PostgreSQL refuses lexemes over 2,047 bytes; no real word comes near this many characters.
MAX_WORD_LENGTH = 100


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> list[str]:
    """Words of `text` in search-engine mode (long words also yield their parts), lower-cased."""
    words = _tokenizer().cut_for_search(text or "")
    return [w.lower() for w in words if len(w) <= MAX_WORD_LENGTH and _WORD.fullmatch(w)]


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


#: The stored `tsvector` column (migration 0004, PostgreSQL only; not a model field).
SEARCH_VECTOR = "search_vector"
#: Its GIN index (migration 0005).
SEARCH_INDEX = "patent_search_vector_gin"


def flush_search_index() -> None:
    """Move the entries waiting in the search index's pending list (GIN's fast update) into the
    index proper. A bulk write ends with up to gin_pending_list_limit (4 MB) of them, which
    searches read slowly until autovacuum gets to them: an import calls this before it says
    done, so its records are fully indexed by then."""
    if connections["default"].vendor != "postgresql":
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [SEARCH_INDEX])


class _VectorMatch(Func):
    """`search_vector @@ 'query'::tsquery` on the GIN-indexed stored column, lexemes verbatim.

    Unqualified on purpose: no table the library joins has a column of that name, and the name
    stays right when Django re-aliases the patent table inside a subquery."""

    template = f"{SEARCH_VECTOR} @@ %(expressions)s::tsquery"
    output_field = BooleanField()


def _lexeme(word: str) -> str:
    """`word` quoted as one tsquery lexeme (quotes doubled, backslashes escaped)."""
    escaped = word.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def all_words_query(terms: Iterable[str]) -> str:
    """The tsquery text matching documents holding every one of `terms`."""
    return " & ".join(_lexeme(term) for term in terms)


_FACET_VALUE = re.compile(r"[A-Za-z0-9_]+")


def facet_token(name: str, value: object) -> str:
    """The token migration 0004 stores for a filterable value, e.g. `org#12`, `ipc#G06`."""
    return f"{name}#{value}"


def facet_filter(
    queryset: QuerySet[Patent], name: str, values: Iterable[object]
) -> QuerySet[Patent]:
    """Restate a filter the caller has already applied in SQL as "any of these facet tokens", so
    the GIN index can apply it together with the keyword (see migration 0004).

    The SQL condition stays the rule, which keeps results exact; this only narrows what the index
    hands over. No-op off PostgreSQL, for no values (the SQL condition already matches nothing),
    or for values that are not plain tokens (never produced by the facets the column stores)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset
    tokens = [str(v) for v in values]
    if not tokens or not all(_FACET_VALUE.fullmatch(t) for t in tokens):
        return queryset
    query = " | ".join(_lexeme(facet_token(name, t)) for t in tokens)
    return queryset.filter(_VectorMatch(Value(query)))


def keyword_filter(queryset: QuerySet[Patent], query: str) -> QuerySet[Patent]:
    """Narrow `queryset` to patents matching every word of `query`.

    PostgreSQL: full-text match on the stored vector's GIN index. Elsewhere (SQLite in
    development): every term must occur as a substring of the search text."""
    terms = query_terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(_VectorMatch(Value(all_words_query(terms))))
    for term in terms:
        queryset = queryset.filter(search_text__icontains=term)
    return queryset
