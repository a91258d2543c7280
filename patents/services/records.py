"""Create and edit one patent record by hand (site form or API), with validation and history.

Bulk uploads have their own service (imports); both keep the same rules for what a valid record
is, so a record edited here and re-uploaded later ends up the same.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import PATENT_OWNER_KINDS, Organisation, Role, User
from patents.models import (
    DEAL_FORM_FIELDS,
    ChangeSource,
    LegalStatus,
    OpenLicenceFeeBasis,
    Patent,
    ReviewStatus,
)
from patents.numbers import normalise_ipc, parse_application_number, parse_ipc_list
from patents.search import search_text_for
from patents.services import history
from patents.terms import add_years

#: Fields a person may set on a record; everything else is derived or owned by the workflow.
EDITABLE_FIELDS: tuple[str, ...] = (
    "application_no",
    "title",
    "abstract",
    "ipc_main",
    "ipc_other",
    "patentees",
    "inventors",
    "application_date",
    "grant_date",
    "publication_no",
    "legal_status",
    "department",
    "inventory_category",
    "value_grade",
    "maturity",
    "industry",
    "application_field",
    "target_products",
    "prospect_note",
    "offers_transfer",
    "offers_exclusive_licence",
    "offers_ordinary_licence",
    "offers_open_licence",
    "offers_investment",
    "open_licence_fee_basis",
    "open_licence_fee_amount",
    "open_licence_royalty_rate",
    "open_licence_payment_method",
    "open_licence_period_years",
    "is_fiscally_funded",
    "implementation_status",
    "contact_name",
    "contact_phone",
    "contact_email",
)
#: Fields tracked in the history besides the editable ones.
_DERIVED_FIELDS = ("patent_type", "ipc_subclass")
_EARLY_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
NAME_LIST_SPLIT = re.compile(r"[;；]")


def _snapshot(patent: Patent) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in (*EDITABLE_FIELDS, *_DERIVED_FIELDS):
        if name in ("department", "industry"):
            values[name] = getattr(patent, f"{name}_id")
        else:
            values[name] = getattr(patent, name)
    return values


def _check_may_edit(*, by: User, organisation: Organisation, patent: Patent | None) -> None:
    if by.organisation_id != organisation.pk or organisation.kind not in PATENT_OWNER_KINDS:
        raise PermissionDenied(_("Only the owning institution may edit its patent records."))
    early = patent is None or patent.review_status in _EARLY_STATUSES
    if by.role in (Role.COLLEGE_STAFF, Role.INVENTOR) and not early:
        raise PermissionDenied(
            _(
                "This record is in review or admitted; only the institution's administrators and "
                "staff may change it now."
            )
        )
    if (
        by.role == Role.COLLEGE_STAFF
        and patent is not None
        and (patent.department_id != by.department_id)
    ):
        raise PermissionDenied(_("College staff may edit only their college's records."))


def _normalise(fields: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """Parse the application number and IPC codes into their stored forms."""
    values = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
    if "application_no" in values:
        try:
            number = parse_application_number(values["application_no"])
        except ValueError as exc:
            errors.setdefault("application_no", []).append(str(exc))
        else:
            values["application_no"] = number.canonical
            values["patent_type"] = number.patent_type
    if values.get("ipc_main"):
        try:
            values["ipc_main"] = normalise_ipc(values["ipc_main"])
            values["ipc_subclass"] = values["ipc_main"][:4]
        except ValueError as exc:
            errors.setdefault("ipc_main", []).append(str(exc))
    elif "ipc_main" in values:
        values["ipc_main"], values["ipc_subclass"] = "", ""
    if "ipc_other" in values:
        raw = values["ipc_other"]
        try:
            values["ipc_other"] = (
                parse_ipc_list(raw)
                if isinstance(raw, str)
                else [normalise_ipc(code) for code in raw or []]
            )
        except ValueError as exc:
            errors.setdefault("ipc_other", []).append(str(exc))
    for name in ("patentees", "inventors"):
        if isinstance(values.get(name), str):
            # Semicolons as the form asks, in either width: a Chinese keyboard types "；". Not
            # commas: a name such as "Acme Co., Ltd." has one.
            parts = NAME_LIST_SPLIT.split(values[name])
            values[name] = [part.strip() for part in parts if part.strip()]
    return values


def check_record(
    patent: Patent, errors: dict[str, list[str]], *, today: datetime.date | None = None
) -> None:
    """Rules across fields (DOMAIN.md §8.2 for open licences). `today` defaults to the local
    date; an upload passes its own, once (reading the clock costs more than the rules)."""
    if patent.department_id and patent.department.organisation_id != patent.organisation_id:  # type: ignore[union-attr]
        errors.setdefault("department", []).append(
            _("The college belongs to another organisation.")
        )
    if (
        patent.grant_date
        and patent.application_date
        and patent.grant_date < patent.application_date
    ):
        errors.setdefault("grant_date", []).append(
            _("The grant date is before the application date.")
        )
    if patent.offers_open_licence:
        check_open_licence(patent, errors, today=today)


def check_open_licence(
    patent: Patent, errors: dict[str, list[str]], *, today: datetime.date | None = None
) -> None:
    """Whether `patent` may be offered, and taken, under an open licence on its recorded terms
    (Implementing Rules Art. 85/86, DOMAIN.md §8.2): granted and in force, not also offered for an
    exclusive licence, the fee basis with the amount and/or rate it needs, and a period that a
    licence taken today can run without outliving the patent. Adds {field: [messages]} to
    `errors`. One definition for what an owner may save (check_record) and what an enterprise
    may accept (enterprises.services.deals.accept_open_licence)."""
    if patent.legal_status != LegalStatus.VALID:
        errors.setdefault("offers_open_licence", []).append(
            _("Only a granted patent in force can be offered under an open licence.")
        )
    if patent.offers_exclusive_licence:
        errors.setdefault("offers_exclusive_licence", []).append(
            _("A patent under an open licence cannot also be offered for an exclusive licence.")
        )
    basis = patent.open_licence_fee_basis
    if not basis:
        errors.setdefault("open_licence_fee_basis", []).append(
            _("Give the fee basis of the open licence.")
        )
    needs_amount = basis in (OpenLicenceFeeBasis.LUMP_SUM, OpenLicenceFeeBasis.UPFRONT_PLUS_ROYALTY)
    if needs_amount and patent.open_licence_fee_amount is None:
        errors.setdefault("open_licence_fee_amount", []).append(
            _("Give the fee amount of the open licence.")
        )
    needs_rate = basis in (OpenLicenceFeeBasis.ROYALTY, OpenLicenceFeeBasis.UPFRONT_PLUS_ROYALTY)
    if needs_rate and patent.open_licence_royalty_rate is None:
        errors.setdefault("open_licence_royalty_rate", []).append(
            _("Give the royalty rate of the open licence.")
        )
    if not patent.open_licence_period_years:
        errors.setdefault("open_licence_period_years", []).append(
            _("Give the period of the open licence.")
        )
    else:
        _check_period_within_term(
            patent, patent.open_licence_period_years, errors, today or timezone.localdate()
        )


def _check_period_within_term(
    patent: Patent, years: int, errors: dict[str, list[str]], today: datetime.date
) -> None:
    """A licence taken today for `years` must end by the patent's expiry (DOMAIN.md §8.2:
    license_term_end ≤ patent expiry). Unknown without the application date and type."""
    term_end = patent.term_end
    if term_end is None:
        return
    if add_years(today, years) <= term_end:
        return
    expiry = term_end - datetime.timedelta(days=1)  # as Patent.expiry_date
    fitting = term_end.year - today.year
    if add_years(today, fitting) > term_end:
        fitting -= 1
    date = expiry.isoformat()
    if expiry < today:
        message = _("The patent expired on %(date)s: it cannot be licensed any more.") % {
            "date": date
        }
    elif fitting < 1:
        message = _(
            "The patent expires on %(date)s, within a year: too soon for an open licence."
        ) % {"date": date}
    else:
        message = ngettext(
            "The open licence would run past the patent's expiry on %(date)s: give at most "
            "%(years)d year.",
            "The open licence would run past the patent's expiry on %(date)s: give at most "
            "%(years)d years.",
            fitting,
        ) % {"date": date, "years": fitting}
    errors.setdefault("open_licence_period_years", []).append(message)


def _validate_and_save(
    patent: Patent, values: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    for name, value in values.items():
        setattr(patent, name, value)
    if "application_no" not in errors:
        duplicate = Patent.objects.filter(
            organisation_id=patent.organisation_id, application_no=patent.application_no
        ).exclude(pk=patent.pk)
        if duplicate.exists():
            errors.setdefault("application_no", []).append(
                _("This institution already has a record for application number %(number)s.")
                % {"number": patent.application_no}
            )
    check_record(patent, errors)
    try:
        patent.full_clean(exclude=["organisation", "search_text"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(
                m for m in messages if m not in errors.get(field, [])
            )
    if errors:
        raise ValidationError(errors)
    patent.search_text = search_text_for(patent)
    patent.save()


@transaction.atomic
def create_patent(
    *,
    organisation: Organisation,
    fields: Mapping[str, Any],
    by: User,
    source: str = ChangeSource.FORM,
) -> Patent:
    """Create a draft record for `organisation`. The caller must belong to it (admin, staff,
    college staff of the chosen college, or an inventor). Raises PermissionDenied or
    ValidationError ({field: [messages]}); nothing is written when it raises."""
    _check_may_edit(by=by, organisation=organisation, patent=None)
    errors: dict[str, list[str]] = {}
    values = _normalise(fields, errors)
    if not values.get("application_no") and "application_no" not in errors:
        errors["application_no"] = [_("The application number is empty.")]
    if by.role == Role.COLLEGE_STAFF:
        values["department"] = by.department
    patent = Patent(organisation=organisation, updated_by=by, review_status=ReviewStatus.DRAFT)
    _validate_and_save(patent, values, errors)
    history.record_change(
        patent=patent,
        by=by,
        source=source,
        changes=history.diff_fields({}, _snapshot(patent)),
    )
    return patent


@transaction.atomic
def update_patent(
    *,
    patent: Patent,
    fields: Mapping[str, Any],
    by: User,
    source: str = ChangeSource.FORM,
    expected_version: int | None = None,
) -> Patent:
    """Change some fields of a record and keep who changed what. Pass `expected_version` (the
    version the user saw) to refuse overwriting someone else's newer change. Raises
    PermissionDenied or ValidationError; nothing is written when it raises."""
    # Lock the row: two editors saving at once must not both read the same "before".
    patent = Patent.objects.select_for_update().select_related("organisation").get(pk=patent.pk)
    _check_may_edit(by=by, organisation=patent.organisation, patent=patent)
    if expected_version is not None and expected_version != patent.version:
        raise ValidationError(
            _("Someone else changed this record since you opened it; reload it and try again.")
        )
    if by.role == Role.COLLEGE_STAFF and "department" in fields:
        fields = {**fields, "department": by.department}
    before = _snapshot(patent)
    errors: dict[str, list[str]] = {}
    values = _normalise(fields, errors)
    _check_offers_deals_ended(patent, values, errors)
    _validate_and_save_changes(patent, values, errors, before=before, by=by, source=source)
    return patent


def _check_offers_deals_ended(
    patent: Patent, values: Mapping[str, Any], errors: dict[str, list[str]]
) -> None:
    """An offer a recorded deal ended (enterprises.services.deal_effects) cannot be turned back
    on. Only a change to on is judged, so a record saved before the rule keeps saving."""
    from enterprises.services import deal_effects  # deals belong to the enterprises app

    turned_on = [
        name
        for name in DEAL_FORM_FIELDS.values()
        if values.get(name) is True and not getattr(patent, name)
    ]
    if not turned_on:
        return
    ended = deal_effects.offers_ended(patent)
    for name in turned_on:
        if name in ended:
            errors.setdefault(name, []).append(ended[name])


@transaction.atomic
def settle_after_deal(*, patent: Patent, values: Mapping[str, Any], by: User) -> bool:
    """Save what a recorded deal settled on its patent (offers it ended, the implementation
    status it reached) as a "Recorded deal" change in the history, by whoever recorded it.
    Withdrawing offers and reporting an implementation cannot make a valid record invalid, so no
    record rule runs: a deal is never refused because of an unrelated field. The caller decided
    `values` and holds the row lock (enterprises.services.deals). True if anything changed."""
    before = _snapshot(patent)
    for name, value in values.items():
        setattr(patent, name, value)
    changes = history.diff_fields(before, _snapshot(patent))
    if not changes:
        return False
    patent.version += 1
    patent.save(update_fields=[*values, "version", "updated_at"])
    history.record_change(patent=patent, by=by, source=ChangeSource.DEAL, changes=changes)
    return True


def _validate_and_save_changes(
    patent: Patent,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    *,
    before: dict[str, Any],
    by: User,
    source: str,
) -> None:
    for name, value in values.items():
        setattr(patent, name, value)
    changes = history.diff_fields(before, _snapshot(patent))
    if not changes and not errors:
        return  # saving the same values again changes nothing, not even the version
    patent.version += 1
    patent.updated_by = by
    _validate_and_save(patent, {}, errors)
    history.record_change(patent=patent, by=by, source=source, changes=changes)
