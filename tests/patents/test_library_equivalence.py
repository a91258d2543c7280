"""The tuned library search returns exactly what the straightforward query returns.

The production path (facet tokens in the stored vector, a bounded primary-key walk, then a
bitmap search of the rest; see patents.pagination and migration 0004) only changes how
PostgreSQL finds rows. Here it is compared, page by page through the cursors, with the plain
query: `to_tsvector(search_text) @@ plainto_tsquery(...)` and ordinary ORM filters, sorted in full.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from patents import pagination
from patents.filters import LibraryFilter, sort_key
from patents.models import IN_LIBRARY, Patent, ReviewStatus
from patents.pagination import paginate
from patents.search import query_terms
from patents.selectors import library_for
from patents.synthetic import generate
from tests.factories import OrganisationFactory
from tests.patents.factories import indexed_patent

pytestmark = pytest.mark.django_db

_DEAL_FIELDS = {
    "transfer": "offers_transfer",
    "ordinary_licence": "offers_ordinary_licence",
    "open_licence": "offers_open_licence",
    "investment": "offers_investment",
}


@pytest.fixture
def corpus(zhejiang_university, guangdong_university) -> list[Patent]:
    """90 synthetic patents over three owners in two provinces, most of them in the library."""
    third = OrganisationFactory(province_id="330000")
    owners = [zhejiang_university, guangdong_university, third]
    rng = random.Random(3)
    patents = []
    for index, record in enumerate(generate(90, seed=5)):
        forms = set(record.deal_forms)
        patents.append(
            indexed_patent(
                organisation=owners[index % 3],
                patent_type="invention" if index % 4 else "utility_model",
                title=record.title,
                abstract=record.abstract,
                application_field=record.application_field,
                ipc_main=record.ipc_main,
                ipc_subclass=record.ipc_main[:4],
                application_date=record.application_date,
                maturity=record.maturity,
                value_grade=["A", "B", "", "C"][index % 4],
                offers_transfer="transfer" in forms,
                offers_ordinary_licence="ordinary_licence" in forms,
                offers_open_licence="open_licence" in forms,
                offers_investment="investment" in forms,
                review_status=rng.choice([ReviewStatus.ADMITTED] * 9 + [ReviewStatus.DRAFT]),
            )
        )
    # Later edits by any path must reach the stored vector too (it is a generated column).
    moved = patents[10]
    Patent.objects.filter(pk=moved.pk).update(
        ipc_subclass="A61K", organisation=guangdong_university, maturity=9, offers_investment=True
    )
    return patents


def _reference(params: dict[str, str]) -> QuerySet[Patent]:
    """The straightforward query for `params`, without any of the tuning."""
    queryset = Patent.objects.filter(IN_LIBRARY)
    terms = query_terms(params.get("q", ""))
    if terms:
        queryset = queryset.extra(  # fixed SQL; the terms are a parameter
            where=[
                "to_tsvector('simple'::regconfig, search_text) "
                "@@ plainto_tsquery('simple'::regconfig, %s)"
            ],
            params=[" ".join(terms)],
        )
    conditions: dict[str, Any] = {}
    if "province" in params:
        conditions["organisation__province_id"] = params["province"]
    if "institution" in params:
        conditions["organisation_id"] = params["institution"]
    if "ipc" in params:
        conditions["ipc_subclass__startswith"] = params["ipc"].upper()
    if "patent_type" in params:
        conditions["patent_type"] = params["patent_type"]
    if "deal_form" in params:
        conditions[_DEAL_FIELDS[params["deal_form"]]] = True
    if "open_licence" in params:
        conditions["offers_open_licence"] = params["open_licence"] == "true"
    if "maturity_min" in params:
        conditions["maturity__gte"] = float(params["maturity_min"])
    if "maturity_max" in params:
        conditions["maturity__lte"] = float(params["maturity_max"])
    queryset = queryset.filter(**conditions)
    key = sort_key(params.get("sort"))
    return key.prepare(queryset).order_by(*key.order_by)


def _walk(user, params: dict[str, str], size: int) -> tuple[list[int], list[int]]:
    """All ids page by page forwards through the cursors, then backwards from the last page."""
    key = sort_key(params.get("sort"))

    def page(cursor: str | None) -> pagination.Page[Patent]:
        filterset = LibraryFilter(params, queryset=library_for(user))
        assert filterset.is_valid(), filterset.errors
        return paginate(filterset.qs, key=key, cursor=cursor, size=size)

    forwards, pages, cursor = [], [], None
    while True:
        current = page(cursor)
        pages.append(current)
        forwards += [p.pk for p in current.items]
        cursor = current.next_cursor
        if cursor is None:
            break
    backwards: list[int] = []
    cursor = pages[-1].previous_cursor
    while cursor is not None:
        current = page(cursor)
        backwards = [p.pk for p in current.items] + backwards
        cursor = current.previous_cursor
    return forwards, backwards + [p.pk for p in pages[-1].items]


KEYWORDS = ["", "隔膜", "锂电池 隔膜", "图像识别", "制备方法", "检测", "中药组合物", "区块链"]
FILTERS: list[dict[str, str]] = [
    {},
    {"province": "330000"},
    {"province": "440000", "ipc": "G06"},
    {"ipc": "h"},
    {"ipc": "A61K", "maturity_min": "8.5"},
    {"patent_type": "utility_model", "open_licence": "false"},
    {"deal_form": "investment", "maturity_max": "5"},
    {"open_licence": "true", "maturity_min": "4"},
    {"ipc": "G0%"},  # not a facet token: the SQL condition alone applies
]
SORTS = ["newest", "oldest", "filed_desc", "maturity", "grade_desc", "grade_asc"]


@pytest.mark.parametrize("probe_ids", [1, 7, 5_000])
def test_pages_match_the_straightforward_query(monkeypatch, enterprise_user, corpus, probe_ids):
    """Every keyword x filter set, newest first, at three probe windows: probe_ids=1 sends
    nearly everything to the bitmap step, 7 mixes both steps, 5,000 answers from the walk."""
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(pagination, "PROBE_IDS", probe_ids)
    checked = 0
    for keyword, filters in itertools.product(KEYWORDS, FILTERS):
        params = {"q": keyword, **filters} if keyword else dict(filters)
        expected = list(_reference(params).values_list("pk", flat=True))
        forwards, backwards = _walk(enterprise_user, params, size=4)
        assert forwards == expected, params
        assert backwards == expected, params
        checked += bool(expected)
    assert checked > 30  # the cases are not vacuous: most of them find patents


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_matches_the_straightforward_query(monkeypatch, enterprise_user, corpus, sort):
    monkeypatch.setattr(pagination, "PROBE_IDS", 5)
    for params in [{"sort": sort}, {"sort": sort, "q": "方法", "province": "330000"}]:
        expected = list(_reference(params).values_list("pk", flat=True))
        forwards, backwards = _walk(enterprise_user, params, size=5)
        assert expected and forwards == expected and backwards == expected, params


def test_stored_vector_holds_words_and_facets(corpus):
    patent = corpus[10]  # edited after insertion by a queryset update
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM patents_patent WHERE id = %s", [patent.pk])
        (vector,) = cursor.fetchone()
    org = Patent.objects.get(pk=patent.pk).organisation_id
    for token in ["'ipc#A'", "'ipc#A61'", "'ipc#A61K'", f"'org#{org}'", "'mat#9'"]:
        assert token in vector
    assert "'deal#investment'" in vector
    assert query_terms(patent.title)[0] in vector


def test_planner_settings_do_not_leak_into_the_surrounding_transaction(enterprise_user, corpus):
    paginate(library_for(enterprise_user), key=sort_key(None), cursor=None, size=3)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
