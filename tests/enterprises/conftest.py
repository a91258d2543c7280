"""The demand side's cast: a verified enterprise (erin), a second one in Guangdong (gus),
a pending one (pat), and a library patent of university A with a college."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Role
from enterprises.models import Verification
from tests.enterprises.factories import EnterpriseProfileFactory, LibraryPatentFactory
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def verified_enterprise(enterprise):
    return EnterpriseProfileFactory(organisation=enterprise)


@pytest.fixture
def other_enterprise_user(db):
    org = OrganisationFactory(name="广东另一企业", kind="enterprise", province_id="440000")
    EnterpriseProfileFactory(organisation=org)
    return UserFactory(username="gus", organisation=org, role=Role.ADMIN)


@pytest.fixture
def pending_enterprise_user(db):
    org = OrganisationFactory(name="待审核企业", kind="enterprise", province_id="330000")
    EnterpriseProfileFactory(organisation=org, verification_status=Verification.PENDING)
    return UserFactory(username="pat", organisation=org, role=Role.ADMIN)


@pytest.fixture
def library_patent(zhejiang_university):
    return LibraryPatentFactory(
        organisation=zhejiang_university,
        department=zhejiang_university.departments.get(),
        title="一种耐高温锂电池隔膜的制备方法",
        contact_name="李老师",
        contact_phone="0571-87950000",
    )


@pytest.fixture
def open_patent(library_patent):
    library_patent.offers_open_licence = True
    library_patent.open_licence_fee_basis = "lump_sum"
    library_patent.open_licence_fee_amount = Decimal("50000.00")
    library_patent.open_licence_period_years = 3
    library_patent.save()
    return library_patent


@pytest.fixture
def college_staff(zhejiang_university):
    return UserFactory(
        username="cora",
        organisation=zhejiang_university,
        role=Role.COLLEGE_STAFF,
        department=zhejiang_university.departments.get(),
    )


@pytest.fixture
def inventor(zhejiang_university):
    return UserFactory(
        username="ivy",
        organisation=zhejiang_university,
        role=Role.INVENTOR,
        department=zhejiang_university.departments.get(),
    )
