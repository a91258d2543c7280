"""Cooperation intents: an enterprise declares, the owning university answers in time.

declared → accepted (contacts exchanged) | declined (with reason) → negotiating → signed | closed.
Every step is timestamped and notifies both sides, once (event keys "intent:<id>:<step>").
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import OrgKind, User
from accounts.validators import too_long
from enterprises import selectors
from enterprises.models import (
    ACTIVE_INTENT_STATUSES,
    CooperationIntent,
    IntentKind,
    IntentStatus,
)
from enterprises.services import deal_effects
from matching import hooks as matching_hooks
from notifications import services as notifications
from patents.models import Patent
from refdata import workdays

#: Working days before the deadline when the university is reminded.
REMINDER_WORKING_DAYS = 2

NOT_VERIFIED = gettext_noop(
    "Your enterprise has not been verified by its provincial IP bureau yet, so it cannot "
    "declare cooperation intents."
)


def answer_due_for(declared_on: datetime.date) -> datetime.date:
    return workdays.add_working_days(declared_on, settings.INTENT_ANSWER_WORKING_DAYS)


def may_answer(user: User, intent: CooperationIntent) -> bool:
    """University-side admin/staff of the owner, or college staff of the patent's college."""
    return selectors.intent_answerers(intent).filter(pk=user.pk).exists()


def _is_enterprise_member(user: User, intent: CooperationIntent) -> bool:
    return user.organisation_id == intent.enterprise_id


def ensure_verified_enterprise(user: User, *, not_enterprise: str, not_verified: str) -> None:
    """Raise PermissionDenied(not_enterprise) unless `user` belongs to an enterprise, and
    PermissionDenied(not_verified) unless its provincial IP bureau has verified it: what
    declaring intents, accepting open licences and rating prospects each ask first, each
    refusal saying what it refuses."""
    if user.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied(not_enterprise)
    profile = selectors.profile_of(user)
    if profile is None or not profile.is_verified:
        raise PermissionDenied(not_verified)


def ensure_may_declare(user: User) -> None:
    """Raise PermissionDenied with the reason an enterprise user may not declare intents."""
    ensure_verified_enterprise(
        user,
        not_enterprise=_("Only enterprises can declare cooperation intents."),
        not_verified=_(NOT_VERIFIED),
    )


def _link(intent: CooperationIntent) -> str:
    return reverse("enterprises:intent_detail", args=[intent.pk])


def _params(intent: CooperationIntent) -> dict[str, str]:
    return {
        "enterprise": intent.enterprise.name,
        "university": intent.patent.organisation.name,
        "patent": intent.patent.title,
        "application_no": intent.patent.application_no,
        "due": intent.answer_due.isoformat(),
        "reason": intent.decline_reason or intent.close_reason,
    }


def _notify_both(intent: CooperationIntent, step: str, title: str) -> None:
    recipients = [
        *selectors.intent_answerers(intent),
        *selectors.enterprise_members(intent.enterprise_id),
    ]
    notifications.notify(
        recipients=recipients,
        kind=f"intent_{step}",
        event_key=f"intent:{intent.pk}:{step}",
        title=title,
        params=_params(intent),
        link=_link(intent),
    )


def ruled_out_intent_kinds(*, patent: Patent, by: User) -> tuple[set[str], str]:
    """The intent kinds an earlier deal leaves `by`'s enterprise no room to propose on `patent`,
    and why (deal_effects.ruled_out_intent_kinds), for the form to say before it is sent."""
    assert by.organisation is not None  # ensure_may_declare: an enterprise's user
    return deal_effects.ruled_out_intent_kinds(patent=patent, enterprise=by.organisation)


def declare_intent(
    *, patent: Patent, kinds: list[str], message: str, by: User
) -> CooperationIntent:
    """A verified enterprise's user declares an intent on a library patent (the caller fetched it
    through `patents.selectors.library_for`). The owning university's staff are notified.
    Raises PermissionDenied (not an enterprise, not verified) or ValidationError."""
    ensure_may_declare(by)
    errors: dict[str, str] = {}
    if not patent.is_in_library:
        errors["patent"] = _("This patent is not in the convertible patent library.")
    if not kinds:
        errors["kinds"] = _("Choose at least one kind of cooperation.")
    elif not set(kinds) <= set(IntentKind.values):
        errors["kinds"] = _("Choose kinds of cooperation from the list.")
    else:
        ruled_out, why = ruled_out_intent_kinds(patent=patent, by=by)
        if ruled_out & set(kinds):
            errors["kinds"] = why
    if not message.strip():
        errors["message"] = _("Write a message to the university.")
    elif error := too_long(CooperationIntent, "message", message.strip()):
        errors["message"] = error
    if errors:
        raise ValidationError(errors)
    enterprise = by.organisation
    assert enterprise is not None
    with transaction.atomic():
        if CooperationIntent.objects.filter(
            patent=patent, enterprise=enterprise, status__in=ACTIVE_INTENT_STATUSES
        ).exists():
            raise ValidationError(_("Your enterprise already has an open intent on this patent."))
        now = timezone.now()
        intent = CooperationIntent.objects.create(
            patent=patent,
            enterprise=enterprise,
            declared_by=by,
            kinds=[kind for kind in IntentKind.values if kind in kinds],
            message=message.strip(),
            declared_at=now,
            answer_due=answer_due_for(timezone.localdate(now)),
        )
        notifications.notify(
            recipients=selectors.intent_answerers(intent),
            kind="intent_declared",
            event_key=f"intent:{intent.pk}:declared",
            title=gettext_noop("%(enterprise)s declared an intent on %(patent)s"),
            body=gettext_noop("Please answer by %(due)s."),
            params=_params(intent),
            link=_link(intent),
        )
    matching_hooks.profile_changed(intent.enterprise_id)
    return intent


def _locked(intent: CooperationIntent) -> CooperationIntent:
    return CooperationIntent.objects.select_for_update().get(pk=intent.pk)


def ensure_answerer(user: User, intent: CooperationIntent) -> None:
    if not may_answer(user, intent):
        raise PermissionDenied(
            _("Only the owning university's technology-transfer staff may answer this intent.")
        )


def accept_intent(*, intent: CooperationIntent, by: User) -> CooperationIntent:
    """Accept for talks: contact details of both sides become visible to the other."""
    ensure_answerer(by, intent)
    with transaction.atomic():
        intent = _locked(intent)
        if intent.status != IntentStatus.DECLARED:
            raise ValidationError(_("Only a declared intent can be accepted or declined."))
        intent.status = IntentStatus.ACCEPTED
        intent.accepted_at = timezone.now()
        intent.answered_by = by
        intent.save()
        _notify_both(
            intent,
            "accepted",
            gettext_noop("%(university)s accepted talks on %(patent)s: contact details exchanged"),
        )
    return intent


def decline_intent(*, intent: CooperationIntent, by: User, reason: str) -> CooperationIntent:
    """The university turns the intent down, saying why. Raises PermissionDenied (not one of its
    answerers) or ValidationError (no reason, a reason too long, or already answered)."""
    ensure_answerer(by, intent)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for declining.")})
    if error := too_long(CooperationIntent, "decline_reason", reason):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        intent = _locked(intent)
        if intent.status != IntentStatus.DECLARED:
            raise ValidationError(_("Only a declared intent can be accepted or declined."))
        intent.status = IntentStatus.DECLINED
        intent.declined_at = timezone.now()
        intent.decline_reason = reason
        intent.answered_by = by
        intent.save()
        _notify_both(
            intent, "declined", gettext_noop("%(university)s declined the intent: %(reason)s")
        )
    return intent


def ensure_party(user: User, intent: CooperationIntent) -> None:
    if not (_is_enterprise_member(user, intent) or may_answer(user, intent)):
        raise PermissionDenied(_("Only the two parties to this intent may change it."))


def start_negotiation(*, intent: CooperationIntent, by: User) -> CooperationIntent:
    ensure_party(by, intent)
    with transaction.atomic():
        intent = _locked(intent)
        if intent.status != IntentStatus.ACCEPTED:
            raise ValidationError(_("Only an accepted intent can move to negotiation."))
        intent.status = IntentStatus.NEGOTIATING
        intent.negotiating_at = timezone.now()
        intent.save()
        _notify_both(intent, "negotiating", gettext_noop("Negotiation on %(patent)s has started"))
    return intent


def mark_signed(*, intent: CooperationIntent) -> None:
    """Called by `record_deal` inside its transaction, with the intent locked."""
    now = timezone.now()
    intent.status = IntentStatus.SIGNED
    intent.negotiating_at = intent.negotiating_at or now
    intent.signed_at = now
    intent.save()
    _notify_both(intent, "signed", gettext_noop("A deal on %(patent)s was recorded"))


def close_intent(*, intent: CooperationIntent, by: User, reason: str = "") -> CooperationIntent:
    """Either party ends the conversation without a deal (the enterprise may withdraw).
    Raises PermissionDenied (not a party) or ValidationError (a reason too long, or finished)."""
    ensure_party(by, intent)
    reason = reason.strip()
    if error := too_long(CooperationIntent, "close_reason", reason):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        intent = _locked(intent)
        if intent.status not in ACTIVE_INTENT_STATUSES:
            raise ValidationError(_("This intent is already finished."))
        intent.status = IntentStatus.CLOSED
        intent.closed_at = timezone.now()
        intent.close_reason = reason
        intent.save()
        _notify_both(intent, "closed", gettext_noop("The intent on %(patent)s was closed"))
    return intent


def send_intent_reminders(*, today: datetime.date) -> int:
    """Remind the university of unanswered intents due within REMINDER_WORKING_DAYS working
    days. Idempotent: one reminder per intent (event key), however often it runs."""
    sent = 0
    due_soon = CooperationIntent.objects.filter(
        status=IntentStatus.DECLARED, answer_due__gte=today, reminded_at__isnull=True
    ).select_related("patent", "patent__organisation", "enterprise")
    for intent in due_soon:
        if workdays.working_days_between(today, intent.answer_due) > REMINDER_WORKING_DAYS:
            continue
        with transaction.atomic():
            # Compare-and-set, so two beat runs at once remind once.
            if not CooperationIntent.objects.filter(pk=intent.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            notifications.notify(
                recipients=selectors.intent_answerers(intent),
                kind="intent_reminder",
                event_key=f"intent:{intent.pk}:reminder",
                title=gettext_noop("Reminder: answer %(enterprise)s on %(patent)s by %(due)s"),
                params=_params(intent),
                link=_link(intent),
            )
        sent += 1
    return sent


def flag_overdue_intents(*, today: datetime.date) -> int:
    """Flag unanswered intents past their due day, telling the university and its provincial
    bureau. Idempotent: flagged once per intent."""
    flagged = 0
    overdue = CooperationIntent.objects.filter(
        status=IntentStatus.DECLARED, answer_due__lt=today, overdue_flagged_at__isnull=True
    ).select_related("patent", "patent__organisation", "enterprise")
    for intent in overdue:
        with transaction.atomic():
            if not CooperationIntent.objects.filter(
                pk=intent.pk, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=timezone.now()):
                continue
            notifications.notify(
                recipients=[
                    *selectors.intent_answerers(intent),
                    *selectors.bureau_users(intent.patent.organisation.province_id),
                ],
                kind="intent_overdue",
                event_key=f"intent:{intent.pk}:overdue",
                title=gettext_noop(
                    "Overdue: %(university)s has not answered %(enterprise)s on %(patent)s "
                    "(due %(due)s)"
                ),
                params=_params(intent),
                link=_link(intent),
            )
        flagged += 1
    return flagged
