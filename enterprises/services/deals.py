"""Deals: recorded when an intent is signed, or at once when an enterprise takes an open
licence on its published terms. They are the raw data of the bureaus' statistics."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.text import join_list
from enterprises import selectors
from enterprises.models import CooperationIntent, Deal, DealKind, IntentStatus, LicenceType
from enterprises.services import deal_effects
from enterprises.services import intents as intent_services
from matching import hooks as matching_hooks
from notifications import services as notifications
from patents.models import Patent
from patents.services import records


def _check_deal(
    *,
    kind: str,
    licence_type: str,
    amount: Decimal | None,
    contract_date: datetime.date | None,
    declared_on: datetime.date,
) -> dict[str, str]:
    """Field errors of a deal recorded on an intent declared on `declared_on`. (Every recorded
    deal has an intent; an open licence without one is dated the day it is taken.)"""
    errors: dict[str, str] = {}
    if kind not in DealKind.values:
        errors["kind"] = _("Choose the kind of deal.")
    elif kind == DealKind.LICENCE and licence_type not in LicenceType.values:
        errors["licence_type"] = _("Choose exclusive, ordinary or open licence.")
    elif kind != DealKind.LICENCE and licence_type:
        errors["licence_type"] = _("Only a licence has a licence type.")
    if amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if contract_date is None:
        errors["contract_date"] = _("Give the contract date.")
    elif contract_date > timezone.localdate():
        errors["contract_date"] = _("The contract date cannot be in the future.")
    elif contract_date < declared_on:
        errors["contract_date"] = _(
            "The contract date cannot be before the intent was declared (%(date)s)."
        ) % {"date": declared_on.isoformat()}
    return errors


def record_deal(
    *,
    intent: CooperationIntent,
    by: User,
    kind: str,
    licence_type: str = "",
    contract_date: datetime.date | None,
    amount: Decimal | None = None,
    registration_no: str = "",
) -> Deal:
    """Either party records the signed deal of an accepted or negotiating intent; the intent
    becomes "signed" and both sides are notified. Raises PermissionDenied or ValidationError."""
    intent_services.ensure_party(by, intent)
    errors = _check_deal(
        kind=kind,
        licence_type=licence_type,
        amount=amount,
        contract_date=contract_date,
        declared_on=timezone.localdate(intent.declared_at),
    )
    if errors:
        raise ValidationError(errors)
    assert contract_date is not None
    with transaction.atomic():
        intent = intent_services._locked(intent)
        if intent.status not in (IntentStatus.ACCEPTED, IntentStatus.NEGOTIATING):
            raise ValidationError(_("Only an accepted or negotiating intent can be signed."))
        patent = Patent.objects.select_for_update(of=("self",)).get(pk=intent.patent_id)
        errors = deal_effects.conflicts(
            patent=patent, enterprise=intent.enterprise, kind=kind, licence_type=licence_type
        )
        if errors:
            raise ValidationError(errors)
        deal = Deal.objects.create(
            kind=kind,
            licence_type=licence_type if kind == DealKind.LICENCE else "",
            patent=patent,
            university=intent.patent.organisation,
            enterprise=intent.enterprise,
            intent=intent,
            contract_date=contract_date,
            amount=amount,
            registration_no=registration_no.strip(),
            recorded_by=by,
        )
        deal_effects.settle(deal=deal, patent=patent, by=by)
        intent_services.mark_signed(intent=intent)
    matching_hooks.profile_changed(deal.enterprise_id)
    return deal


def _field_label(name: str) -> str:
    field = Patent._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def ensure_may_accept_open_licence(*, patent: Patent, by: User) -> None:
    """Raise PermissionDenied (not a verified enterprise) or ValidationError with the reason
    `by` may not accept `patent`'s open-licence terms now: in the library, offered, not under an
    exclusive licence (Implementing Rules Art. 86), the terms complete and valid by the rules
    its owner saves them under, and not already taken by `by`'s enterprise. The one rule for the
    patent page, which asks it before offering the button, and for accept_open_licence, which
    asks it again on the locked record."""
    intent_services.ensure_verified_enterprise(
        by,
        not_enterprise=_("Only enterprises can accept open licences."),
        not_verified=_(
            "Your enterprise has not been verified by its provincial IP bureau yet, so it "
            "cannot accept open licences."
        ),
    )
    if not patent.is_in_library:
        raise ValidationError(_("This patent is not in the convertible patent library."))
    if not patent.offers_open_licence:
        raise ValidationError(_("This patent is not offered under an open licence."))
    if Deal.objects.filter(patent=patent, licence_type=LicenceType.EXCLUSIVE).exists():
        raise ValidationError(
            _("This patent is under an exclusive licence, so no open licence can be taken on it.")
        )
    problems: dict[str, list[str]] = {}
    records.check_open_licence(patent, problems)
    if problems:
        terms = [_field_label(name) for name in problems]
        raise ValidationError(
            _(
                "The open licence terms of this patent are incomplete or no longer valid "
                "(%(terms)s), so they cannot be accepted; ask %(university)s to correct them."
            )
            % {"terms": join_list(terms), "university": patent.organisation.name}
        )
    if Deal.objects.filter(
        patent=patent, enterprise_id=by.organisation_id, licence_type=LicenceType.OPEN
    ).exists():
        raise ValidationError(_("Your enterprise already holds an open licence on this patent."))


def accept_open_licence(*, patent: Patent, by: User) -> Deal:
    """A verified enterprise accepts a patent's published open-licence terms: an open licence
    deal at once, without negotiation; the university is notified. The caller fetched `patent`
    through `library_for`. Raises PermissionDenied or ValidationError
    (ensure_may_accept_open_licence)."""
    enterprise = by.organisation
    with transaction.atomic():
        # Lock the record: the terms checked must be the terms recorded in the deal, even if
        # the university is editing them at this moment.
        patent = (
            Patent.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=patent.pk)
        )
        ensure_may_accept_open_licence(patent=patent, by=by)
        assert enterprise is not None
        deal = Deal.objects.create(
            kind=DealKind.LICENCE,
            licence_type=LicenceType.OPEN,
            patent=patent,
            university=patent.organisation,
            enterprise=enterprise,
            contract_date=timezone.localdate(),
            amount=patent.open_licence_fee_amount,
            recorded_by=by,
        )
        deal_effects.settle(deal=deal, patent=patent, by=by)
        notifications.notify(
            recipients=selectors.intent_answerers_for_patent(patent),
            kind="open_licence_taken",
            event_key=f"deal:{deal.pk}:open_licence",
            title=gettext_noop("%(enterprise)s accepted the open licence terms of %(patent)s"),
            params={"enterprise": enterprise.name, "patent": patent.title},
            link=reverse("enterprises:deals"),
        )
    matching_hooks.profile_changed(deal.enterprise_id)
    return deal
