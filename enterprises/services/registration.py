"""Self-registration of an enterprise and its verification by the provincial bureau."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, OrgKind, Role, User
from accounts.validators import too_long
from enterprises import selectors
from enterprises.models import EnterpriseProfile, EnterpriseTag, Verification
from enterprises.validators import clean_uscc
from matching import hooks as matching_hooks
from notifications import services as notifications
from refdata.models import Industry, Region


def register_enterprise(
    *,
    name: str,
    uscc: str,
    province: Region,
    city: Region | None,
    industries: Iterable[Industry],
    size: str,
    tags: list[str],
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> EnterpriseProfile:
    """Create the enterprise (pending verification), its profile and its first admin, and tell
    the provincial bureau. Anyone may call it (public sign-up); raises ValidationError with field
    errors and writes nothing on any invalid input."""
    errors: dict[str, list[str]] = {}
    try:
        code = clean_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        if Organisation.objects.filter(uscc=code).exists():
            errors["uscc"] = [
                _("An organisation with this unified social credit code is already registered.")
            ]
    if city is not None and city.code[:2] != province.code[:2]:
        errors["city"] = [_("The city is not in the chosen province.")]
    if not set(tags) <= set(EnterpriseTag.values):
        errors["tags"] = [_("Choose tags from the list.")]
    user = User(
        username=username,
        email=email or None,
        role=Role.ADMIN,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    try:
        user.full_clean(exclude=["organisation", "password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        org = Organisation.objects.create(
            kind=OrgKind.ENTERPRISE, name=name, uscc=code, province=province, city=city
        )
        profile = EnterpriseProfile.objects.create(
            organisation=org,
            size=size,
            tags=tags,
            contact_name=f"{last_name}{first_name}" or username,
            contact_email=email,
            contact_phone=phone,
        )
        profile.industries.set(industries)
        user.organisation = org
        user.set_password(password)
        user.save()
        notifications.notify(
            recipients=selectors.bureau_users(province.code),
            kind="enterprise_registered",
            event_key=f"enterprise:{org.pk}:registered",
            title=gettext_noop("%(enterprise)s registered and waits for verification"),
            params={"enterprise": name},
            link=reverse("enterprises:verification"),
        )
    return profile


def verify_enterprise(
    *, profile: EnterpriseProfile, by: User, approve: bool, reason: str = ""
) -> EnterpriseProfile:
    """The provincial bureau (or the national level) verifies or rejects a pending enterprise.
    The caller fetched `profile` through `selectors.profiles_for(by)`, so another province's is
    already a 404. Raises PermissionDenied for other roles, ValidationError for a rejection
    without reason, a reason too long or a decision already taken."""
    if not (by.is_bureau or by.is_national):
        raise PermissionDenied(_("Only the provincial IP bureau verifies enterprises."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Give a reason for rejecting the registration.")})
    if error := too_long(EnterpriseProfile, "verification_reason", reason):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.verification_status != Verification.PENDING:
            raise ValidationError(_("This registration has already been decided."))
        profile.verification_status = Verification.VERIFIED if approve else Verification.REJECTED
        profile.verified_by = by
        profile.verified_at = timezone.now()
        profile.verification_reason = reason
        profile.save()
        notifications.notify(
            recipients=selectors.enterprise_members(profile.organisation_id),
            kind="enterprise_verified" if approve else "enterprise_rejected",
            event_key=f"enterprise:{profile.organisation_id}:{profile.verification_status}",
            title=(
                gettext_noop("Your enterprise is verified: you can now declare intents")
                if approve
                else gettext_noop("Your enterprise registration was rejected: %(reason)s")
            ),
            params={"reason": reason},
            link=reverse("home"),
        )
    return profile


def update_profile(
    *,
    profile: EnterpriseProfile,
    by: User,
    industries: Iterable[Industry],
    size: str,
    tags: list[str],
    description: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    show_as_likely_taker: bool,
) -> EnterpriseProfile:
    """The enterprise's own admin edits its profile (including whether universities may see it
    as a likely taker, off by default)."""
    if not (by.is_org_admin and by.organisation_id == profile.organisation_id):
        raise PermissionDenied(_("Only an administrator of this enterprise may edit its profile."))
    errors = {
        field: error
        for field, value in (
            ("description", description),
            ("contact_name", contact_name),
            ("contact_phone", contact_phone),
        )
        if (error := too_long(EnterpriseProfile, field, value))
    }
    if not set(tags) <= set(EnterpriseTag.values):
        errors["tags"] = _("Choose tags from the list.")
    if errors:
        raise ValidationError(errors)
    profile.size = size
    profile.tags = tags
    profile.description = description
    profile.contact_name = contact_name
    profile.contact_phone = contact_phone
    profile.contact_email = contact_email
    profile.show_as_likely_taker = show_as_likely_taker
    with transaction.atomic():
        profile.save()
        profile.industries.set(industries)
        # Industries feed matching; whether it may be shown as a likely taker decides which
        # patents' taker lists it can be on.
        matching_hooks.profile_changed(profile.organisation_id)
    return profile
