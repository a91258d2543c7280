"""Technology needs of an enterprise: what it is looking for (feeds matching)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgKind, User
from accounts.text import join_list
from accounts.validators import too_long
from enterprises.models import NeedStatus, TechnologyNeed
from matching import hooks as matching_hooks
from patents.models import DealForm
from refdata.models import Industry, Region

IPC_PATTERN = re.compile(r"^[A-H](\d{2}([A-Z](\s?\d{1,4}/\d{1,6})?)?)?$")


def split_terms(raw: str | Iterable[str], *, on_spaces: bool = True) -> list[str]:
    """Keywords typed with commas, Chinese commas, semicolons or spaces (codes such as
    "H01M 50/403" contain a space, so they are split without `on_spaces`)."""
    pattern = r"[,，;；、\s]+" if on_spaces else r"[,，;；、\n]+"
    parts = re.split(pattern, raw) if isinstance(raw, str) else list(raw)
    seen: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in seen:
            seen.append(part)
    return seen


def _validate(
    *,
    title: str,
    description: str,
    ipc_codes: list[str],
    preferred_deal_forms: list[str],
    budget_min: Decimal | None,
    budget_max: Decimal | None,
    status: str,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the need a title.")
    elif error := too_long(TechnologyNeed, "title", title.strip()):
        errors["title"] = error
    if not description.strip():
        errors["description"] = _("Describe the need.")
    elif error := too_long(TechnologyNeed, "description", description.strip()):
        errors["description"] = error
    bad = [code for code in ipc_codes if not IPC_PATTERN.match(code.upper())]
    if bad:
        errors["ipc_codes"] = _("Not IPC codes: %(codes)s") % {"codes": join_list(bad)}
    if not set(preferred_deal_forms) <= set(DealForm.values):
        errors["preferred_deal_forms"] = _("Choose deal forms from the list.")
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        errors["budget_max"] = _("The upper end of the budget is below the lower end.")
    if status not in NeedStatus.values:
        errors["status"] = _("Choose a status from the list.")
    if errors:
        raise ValidationError(errors)


def _ensure_member(by: User, enterprise_id: int | None) -> None:
    if by.org_kind != OrgKind.ENTERPRISE or by.organisation_id != enterprise_id:
        raise PermissionDenied(_("Only the enterprise's own users may edit its needs."))


def create_need(
    *,
    by: User,
    title: str,
    description: str,
    keywords: list[str],
    ipc_codes: list[str],
    industries: Iterable[Industry],
    preferred_deal_forms: list[str],
    budget_min: Decimal | None = None,
    budget_max: Decimal | None = None,
    region_preference: Region | None = None,
    deadline: datetime.date | None = None,
    status: str = NeedStatus.OPEN,
) -> TechnologyNeed:
    """An enterprise user publishes a need of their enterprise."""
    if by.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied(_("Only the enterprise's own users may edit its needs."))
    ipc_codes = [code.upper() for code in ipc_codes]
    _validate(
        title=title,
        description=description,
        ipc_codes=ipc_codes,
        preferred_deal_forms=preferred_deal_forms,
        budget_min=budget_min,
        budget_max=budget_max,
        status=status,
    )
    enterprise = by.organisation
    assert enterprise is not None  # an enterprise user always has one (checked above)
    with transaction.atomic():
        need = TechnologyNeed.objects.create(
            enterprise=enterprise,
            title=title.strip(),
            description=description.strip(),
            keywords=keywords,
            ipc_codes=ipc_codes,
            preferred_deal_forms=preferred_deal_forms,
            budget_min=budget_min,
            budget_max=budget_max,
            region_preference=region_preference,
            deadline=deadline,
            status=status,
            created_by=by,
        )
        need.industries.set(industries)
    matching_hooks.profile_changed(need.enterprise_id)
    return need


def update_need(
    *,
    need: TechnologyNeed,
    by: User,
    title: str,
    description: str,
    keywords: list[str],
    ipc_codes: list[str],
    industries: Iterable[Industry],
    preferred_deal_forms: list[str],
    budget_min: Decimal | None = None,
    budget_max: Decimal | None = None,
    region_preference: Region | None = None,
    deadline: datetime.date | None = None,
    status: str = NeedStatus.OPEN,
) -> TechnologyNeed:
    _ensure_member(by, need.enterprise_id)
    ipc_codes = [code.upper() for code in ipc_codes]
    _validate(
        title=title,
        description=description,
        ipc_codes=ipc_codes,
        preferred_deal_forms=preferred_deal_forms,
        budget_min=budget_min,
        budget_max=budget_max,
        status=status,
    )
    need.title = title.strip()
    need.description = description.strip()
    need.keywords = keywords
    need.ipc_codes = ipc_codes
    need.preferred_deal_forms = preferred_deal_forms
    need.budget_min = budget_min
    need.budget_max = budget_max
    need.region_preference = region_preference
    need.deadline = deadline
    need.status = status
    with transaction.atomic():
        need.save()
        need.industries.set(industries)
    matching_hooks.profile_changed(need.enterprise_id)
    return need
