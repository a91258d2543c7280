"""Extra cast for patent tests: college staff, an inventor, records at each review step."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import DepartmentFactory, PatentFactory, UserFactory


@pytest.fixture
def materials_college(zhejiang_university):
    return zhejiang_university.departments.get(name="材料学院")


@pytest.fixture
def other_college(zhejiang_university):
    return DepartmentFactory(organisation=zhejiang_university, name="计算机学院")


@pytest.fixture
def college_staff(zhejiang_university, materials_college):
    return UserFactory(
        username="carol",
        organisation=zhejiang_university,
        department=materials_college,
        role=Role.COLLEGE_STAFF,
    )


@pytest.fixture
def other_college_staff(zhejiang_university, other_college):
    return UserFactory(
        username="cody",
        organisation=zhejiang_university,
        department=other_college,
        role=Role.COLLEGE_STAFF,
    )


@pytest.fixture
def inventor(zhejiang_university):
    return UserFactory(
        username="ivan",
        first_name="伟",
        last_name="张",
        organisation=zhejiang_university,
        role=Role.INVENTOR,
    )


@pytest.fixture
def draft(zhejiang_university, materials_college):
    return PatentFactory(organisation=zhejiang_university, department=materials_college)


@pytest.fixture
def foreign_patent(guangdong_university):
    return PatentFactory(organisation=guangdong_university, title="一种广东的专利")
