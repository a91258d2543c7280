"""Prospect ratings: what enterprises without an intent think of a library patent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import too_long
from enterprises.models import CooperationIntent, ProspectRating, ProspectScore, RatingReason
from enterprises.services import intents as intent_services
from matching import hooks as matching_hooks
from patents.models import Patent


def ensure_may_rate(*, by: User, patent: Patent) -> None:
    """Raise PermissionDenied with the reason `by` may not rate `patent`: not an enterprise, one
    its provincial bureau has not verified (like intents and open licences), or one that has
    declared an intent on it (ratings are for the others). All three are about who asks, not
    what they send, so the page and the API answer each with 403."""
    intent_services.ensure_verified_enterprise(
        by,
        not_enterprise=_("Only enterprises rate the prospects of patents."),
        not_verified=_(
            "Your enterprise has not been verified by its provincial IP bureau yet, so it "
            "cannot rate patents."
        ),
    )
    if CooperationIntent.objects.filter(patent=patent, enterprise_id=by.organisation_id).exists():
        raise PermissionDenied(
            _("Your enterprise has declared an intent on this patent; ratings are for the others.")
        )


def rate_prospects(
    *, patent: Patent, by: User, score: int, reasons: list[str], comment: str = ""
) -> ProspectRating:
    """Create or edit the enterprise's one rating of a library patent: a verified enterprise with
    no intent on the patent (`ensure_may_rate`). Raises PermissionDenied or ValidationError."""
    ensure_may_rate(by=by, patent=patent)
    errors: dict[str, str] = {}
    if not patent.is_in_library:
        errors["patent"] = _("This patent is not in the convertible patent library.")
    if score not in ProspectScore.values:
        errors["score"] = _("Give a score from 1 to 5.")
    if not set(reasons) <= set(RatingReason.values):
        errors["reasons"] = _("Choose reasons from the list.")
    if error := too_long(ProspectRating, "comment", comment.strip()):
        errors["comment"] = error
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rating, _created = ProspectRating.objects.update_or_create(
            patent=patent,
            enterprise_id=by.organisation_id,
            defaults={
                "score": score,
                "reasons": [r for r in RatingReason.values if r in reasons],
                "comment": comment.strip(),
                "rated_by": by,
            },
        )
    matching_hooks.profile_changed(rating.enterprise_id)
    return rating
