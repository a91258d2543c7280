from __future__ import annotations

import pytest

from accounts.models import OrgKind, Role
from evaluation.models import InstitutionStatus
from tests.evaluation.factories import AppraiserFactory, InstitutionFactory
from tests.factories import OrganisationFactory, PatentFactory, UserFactory


@pytest.fixture
def zj_institution(db):
    """A qualified full-time institution in Zhejiang with three qualified appraisers."""
    institution = InstitutionFactory(organisation__province_id="330000")
    AppraiserFactory.create_batch(3, institution=institution)
    return institution


@pytest.fixture
def appraiser_user(zj_institution):
    return UserFactory(username="amy", organisation=zj_institution.organisation, role=Role.ADMIN)


@pytest.fixture
def gd_institution(db):
    institution = InstitutionFactory(organisation__province_id="440000")
    AppraiserFactory.create_batch(3, institution=institution)
    return institution


@pytest.fixture
def gd_appraiser_user(gd_institution):
    return UserFactory(username="greg", organisation=gd_institution.organisation, role=Role.ADMIN)


@pytest.fixture
def applying_institution(db):
    return InstitutionFactory(
        organisation__province_id="330000",
        status=InstitutionStatus.APPLYING,
        certificate_no="",
        certificate_date=None,
    )


@pytest.fixture
def applicant_user(applying_institution):
    return UserFactory(
        username="andy", organisation=applying_institution.organisation, role=Role.STAFF
    )


@pytest.fixture
def library_patent(zhejiang_university):
    return PatentFactory(organisation=zhejiang_university, in_library=True)


@pytest.fixture
def draft_patent(zhejiang_university):
    return PatentFactory(organisation=zhejiang_university)


@pytest.fixture
def unregistered_appraisal_org(db):
    return OrganisationFactory(kind=OrgKind.APPRAISAL_INSTITUTION, name="新设评估公司")
