"""The library: Chinese keyword search (on PostgreSQL), each filter, sorting, cursor pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import OrgKind
from accounts.templatetags.ui import bs
from patents.api.views import LibraryCursorPagination
from patents.filters import LibraryFilter
from patents.models import ReviewStatus
from patents.pagination import SortKey, paginate
from patents.search import all_words_query, segment
from patents.selectors import library_for
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory  # noqa: F401
from tests.patents.factories import indexed_patent

pytestmark = pytest.mark.django_db


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _filtered(user, **params) -> set[int]:
    filterset = LibraryFilter(params, queryset=library_for(user))
    assert filterset.is_valid(), filterset.errors
    return _ids(filterset.qs)


@pytest.fixture
def separator(zhejiang_university):
    return indexed_patent(
        organisation=zhejiang_university,
        title="一种锂电池隔膜的制备方法",
        abstract="本发明涉及电池隔膜，提高耐热性。",
        review_status=ReviewStatus.ADMITTED,
    )


@pytest.fixture
def vision(guangdong_university):
    return indexed_patent(
        organisation=guangdong_university,
        title="一种基于深度学习的图像识别方法",
        abstract="本发明公开了一种图像识别方法，用于工业缺陷检测。",
        ipc_main="G06V 10/82",
        ipc_subclass="G06V",
        patent_type="utility_model",
        maturity=7,
        offers_transfer=False,
        offers_open_licence=True,
        review_status=ReviewStatus.ADMITTED,
    )


def test_search_runs_on_postgresql_with_the_gin_index():
    assert connection.vendor == "postgresql", "the library search tests must run on PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'patent_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
        cursor.execute(
            "SELECT is_generated, generation_expression FROM information_schema.columns "
            "WHERE table_name = 'patents_patent' AND column_name = 'search_vector'"
        )
        generated, expression = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
    assert generated == "ALWAYS"
    assert "string_to_array(search_text, ' '::text)" in expression


def test_the_vector_holds_the_segmented_words_verbatim(zhejiang_university, enterprise_user):
    coated = indexed_patent(
        organisation=zhejiang_university,
        title="PVDF-HFP涂覆的Li-ion电池隔膜，厚度3.5μm",
        review_status=ReviewStatus.ADMITTED,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(search_vector) FROM patents_patent WHERE id = %s",
            [coated.pk],
        )
        (lexemes,) = cursor.fetchone()
    words = {lexeme for lexeme in lexemes if "#" not in lexeme}  # facet tokens hold a '#'
    assert words == set(coated.search_text.split())
    assert _filtered(enterprise_user, q="pvdf 隔膜") == {coated.pk}


def test_query_words_are_quoted_as_single_lexemes():
    assert all_words_query(["隔膜", "it's", "a\\b"]) == "'隔膜' & 'it''s' & 'a\\\\b'"


def test_overlong_words_are_not_indexed():
    assert segment("x" * 101) == []
    assert segment("x" * 100) == ["x" * 100]


def test_chinese_keyword_finds_the_patent(enterprise_user, separator, vision):
    assert _filtered(enterprise_user, q="隔膜") == {separator.pk}
    assert _filtered(enterprise_user, q="锂电池隔膜") == {separator.pk}
    assert _filtered(enterprise_user, q="图像识别") == {vision.pk}
    assert _filtered(enterprise_user, q="缺陷检测") == {vision.pk}
    assert _filtered(enterprise_user, q="隔膜 图像识别") == set()
    assert _filtered(enterprise_user, q="区块链") == set()


def test_keyword_search_never_leaves_the_library(enterprise_user, zhejiang_university, separator):
    draft = indexed_patent(organisation=zhejiang_university, title="一种锂电池隔膜涂层")
    assert draft.pk not in _filtered(enterprise_user, q="隔膜")


def test_each_filter(enterprise_user, separator, vision, guangdong_university):
    assert _filtered(enterprise_user, ipc="G") == {vision.pk}
    assert _filtered(enterprise_user, ipc="H01") == {separator.pk}
    assert _filtered(enterprise_user, ipc="h01m") == {separator.pk}
    assert _filtered(enterprise_user, province="440000") == {vision.pk}
    assert _filtered(enterprise_user, institution=guangdong_university.pk) == {vision.pk}
    assert _filtered(enterprise_user, patent_type="utility_model") == {vision.pk}
    assert _filtered(enterprise_user, legal_status="valid") == {separator.pk, vision.pk}
    assert _filtered(enterprise_user, deal_form="transfer") == {separator.pk}
    assert _filtered(enterprise_user, deal_form="open_licence") == {vision.pk}
    assert _filtered(enterprise_user, open_licence="true") == {vision.pk}
    assert _filtered(enterprise_user, open_licence="false") == {separator.pk}
    assert _filtered(enterprise_user, maturity_min=5) == {vision.pk}
    assert _filtered(enterprise_user, maturity_max=5) == set()
    assert _filtered(enterprise_user, q="方法", province="330000") == {separator.pk}


def test_province_filter_follows_an_institution_that_moves(enterprise_user, guangdong_university):
    """The province filter is answered from a copy of the owner's province on each patent
    (migration 0008): moving the institution must move its patents, in either search path."""
    patent = indexed_patent(
        organisation=guangdong_university,
        title="一种锂电池隔膜的制备方法",
        review_status=ReviewStatus.ADMITTED,
    )
    guangdong_university.province_id, guangdong_university.city_id = "330000", "330100"
    guangdong_university.save(update_fields=["province", "city"])

    assert _filtered(enterprise_user, q="隔膜", province="330000") == {patent.pk}
    assert _filtered(enterprise_user, province="330000") == {patent.pk}
    assert _filtered(enterprise_user, q="隔膜", province="440000") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the copied province is PostgreSQL's")
def test_every_write_path_copies_the_owners_province(zhejiang_university, guangdong_university):
    patent = indexed_patent(organisation=zhejiang_university, title="一种锂电池隔膜")
    with connection.cursor() as cursor:
        # a write that names the column (a stale copy) is corrected, and so is a change of owner
        cursor.execute(
            "UPDATE patents_patent SET province_id = NULL, organisation_id = %s WHERE id = %s",
            [guangdong_university.pk, patent.pk],
        )
        cursor.execute("SELECT province_id FROM patents_patent WHERE id = %s", [patent.pk])
        assert cursor.fetchone() == ("440000",)


def test_industry_filter_by_code_prefix_and_section(enterprise_user, zhejiang_university):
    from refdata.models import Industry

    industry = Industry.objects.filter(level=4, code__startswith="38").first()
    patent = indexed_patent(
        organisation=zhejiang_university, industry=industry, review_status=ReviewStatus.ADMITTED
    )
    indexed_patent(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    assert _filtered(enterprise_user, industry="38") == {patent.pk}
    assert _filtered(enterprise_user, industry=industry.section) == {patent.pk}


def test_invalid_filter_value_is_an_error_not_everything(enterprise_user, separator):
    filterset = LibraryFilter({"patent_type": "trademark"}, queryset=library_for(enterprise_user))
    assert not filterset.is_valid()
    assert filterset.errors["patent_type"] == [
        "Select a valid choice. trademark is not one of the available choices."
    ]


def test_cursor_pages_are_stable_while_new_patents_arrive(enterprise_user, zhejiang_university):
    patents = [
        indexed_patent(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
        for _ in range(7)
    ]
    key = SortKey("id", descending=True)
    first = paginate(library_for(enterprise_user), key=key, cursor=None, size=3)
    assert [p.pk for p in first.items] == [p.pk for p in reversed(patents)][:3]
    assert first.previous_cursor is None
    # A patent admitted meanwhile does not shift the next page (no duplicates, none skipped).
    indexed_patent(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    second = paginate(library_for(enterprise_user), key=key, cursor=first.next_cursor, size=3)
    third = paginate(library_for(enterprise_user), key=key, cursor=second.next_cursor, size=3)
    seen = [p.pk for p in first.items + second.items + third.items]
    assert seen == [p.pk for p in reversed(patents)]
    assert third.next_cursor is None
    back = paginate(library_for(enterprise_user), key=key, cursor=second.previous_cursor, size=3)
    assert [p.pk for p in back.items] == [p.pk for p in first.items]


def test_cursor_with_a_non_unique_sort_key_visits_every_row_once(
    enterprise_user, zhejiang_university
):
    patents = [
        indexed_patent(
            organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED, maturity=m
        )
        for m in (5, 7, 5, 7, 5, 3)
    ]
    key = SortKey("maturity", descending=True)
    seen, cursor = [], None
    while True:
        page = paginate(library_for(enterprise_user), key=key, cursor=cursor, size=2)
        seen += [(p.maturity, p.pk) for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == sorted(((p.maturity, p.pk) for p in patents), reverse=True)


def test_library_api_pages_with_a_cursor_and_filters(client, enterprise_user, zhejiang_university):
    for _ in range(25):
        indexed_patent(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    client.force_login(enterprise_user)
    first = client.get(reverse("api:library-list"), {"q": "隔膜", "province": "330000"}).json()
    assert len(first["results"]) == 20 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(set(ids)) == 25 and ids == sorted(ids, reverse=True)
    assert "review_status" not in first["results"][0]


def test_library_api_rejects_bad_filter_with_400(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("api:library-list"), {"maturity_min": "lots"})
    assert response.status_code == 400
    assert response.json() == {"maturity_min": ["Enter a number."]}


def test_library_needs_sign_in(client, separator):
    assert client.get(reverse("api:library-list")).status_code in (401, 403)
    response = client.get(reverse("patents:library"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_library_opened_without_a_query_lists_the_library(client, enterprise_user, separator):
    """The home page's link to the library carries no query: it must show the patents, not
    "No patents match"."""
    client.force_login(enterprise_user)
    page = client.get(reverse("patents:library")).content.decode()
    assert separator.title in page
    assert "No patents match" not in page


def test_demo_patents_are_searchable_and_loading_twice_adds_none(
    enterprise_user, zhejiang_university
):
    from patents.demo import load_patents

    assert load_patents([zhejiang_university], per_owner=12) == 12
    assert load_patents([zhejiang_university], per_owner=12) == 0
    in_library = _ids(library_for(enterprise_user))
    assert in_library
    assert _filtered(enterprise_user, q="本发明") == in_library  # every abstract says it
    assert set(library_for(enterprise_user).values_list("value_grade", flat=True)) == {
        "A",
        "B",
        "C",
    }


def test_service_institution_screens_the_library_by_value_grade(client, zhejiang_university):
    """Service institutions look for the high-value patents: filter and column on the page, the
    same filter on the API."""
    high = indexed_patent(
        organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED, value_grade="A"
    )
    indexed_patent(
        organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED, value_grade="B"
    )
    indexed_patent(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    service = UserFactory(organisation=OrganisationFactory(kind=OrgKind.SERVICE_INSTITUTION))
    client.force_login(service)
    page = client.get(reverse("patents:library"), {"value_grade": "A"}).content.decode()
    assert page.count('data-testid="patent-row-') == 1
    assert f'data-testid="patent-row-{high.pk}"' in page
    assert '<td data-testid="value-grade">A — high</td>' in page
    response = client.get(reverse("api:library-list"), {"value_grade": "A"}).json()
    assert [(row["id"], row["value_grade"]) for row in response["results"]] == [(high.pk, "A")]
    assert client.get(reverse("api:library-list"), {"value_grade": "E"}).status_code == 400


def test_service_institution_sorts_the_library_by_value_grade_ungraded_last_either_way(
    client, zhejiang_university, monkeypatch
):
    """Best first and worst first, on the page and the API; within a grade newest first; and
    patents without a grade after the graded ones in both directions, across cursor pages."""
    grades = ["B", "", "A", "C", "B", "", "A"]
    patents = [
        indexed_patent(
            organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED, value_grade=g
        )
        for g in grades
    ]

    def expected(order: str) -> list[tuple[int, str]]:
        rows = sorted(((p.pk, p.value_grade) for p in patents), reverse=True)  # newest first
        return sorted(rows, key=lambda row: order.index(row[1]) if row[1] else len(order))

    monkeypatch.setattr(LibraryCursorPagination, "page_size", 3)
    service = UserFactory(organisation=OrganisationFactory(kind=OrgKind.SERVICE_INSTITUTION))
    client.force_login(service)
    for sort, order in [("grade_desc", "ABC"), ("grade_asc", "CBA")]:
        page = client.get(reverse("patents:library"), {"sort": sort})
        shown = [p.pk for p in page.context["page"].items]
        assert shown == [pk for pk, _grade in expected(order)], sort
        html = page.content.decode()
        positions = [html.index(f'data-testid="patent-row-{pk}"') for pk in shown]
        assert positions == sorted(positions)
        rows, url = [], reverse("api:library-list") + f"?sort={sort}"
        while url:  # the API's pages, three rows at a time
            body = client.get(url).json()
            rows += [(row["id"], row["value_grade"]) for row in body["results"]]
            url = body["next"]
        assert rows == expected(order), sort
    form = client.get(reverse("patents:library")).context["filter"].form
    assert ("grade_desc", "Value self-grade, highest first") in form.fields["sort"].choices
    assert ("grade_asc", "Value self-grade, lowest first") in form.fields["sort"].choices


@pytest.mark.parametrize(
    ("sort", "field", "values"),
    [
        ("maturity", "maturity", [5, None, 9, 3]),
        ("filed_desc", "application_date", ["2021-03-01", None, "2022-05-01", "2020-01-01"]),
        ("filed_asc", "application_date", ["2021-03-01", None, "2022-05-01", "2020-01-01"]),
    ],
)
def test_sorting_never_drops_a_patent_without_the_value_it_lacks_it_comes_last(
    client, enterprise_user, zhejiang_university, monkeypatch, sort, field, values
):
    patents = [
        indexed_patent(
            organisation=zhejiang_university,
            review_status=ReviewStatus.ADMITTED,
            **{field: datetime.date.fromisoformat(v) if isinstance(v, str) else v},
        )
        for v in values
    ]
    monkeypatch.setattr(LibraryCursorPagination, "page_size", 2)
    client.force_login(enterprise_user)
    rows, url = [], reverse("api:library-list") + f"?sort={sort}"
    while url:
        body = client.get(url).json()
        rows += [row["id"] for row in body["results"]]
        url = body["next"]
    known = [p for p in patents if getattr(p, field) is not None]
    known.sort(key=lambda p: getattr(p, field), reverse=sort != "filed_asc")
    missing = [p.pk for p in patents if getattr(p, field) is None]
    assert rows == [p.pk for p in known] + missing
    page = client.get(reverse("patents:library"), {"sort": sort}).context["page"]
    assert [p.pk for p in page.items] == rows[:20]


def test_filter_offers_only_what_the_library_can_hold_in_select_boxes(client, enterprise_user):
    client.force_login(enterprise_user)
    form = client.get(reverse("patents:library")).context["filter"].form
    assert list(form.fields["legal_status"].choices) == [("", "---------"), ("valid", "Valid")]
    for name in ("legal_status", "open_licence", "value_grade"):
        assert 'class="form-select"' in str(bs(form[name])), name
    response = client.get(reverse("api:library-list"), {"legal_status": "pending"})
    assert response.status_code == 400
    assert response.json() == {
        "legal_status": ["Select a valid choice. pending is not one of the available choices."]
    }
