"""Each role signs in and lands on its own home page; the language switch shows Chinese."""

from __future__ import annotations

import pytest

from accounts.models import OrgKind, Role
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures.browser import sign_in, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = [
    (OrgKind.UNIVERSITY, Role.STAFF, "Tech-transfer workspace"),
    (OrgKind.RESEARCH_INSTITUTE, Role.ADMIN, "Tech-transfer workspace"),
    (OrgKind.ENTERPRISE, Role.ADMIN, "Enterprise workspace"),
    (OrgKind.SERVICE_INSTITUTION, Role.STAFF, "Service institution workspace"),
    (OrgKind.IP_BUREAU, Role.ADMIN, "Provincial IP bureau"),
    (OrgKind.NATIONAL_ADMIN, Role.ADMIN, "National administration"),
    (OrgKind.APPRAISAL_INSTITUTION, Role.ADMIN, "Appraisal institution workspace"),
]


@pytest.mark.parametrize(("kind", "role", "heading"), HOMES)
def test_each_role_signs_in_to_its_home(page, kind, role, heading):
    org = OrganisationFactory(kind=kind, city_id=None)
    UserFactory(username="tester", organisation=org, role=role)
    sign_in(page, "tester")
    home = page.locator(f"[data-testid=home-{kind}]")
    assert heading in home.locator("h1").inner_text()
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url("**/accounts/login/**")


def test_switching_language_shows_chinese(page, univ_a_staff):
    sign_in(page, univ_a_staff.username)
    assert "Tech-transfer workspace" in page.inner_text("h1")
    switch_language(page, "zh-hans")
    assert "技术转移工作台" in page.inner_text("h1")
    assert "退出" in page.content()
