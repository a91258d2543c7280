"""Provincial bureaus' spot checks of an institution's admitted patents.

The sample is random but reproducible: it is drawn with a generator seeded by the spot check's
id from the institution's admitted records in id order, so the same check over the same records
always picks the same patents (`draw_sample` can be re-run to audit a check).
"""

from __future__ import annotations

import math
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.validators import too_long
from patents.models import Patent, ReviewStatus, SpotCheck, SpotCheckItem, SpotCheckResult
from patents.selectors import institutions_for_spot_check, spot_checks_for


def sample_size(population: int, percent: int) -> int:
    """Share of the population, rounded up, never less than one (if there is anyone)."""
    if population == 0:
        return 0
    return min(population, max(1, math.ceil(population * percent / 100)))


def draw_sample(*, candidate_ids: list[int], percent: int, seed: int) -> list[int]:
    ordered = sorted(candidate_ids)
    return sorted(random.Random(seed).sample(ordered, sample_size(len(ordered), percent)))


def _check_is_bureau(by: User) -> None:
    if not (by.is_bureau or by.is_national):
        raise PermissionDenied(_("Only a provincial IP bureau may run spot checks."))


@transaction.atomic
def start_spot_check(*, institution: Organisation, sample_percent: int, by: User) -> SpotCheck:
    """Sample `sample_percent`% (at least one) of the institution's admitted patents. Only a
    bureau of the institution's province (or the national level) may; raises PermissionDenied,
    Organisation.DoesNotExist for an institution outside its province, or ValidationError."""
    _check_is_bureau(by)
    institution = institutions_for_spot_check(by).get(pk=institution.pk)
    if not 1 <= sample_percent <= 100:
        raise ValidationError({"sample_percent": [_("The share must be between 1 and 100%.")]})
    candidates = list(
        Patent.objects.filter(
            organisation=institution, review_status=ReviewStatus.ADMITTED
        ).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError(
            _("%(institution)s has no admitted patents to check.") % {"institution": institution}
        )
    bureau = by.organisation
    assert bureau is not None
    spot_check = SpotCheck.objects.create(
        bureau=bureau, institution=institution, sample_percent=sample_percent, created_by=by
    )
    chosen = draw_sample(candidate_ids=candidates, percent=sample_percent, seed=spot_check.pk)
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(spot_check=spot_check, patent_id=patent_id) for patent_id in chosen
    )
    return spot_check


@transaction.atomic
def mark_item(*, item: SpotCheckItem, result: str, reason: str, by: User) -> SpotCheckItem:
    """Mark one sampled patent as passed or failed (a failure needs a reason). Raises
    PermissionDenied unless `by` is a bureau that may see the check, ValidationError otherwise."""
    _check_is_bureau(by)
    item = (
        SpotCheckItem.objects.select_for_update()
        .filter(spot_check__in=spot_checks_for(by).values("pk"))
        .get(pk=item.pk)
    )
    reason = (reason or "").strip()
    if result not in (SpotCheckResult.PASSED, SpotCheckResult.FAILED):
        raise ValidationError({"result": [_("Choose passed or failed.")]})
    if result == SpotCheckResult.FAILED and not reason:
        raise ValidationError({"reason": [_("Give a reason for the failure.")]})
    if error := too_long(SpotCheckItem, "reason", reason):
        raise ValidationError({"reason": [error]})
    item.result = result
    item.reason = reason
    item.checked_by = by
    item.checked_at = timezone.now()
    item.save(update_fields=["result", "reason", "checked_by", "checked_at"])
    return item


def pass_rate(spot_check: SpotCheck) -> float | None:
    """Passed share of the checked items (0–100), or None while nothing has been checked."""
    results = list(spot_check.items.values_list("result", flat=True))
    checked = [r for r in results if r != SpotCheckResult.PENDING]
    if not checked:
        return None
    return round(100 * checked.count(SpotCheckResult.PASSED) / len(checked), 1)
