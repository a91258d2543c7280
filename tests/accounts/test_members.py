from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role, User
from tests.factories import DepartmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_staff_who_is_not_admin_gets_403_on_members_page(client, univ_a_staff):
    client.force_login(univ_a_staff)
    assert client.get(reverse("accounts:members")).status_code == 403


def test_admin_adds_a_college_staff_member(client, univ_a_admin):
    department = univ_a_admin.organisation.departments.get()
    client.force_login(univ_a_admin)
    response = client.post(
        reverse("accounts:members"),
        {
            "username": "carol",
            "email": "carol@example.com",
            "role": Role.COLLEGE_STAFF,
            "department": department.pk,
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    carol = User.objects.get(username="carol")
    assert carol.organisation == univ_a_admin.organisation
    assert carol.department == department


def test_college_staff_without_college_is_refused_and_nothing_written(client, univ_a_admin):
    client.force_login(univ_a_admin)
    response = client.post(
        reverse("accounts:members"),
        {
            "username": "carol",
            "role": Role.COLLEGE_STAFF,
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 200
    assert "College staff must belong to a college or department." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_enterprise_cannot_have_inventors(enterprise_user):
    with pytest.raises(ValidationError) as error:
        services.add_member(
            organisation=enterprise_user.organisation,
            username="ivan",
            email="",
            password="a-long-enough-passphrase",
            role=Role.INVENTOR,
            by=enterprise_user,
        )
    assert error.value.message_dict["role"] == [
        "This role exists only in universities and research institutes."
    ]
    assert not User.objects.filter(username="ivan").exists()


def test_admin_of_another_organisation_cannot_add_members(univ_a_admin, guangdong_university):
    with pytest.raises(PermissionDenied):
        services.add_member(
            organisation=guangdong_university,
            username="mallory",
            email="",
            password="a-long-enough-passphrase",
            role=Role.ADMIN,
            by=univ_a_admin,
        )
    assert not User.objects.filter(username="mallory").exists()


def test_department_of_another_organisation_is_refused(univ_a_admin, guangdong_university):
    foreign = DepartmentFactory(organisation=guangdong_university)
    with pytest.raises(ValidationError) as error:
        services.add_member(
            organisation=univ_a_admin.organisation,
            username="dave",
            email="",
            password="a-long-enough-passphrase",
            role=Role.STAFF,
            department=foreign,
            by=univ_a_admin,
        )
    assert error.value.message_dict["department"] == [
        "The college belongs to another organisation."
    ]


def test_one_bureau_per_province(bureau_zj):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        OrganisationFactory(kind="ip_bureau", province_id="330000", city_id=None)
