"""Prospect ratings: what enterprises without an intent think of a library patent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgKind, User
from enterprises.models import CooperationIntent, ProspectRating, RatingReason
from matching import hooks as matching_hooks
from patents.models import Patent


def rate_prospects(
    *, patent: Patent, by: User, score: int, reasons: list[str], comment: str = ""
) -> ProspectRating:
    """Create or edit the enterprise's one rating of a library patent. Only enterprises with no
    intent on the patent may rate it. Raises PermissionDenied or ValidationError."""
    if by.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied(_("Only enterprises rate the prospects of patents."))
    errors: dict[str, str] = {}
    if not patent.is_in_library:
        errors["patent"] = _("This patent is not in the convertible patent library.")
    if not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = _("Give a score from 1 to 5.")
    if not set(reasons) <= set(RatingReason.values):
        errors["reasons"] = _("Choose reasons from the list.")
    if errors:
        raise ValidationError(errors)
    if CooperationIntent.objects.filter(patent=patent, enterprise_id=by.organisation_id).exists():
        raise ValidationError(
            _("Your enterprise has declared an intent on this patent; ratings are for the others.")
        )
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
