"""The navigation and home page offer only what the user's role may open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import UNIVERSITY_ONLY_ROLES, OrgKind, Role
from accounts.navigation import nav_for
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CAST = [
    (kind, role, with_department)
    for kind in OrgKind
    for role in Role
    if role not in UNIVERSITY_ONLY_ROLES or kind in (OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE)
    for with_department in ([True, False] if role == Role.COLLEGE_STAFF else [False])
]


def _member(kind: str, role: str, with_department: bool = False):  # type: ignore[no-untyped-def]
    organisation = OrganisationFactory(kind=kind, province_id="330000")
    department = DepartmentFactory(organisation=organisation) if with_department else None
    return UserFactory(organisation=organisation, role=role, department=department)


@pytest.mark.parametrize(("kind", "role", "with_department"), CAST)
def test_every_navigation_link_opens_for_whoever_is_offered_it(client, kind, role, with_department):
    user = _member(kind, role, with_department)
    client.force_login(user)
    refused = [item["name"] for item in nav_for(user) if client.get(item["url"]).status_code == 403]
    assert refused == []


@pytest.mark.parametrize("kind", [OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE])
def test_inventor_is_not_offered_uploads(client, kind):
    inventor = _member(kind, Role.INVENTOR)
    client.force_login(inventor)
    html = client.get(reverse("home")).content.decode()
    assert 'data-nav="patents:import_list"' not in html
    assert 'id="home-imports"' not in html
    assert 'id="home-inventory"' in html  # the rest of the workspace is there


@pytest.mark.parametrize("kind", [OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE])
def test_staff_are_offered_uploads(client, kind):
    staff = _member(kind, Role.STAFF)
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()
    assert 'data-nav="patents:import_list"' in html
    assert 'id="home-imports"' in html
    assert client.get(reverse("patents:import_list")).status_code == 200


def test_college_staff_without_a_college_are_not_offered_uploads(client):
    user = _member(OrgKind.UNIVERSITY, Role.COLLEGE_STAFF, with_department=False)
    client.force_login(user)
    assert 'id="home-imports"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("patents:import_list")).status_code == 403
