"""Writes for organisations and their members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, Role, User


def add_member(
    *,
    organisation: Organisation,
    username: str,
    email: str,
    password: str,
    role: str,
    department: Department | None = None,
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> User:
    """Create a user in `organisation`. Only that organisation's admin (or a superuser) may."""
    may_add = (
        by is None or by.is_superuser or (by.is_org_admin and by.organisation_id == organisation.pk)
    )
    if not may_add:
        raise PermissionDenied(_("Only an administrator of this organisation may add members."))
    user = User(
        username=username,
        email=email or None,
        organisation=organisation,
        role=role,
        department=department,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
    return user


def set_member_active(*, member: User, active: bool, by: User) -> User:
    """Deactivate or reactivate a colleague; an admin cannot lock themselves out."""
    if not (by.is_superuser or (by.is_org_admin and by.organisation_id == member.organisation_id)):
        raise PermissionDenied(_("Only an administrator of this organisation may change members."))
    if member.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    member.is_active = active
    member.save(update_fields=["is_active"])
    return member


def ensure_department(*, organisation: Organisation, name: str) -> Department:
    if not organisation.owns_patents:
        raise ValidationError(_("Only universities and research institutes have colleges."))
    department, _created = Department.objects.get_or_create(organisation=organisation, name=name)
    return department


__all__ = ["Role", "add_member", "ensure_department", "set_member_active"]
