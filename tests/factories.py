"""factory_boy factories for the whole project (one section per app)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory
from stdnum.cn import uscc

from accounts.models import Department, Organisation, OrgKind, Role, User
from patents.models import InventoryCategory, LegalStatus, Patent, ReviewStatus
from patents.numbers import check_digit

PASSWORD = "correct-horse-battery"


def _uscc(n: int) -> str:
    body = f"91330100{n:09d}"
    return body + uscc.calc_check_digit(body)


def application_no(n: int, *, year: int = 2021, type_digit: str = "1") -> str:
    body = f"{year}{type_digit}{n:07d}"
    return f"{body}.{check_digit(body)}"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.UNIVERSITY
    name = factory.Sequence(lambda n: f"测试大学{n}")
    uscc = factory.Sequence(_uscc)
    province_id = "330000"
    city_id = factory.LazyAttribute(lambda o: o.province_id[:2] + "0100")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"学院{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()  # type: ignore[attr-defined]


class PatentFactory(DjangoModelFactory):
    class Meta:
        model = Patent

    organisation = factory.SubFactory(OrganisationFactory)
    application_no = factory.Sequence(application_no)
    patent_type = "invention"
    title = factory.Sequence(lambda n: f"一种锂电池隔膜的制备方法{n}")
    abstract = "本发明公开了一种锂电池隔膜的制备方法，提高了隔膜的耐热性。"
    ipc_main = "H01M 50/403"
    ipc_subclass = "H01M"
    patentees = factory.LazyAttribute(lambda p: [p.organisation.name])
    inventors = factory.LazyFunction(lambda: ["张伟"])
    legal_status = LegalStatus.VALID
    inventory_category = InventoryCategory.HAS_PROSPECTS
    review_status = ReviewStatus.DRAFT
    offers_transfer = True

    class Params:
        in_library = factory.Trait(review_status=ReviewStatus.ADMITTED)
