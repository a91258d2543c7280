"""Factories of the demand side."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from enterprises.models import (
    CooperationIntent,
    EnterpriseProfile,
    EnterpriseSize,
    ProspectRating,
    TechnologyNeed,
    Verification,
)
from patents.models import InventoryCategory, LegalStatus, ReviewStatus
from tests.factories import OrganisationFactory, PatentFactory, UserFactory


class EnterpriseProfileFactory(DjangoModelFactory):
    class Meta:
        model = EnterpriseProfile

    organisation = factory.SubFactory(OrganisationFactory, kind="enterprise")
    size = EnterpriseSize.SMALL
    verification_status = Verification.VERIFIED
    contact_name = "王经理"
    contact_phone = "0571-88888888"
    contact_email = "bd@example.com"


class LibraryPatentFactory(PatentFactory):
    review_status = ReviewStatus.ADMITTED
    legal_status = LegalStatus.VALID
    inventory_category = InventoryCategory.HAS_PROSPECTS


class TechnologyNeedFactory(DjangoModelFactory):
    class Meta:
        model = TechnologyNeed

    enterprise = factory.SubFactory(OrganisationFactory, kind="enterprise")
    title = factory.Sequence(lambda n: f"耐高温电池隔膜技术需求{n}")
    description = "寻求可量产的耐高温锂电池隔膜技术。"
    keywords = factory.LazyFunction(lambda: ["隔膜", "锂电池"])
    ipc_codes = factory.LazyFunction(lambda: ["H01M"])


class IntentFactory(DjangoModelFactory):
    class Meta:
        model = CooperationIntent

    patent = factory.SubFactory(LibraryPatentFactory)
    enterprise = factory.SubFactory(OrganisationFactory, kind="enterprise")
    declared_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..enterprise")
    )
    kinds = factory.LazyFunction(lambda: ["licence"])
    message = "我们希望获得该专利的许可。"
    declared_at = factory.LazyFunction(timezone.now)
    answer_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = ProspectRating

    patent = factory.SubFactory(LibraryPatentFactory)
    # Only verified enterprises rate.
    enterprise = factory.LazyFunction(lambda: EnterpriseProfileFactory().organisation)
    score = 3
    reasons = factory.LazyFunction(lambda: ["too_early"])
