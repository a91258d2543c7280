from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from accounts.models import OrgKind
from evaluation.models import (
    AppraisalInstitution,
    Appraiser,
    CertificateKind,
    Degree,
    DegreeField,
    Employment,
    InstitutionKind,
    InstitutionStatus,
)
from tests.factories import OrganisationFactory


def pdf(name: str = "doc.pdf") -> ContentFile:
    return ContentFile(b"%PDF-1.4 test", name=name)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = AppraisalInstitution

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrgKind.APPRAISAL_INSTITUTION,
        name=factory.Sequence(lambda n: f"测试专利资产评估公司{n}"),
    )
    kind = InstitutionKind.FULL_TIME
    domicile = "杭州市西湖区文三路1号"
    legal_representative = "王强"
    status = InstitutionStatus.QUALIFIED
    certificate_no = factory.Sequence(lambda n: f"ZJPA-2025-{n:03d}")
    certificate_date = datetime.date(2025, 3, 1)


class AppraiserFactory(DjangoModelFactory):
    """An eligible, full-time appraiser holding the examination certificate."""

    class Meta:
        model = Appraiser

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"评估师{n}")
    employment = Employment.FULL_TIME
    degree = Degree.BACHELOR
    degree_field = DegreeField.ENGINEERING
    years_asset_appraisal = Decimal(0)
    certificate_kind = CertificateKind.EXAMINATION
    certificate_no = factory.Sequence(lambda n: f"EX-{n:05d}")
    joined_on = datetime.date(2025, 1, 2)
