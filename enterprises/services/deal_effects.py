"""What a deal means for its patent's other deals: which new deals an earlier one rules out, and
which offers and implementation status it settles on the record.

Deals carry no end date, so an earlier deal is taken to be still in force:
- a transfer or an equity investment moves the patent to the enterprise: the university can
  make no further deal on it and offers nothing more;
- an exclusive licence leaves room for no other licence, and no exclusive licence can be
  granted beside other licensees or while an open licence is offered (Patent Law Art. 51,
  Implementing Rules Art. 86; DOMAIN.md §8.2).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.text import join_list
from enterprises import selectors
from enterprises.models import HANDING_OVER_KINDS, Deal, DealKind, IntentKind, LicenceType
from matching import hooks as matching_hooks
from patents.models import DEAL_FORM_FIELDS, ImplementationStatus, Patent
from patents.services import records

_LICENCE_OFFERS = ("offers_exclusive_licence", "offers_ordinary_licence", "offers_open_licence")

#: The offers a new deal ends, by (kind, licence type).
_ENDS_OFFERS: dict[tuple[str, str], tuple[str, ...]] = {
    (DealKind.TRANSFER, ""): tuple(DEAL_FORM_FIELDS.values()),
    (DealKind.INVESTMENT, ""): tuple(DEAL_FORM_FIELDS.values()),
    (DealKind.LICENCE, LicenceType.EXCLUSIVE): _LICENCE_OFFERS,
    (DealKind.LICENCE, LicenceType.ORDINARY): ("offers_exclusive_licence",),
    (DealKind.LICENCE, LicenceType.OPEN): ("offers_exclusive_licence",),
}

#: The implementation status a deal reaches, and the statuses it replaces: an owner's own
#: report (implemented by the owner, industrialized) is never overwritten.
_IMPLEMENTATION: dict[str, tuple[str, tuple[str, ...]]] = {
    DealKind.LICENCE: (ImplementationStatus.LICENSED, ("", ImplementationStatus.NOT_IMPLEMENTED)),
    DealKind.TRANSFER: (
        ImplementationStatus.TRANSFERRED,
        ("", ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.LICENSED),
    ),
    DealKind.INVESTMENT: (
        ImplementationStatus.INVESTED,
        ("", ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.LICENSED),
    ),
}


def _offers_ended_by(deal: Deal) -> tuple[str, ...]:
    return _ENDS_OFFERS.get((deal.kind, deal.licence_type), ())


def _earlier(patent: Patent) -> list[Deal]:
    return list(
        Deal.objects.filter(patent=patent).select_related("enterprise").order_by("contract_date")
    )


def _exclusive_to_another(earlier: list[Deal], enterprise: Organisation) -> Deal | None:
    return next(
        (
            deal
            for deal in earlier
            if deal.licence_type == LicenceType.EXCLUSIVE and deal.enterprise_id != enterprise.pk
        ),
        None,
    )


def _went_to(deal: Deal) -> dict[str, str]:
    return {
        "enterprise": deal.enterprise.name,
        "date": deal.contract_date.isoformat(),
        "kind": str(deal.get_kind_display()),
    }


def conflicts(
    *, patent: Patent, enterprise: Organisation, kind: str, licence_type: str
) -> dict[str, str]:
    """Field errors for a new deal that an earlier deal on `patent` rules out. The caller holds
    the patent's row lock, so two deals recorded at once cannot both pass."""
    handed_over = selectors.handed_over_by(patent.pk)
    if handed_over is not None:
        return {
            "kind": _(
                "This patent already went to %(enterprise)s by a deal of %(date)s (%(kind)s): "
                "the university can make no further deal on it."
            )
            % _went_to(handed_over)
        }
    if kind != DealKind.LICENCE:
        return {}
    earlier = _earlier(patent)
    others = [deal for deal in earlier if deal.enterprise_id != enterprise.pk]
    exclusive = _exclusive_to_another(earlier, enterprise)
    if exclusive is not None:
        return {
            "licence_type": _(
                "This patent is under an exclusive licence to %(enterprise)s (%(date)s): no "
                "other enterprise can be licensed."
            )
            % _went_to(exclusive)
        }
    if licence_type != LicenceType.EXCLUSIVE:
        return {}
    if patent.offers_open_licence:
        return {
            "licence_type": _(
                "This patent is offered under an open licence, and no exclusive licence can be "
                "granted while it is: the university must withdraw the open licence first."
            )
        }
    licensees = sorted({deal.enterprise.name for deal in others if deal.kind == DealKind.LICENCE})
    if licensees:
        return {
            "licence_type": _(
                "Other enterprises hold licences on this patent (%(enterprises)s), so it cannot "
                "be licensed exclusively."
            )
            % {"enterprises": join_list(licensees)}
        }
    return {}


def _handed_over_message(deal: Deal) -> str:
    return _(
        "This patent already went to %(enterprise)s by a deal of %(date)s (%(kind)s): only "
        "technology improvement or joint research can still be proposed."
    ) % _went_to(deal)


def handed_over_notice(patent: Patent) -> str:
    """What the patent's pages say once a deal handed it over ("" before): where it went, and
    that no further deal can be made on it."""
    deal = selectors.handed_over_by(patent.pk)
    return _handed_over_message(deal) if deal is not None else ""


def ruled_out_intent_kinds(*, patent: Patent, enterprise: Organisation) -> tuple[set[str], str]:
    """The intent kinds an earlier deal leaves `enterprise` no room to propose on `patent`, and
    why (empty, "" if none): after a hand-over only technology improvement and joint research
    remain; beside another enterprise's exclusive licence, no licence."""
    handed_over = selectors.handed_over_by(patent.pk)
    if handed_over is not None:
        kinds = {IntentKind.TRANSFER, IntentKind.LICENCE, IntentKind.INVESTMENT}
        return {str(kind) for kind in kinds}, _handed_over_message(handed_over)
    exclusive = _exclusive_to_another(_earlier(patent), enterprise)
    if exclusive is not None:
        message = _(
            "This patent is under an exclusive licence to %(enterprise)s (%(date)s): no licence "
            "can be proposed."
        )
        return {str(IntentKind.LICENCE)}, message % _went_to(exclusive)
    return set(), ""


def offers_ended(patent: Patent) -> dict[str, str]:
    """{offer field: why it cannot be offered again} for the offers `patent`'s recorded deals
    ended (the same table `settle` withdraws them by)."""
    ended: dict[str, str] = {}
    for deal in _earlier(patent):
        why = _(
            "The deal of %(date)s with %(enterprise)s (%(kind)s) ended this offer: it cannot be "
            "made again."
        ) % _went_to(deal)
        for name in _offers_ended_by(deal):
            ended.setdefault(name, why)
    return ended


def settle(*, deal: Deal, patent: Patent, by: User) -> None:
    """Withdraw the offers `deal` ended and report the implementation it reached on the record
    (a "Recorded deal" change in its history); `patent` is the locked row the deal was checked
    against."""
    values: dict[str, Any] = {
        name: False for name in _offers_ended_by(deal) if getattr(patent, name)
    }
    reached, replaces = _IMPLEMENTATION[deal.kind]
    if patent.implementation_status in replaces:
        values["implementation_status"] = reached
    changed = records.settle_after_deal(patent=patent, values=values, by=by)
    if deal.kind in HANDING_OVER_KINDS and not changed:
        # A change in the history already told matching; a patent handed over leaves its pool
        # even when the record had nothing left to change (matching.pool).
        matching_hooks.patent_changed(patent.pk)
