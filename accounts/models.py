"""Users, the organisations they belong to, and their roles.

What a user may see and do follows from organisation kind + role; the rules live in
accounts/access.py and each app's selectors, never in views.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    SERVICE_INSTITUTION = "service_institution", _("Service institution")
    IP_BUREAU = "ip_bureau", _("Provincial IP bureau")
    NATIONAL_ADMIN = "national_admin", _("National administration")
    APPRAISAL_INSTITUTION = "appraisal_institution", _("Appraisal institution")


#: Kinds that own patents and run an inventory.
PATENT_OWNER_KINDS = frozenset({OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE})


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    COLLEGE_STAFF = "college_staff", _("College staff")
    INVENTOR = "inventor", _("Inventor")


#: Roles that only exist under a university or research institute.
UNIVERSITY_ONLY_ROLES = frozenset({Role.COLLEGE_STAFF, Role.INVENTOR})


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    province = models.ForeignKey(
        "refdata.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        limit_choices_to={"level": 1},
    )
    city = models.ForeignKey(
        "refdata.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("city"),
        limit_choices_to={"level": 2},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["province"], condition=Q(kind="ip_bureau"), name="one_bureau_per_province"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="national_admin"), name="one_national_admin"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.city_id and self.city_id[:2] != self.province_id[:2]:
            raise ValidationError({"city": _("The city is not in the chosen province.")})

    @property
    def owns_patents(self) -> bool:
        return self.kind in PATENT_OWNER_KINDS


class Department(models.Model):
    """A college, school or department of a university or research institute."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("college or department")
        verbose_name_plural = _("colleges and departments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_department_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    email = models.EmailField(  # type: ignore[assignment]
        _("email address"), unique=True, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("college or department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # The language the user last used the site in: e-mails sent by workers use it too.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        org = self.organisation
        if self.role in UNIVERSITY_ONLY_ROLES and (org is None or not org.owns_patents):
            errors["role"] = _("This role exists only in universities and research institutes.")
        if self.role == Role.COLLEGE_STAFF and self.department_id is None:
            errors["department"] = _("College staff must belong to a college or department.")
        department = self.department
        if department is not None and (org is None or department.organisation_id != org.pk):
            errors["department"] = _("The college belongs to another organisation.")
        if errors:
            raise ValidationError(errors)

    @property
    def org_kind(self) -> str | None:
        return self.organisation.kind if self.organisation_id else None  # type: ignore[union-attr]

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ADMIN and self.organisation_id is not None

    @property
    def is_national(self) -> bool:
        return self.is_superuser or self.org_kind == OrgKind.NATIONAL_ADMIN

    @property
    def is_bureau(self) -> bool:
        return self.org_kind == OrgKind.IP_BUREAU

    @property
    def province_code(self) -> str | None:
        return self.organisation.province_id if self.organisation_id else None  # type: ignore[union-attr]
