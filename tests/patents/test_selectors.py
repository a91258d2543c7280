from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from patents.models import InventoryCategory, LegalStatus, Patent, ReviewStatus
from patents.selectors import library_for, patents_for, review_queue_for
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db


def test_university_staff_see_their_institution_only(univ_a_staff, draft, foreign_patent):
    assert list(patents_for(univ_a_staff)) == [draft]


def test_college_staff_see_their_college_only(college_staff, other_college_staff, draft):
    assert list(patents_for(college_staff)) == [draft]
    assert list(patents_for(other_college_staff)) == []


def test_inventor_sees_the_patents_naming_them(inventor, zhejiang_university, draft):
    other = PatentFactory(organisation=zhejiang_university, inventors=["李娜"])
    assert draft.inventors == ["张伟"]
    assert list(patents_for(inventor)) == [draft]
    assert other not in patents_for(inventor)


def test_inventor_does_not_see_patents_of_a_name_that_contains_theirs(
    inventor, zhejiang_university
):
    mine = PatentFactory(organisation=zhejiang_university, inventors=["李娜", "张伟"])
    PatentFactory(organisation=zhejiang_university, inventors=["张伟明"])
    PatentFactory(organisation=zhejiang_university, inventors=["欧阳张伟"])
    assert list(patents_for(inventor)) == [mine]


@pytest.fixture
def sqlite() -> Iterator[BaseDatabaseWrapper]:
    """An in-memory SQLite database (the demo's engine) beside the PostgreSQL test database."""
    # A handler of its own, so its "default" is this database, not the project's.
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    connection = handler["default"]
    yield connection
    connection.close()


def test_inventor_sees_their_patents_on_sqlite(sqlite, inventor, zhejiang_university):
    """The selector's query, run on SQLite against inventor lists as Django stores them there:
    JSON text with the Chinese characters escaped."""
    field = Patent._meta.get_field("inventors")
    rows = {
        1: (zhejiang_university.pk, ["张伟"]),
        2: (zhejiang_university.pk, ["张伟明", "李娜"]),
        3: (zhejiang_university.pk, ["李娜", "张伟"]),
        4: (zhejiang_university.pk + 1, ["张伟"]),  # another institution's
    }
    query = patents_for(inventor).values_list("pk", flat=True).query
    sql, params = query.get_compiler(connection=sqlite).as_sql()
    with sqlite.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "patents_patent" ("id" integer PRIMARY KEY, "organisation_id" integer, '
            '"inventors" text)'
        )
        for pk, (owner, names) in rows.items():
            stored = field.get_db_prep_save(names, sqlite)
            cursor.execute("INSERT INTO patents_patent VALUES (%s, %s, %s)", [pk, owner, stored])
        cursor.execute("SELECT inventors FROM patents_patent WHERE id = 1")
        assert cursor.fetchone() == ('["\\u5f20\\u4f1f"]',)
        cursor.execute(sql, params)
        assert [pk for (pk,) in cursor.fetchall()] == [3, 1]


def test_bureau_sees_its_province_only(bureau_zj, bureau_gd, draft, foreign_patent):
    assert list(patents_for(bureau_zj)) == [draft]
    assert list(patents_for(bureau_gd)) == [foreign_patent]


def test_national_sees_all_and_enterprise_none(
    national_user, enterprise_user, draft, foreign_patent
):
    assert set(patents_for(national_user)) == {draft, foreign_patent}
    assert list(patents_for(enterprise_user)) == []


def test_library_holds_only_admitted_valid_patents_with_prospects(
    enterprise_user, zhejiang_university
):
    admitted = PatentFactory(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    PatentFactory(organisation=zhejiang_university, review_status=ReviewStatus.UNIVERSITY_REVIEW)
    PatentFactory(
        organisation=zhejiang_university,
        review_status=ReviewStatus.ADMITTED,
        legal_status=LegalStatus.LAPSED,
    )
    PatentFactory(
        organisation=zhejiang_university,
        review_status=ReviewStatus.ADMITTED,
        inventory_category=InventoryCategory.NO_CLEAR_PROSPECTS,
    )
    assert list(library_for(enterprise_user)) == [admitted]


def test_review_queue_is_the_users_own_step(
    college_staff, univ_a_staff, inventor, zhejiang_university, materials_college
):
    at_college = PatentFactory(
        organisation=zhejiang_university,
        department=materials_college,
        review_status=ReviewStatus.COLLEGE_REVIEW,
    )
    at_university = PatentFactory(
        organisation=zhejiang_university, review_status=ReviewStatus.UNIVERSITY_REVIEW
    )
    assert list(review_queue_for(college_staff)) == [at_college]
    assert list(review_queue_for(univ_a_staff)) == [at_university]
    assert list(review_queue_for(inventor)) == []
