"""Typical cases: reads scoped by who asks, and the three writes (propose, agree, publish).

- the bureau of the patent's province proposes a case from a recorded deal, and publishes it
  once the owning university's administrator has agreed;
- the national level sees every case; a university the cases of its own deals;
- published cases are public (no sign-in).
Another province's case or deal is a 404 (selectors); a role that may see but not act is a 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_to_province
from accounts.models import User
from accounts.validators import too_long
from dashboards.models import CaseStatus, TypicalCase
from enterprises import selectors as enterprise_selectors
from enterprises.models import Deal

_RELATED = ("deal__patent__organisation", "deal__enterprise", "province")


def cases_for(user: User | AnonymousUser) -> QuerySet[TypicalCase]:
    """Cases the user may open: national all, a bureau its province's, a university its deals'."""
    cases = TypicalCase.objects.select_related(*_RELATED)
    if not isinstance(user, User):
        return cases.none()
    if user.is_national or user.is_bureau:
        return scope_to_province(cases, user)
    if user.organisation_id and user.organisation and user.organisation.owns_patents:
        return cases.filter(deal__university_id=user.organisation_id)
    return cases.none()


def published_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.select_related(*_RELATED).filter(status=CaseStatus.PUBLISHED)


def deals_to_propose(user: User | AnonymousUser) -> QuerySet[Deal]:
    """Deals on patents of the bureau's own province (a bureau also sees deals where only the
    enterprise is of its province; those belong to the other province's bureau)."""
    if not isinstance(user, User) or not user.is_bureau:
        return Deal.objects.none()
    return enterprise_selectors.deals_for(user).filter(
        patent__organisation__province_id=user.province_code
    )


def may_see_cases(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and (
        user.is_national
        or user.is_bureau
        or bool(user.organisation_id and user.organisation and user.organisation.owns_patents)
    )


def _require_bureau_of(user: User, province_id: str) -> None:
    if not user.is_bureau or user.province_code != province_id:
        raise PermissionDenied


def _texts(title: str, summary: str) -> tuple[str, str]:
    title, summary = title.strip(), summary.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the case a title.")
    elif error := too_long(TypicalCase, "title", title):
        errors["title"] = error
    if not summary:
        errors["summary"] = _("Describe the case for the public page.")
    elif error := too_long(TypicalCase, "summary", summary):
        errors["summary"] = error
    if errors:
        raise ValidationError(errors)
    return title, summary


@transaction.atomic
def propose_case(*, deal: Deal, title: str, summary: str, by: User) -> TypicalCase:
    """The bureau of the patent's province proposes `deal` as a typical case.

    Raises PermissionDenied (not that bureau) or ValidationError (empty or too long text, already
    a case).
    """
    province = deal.patent.organisation.province_id
    _require_bureau_of(by, str(province))
    title, summary = _texts(title, summary)
    # Lock the deal so that two proposals of the same deal cannot both pass the check.
    Deal.objects.select_for_update().filter(pk=deal.pk).first()
    if TypicalCase.objects.filter(deal=deal).exists():
        raise ValidationError(_("This deal is already a typical case."))
    return TypicalCase.objects.create(
        deal=deal, province_id=province, title=title, summary=summary, proposed_by=by
    )


@transaction.atomic
def agree_to_case(*, case: TypicalCase, by: User) -> TypicalCase:
    """The owning university's administrator agrees to publication.

    Raises PermissionDenied (not that university's administrator) or ValidationError (not
    waiting for agreement)."""
    case = TypicalCase.objects.select_for_update().select_related("deal").get(pk=case.pk)
    if by.organisation_id != case.deal.university_id or not by.is_org_admin:
        raise PermissionDenied
    if case.status != CaseStatus.PROPOSED:
        raise ValidationError(_("Only a proposed case can be agreed to."))
    case.status, case.agreed_by, case.agreed_at = CaseStatus.AGREED, by, timezone.now()
    case.save(update_fields=["status", "agreed_by", "agreed_at"])
    return case


@transaction.atomic
def publish_case(*, case: TypicalCase, by: User) -> TypicalCase:
    """The bureau publishes an agreed case. Raises PermissionDenied (not that bureau) or
    ValidationError (the university has not agreed, or it is published already)."""
    case = TypicalCase.objects.select_for_update().get(pk=case.pk)
    _require_bureau_of(by, case.province_id)
    if case.status != CaseStatus.AGREED:
        raise ValidationError(
            _("A case can be published only after the university has agreed, and only once.")
        )
    case.status, case.published_by, case.published_at = (
        CaseStatus.PUBLISHED,
        by,
        timezone.now(),
    )
    case.save(update_fields=["status", "published_by", "published_at"])
    return case
