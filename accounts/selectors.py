"""Reads of organisations and users, scoped by who asks."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.access import scope_to_owner
from accounts.models import Department, Organisation, OrgKind, User


def organisations_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations whose records the user may open: own; province for bureaus; all nationally."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    assert isinstance(user, User)
    if user.is_national:
        return Organisation.objects.all()
    if user.org_kind == OrgKind.IP_BUREAU:
        return Organisation.objects.filter(province_id=user.province_code)
    return Organisation.objects.filter(pk=user.organisation_id or 0)


def members_for(user: User | AnonymousUser) -> QuerySet[User]:
    """Users the given user may list: colleagues of their organisation (bureaus: the province)."""
    return scope_to_owner(User.objects.select_related("organisation", "department"), user)


def departments_for(user: User | AnonymousUser) -> QuerySet[Department]:
    return scope_to_owner(Department.objects.all(), user)


def bureau_of(province_code: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrgKind.IP_BUREAU, province_id=province_code).first()


def staff_of(organisation: Organisation, *, department_id: int | None = None) -> QuerySet[User]:
    """Active admin/staff of an organisation (and the college staff of one department)."""
    roles = Q(role__in=["admin", "staff"])
    if department_id is not None:
        roles |= Q(role="college_staff", department_id=department_id)
    return User.objects.filter(roles, organisation=organisation, is_active=True)
