"""Rules every appraisal record obeys, whichever way it is written (page, service, admin)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def not_in_future(value: datetime.date) -> None:
    """Dates of things that have happened (a change, joining, a certificate, a filing): a date
    to come would, for one, put a filing's 30-working-day deadline years away."""
    if value > timezone.localdate():
        raise ValidationError(
            _("This date is in the future; enter the day it happened."), code="future_date"
        )


#: Years of experience in one line of work. A working life starts at 16, China's minimum working
#: age (Labour Law, art. 15), and appraisers may work well past retirement (60 to 63); 60 years
#: is more than anyone has had, while a real veteran's 45 or 50 still passes.
MIN_YEARS_OF_EXPERIENCE = Decimal(0)
MAX_YEARS_OF_EXPERIENCE = Decimal(60)

YEARS_OF_EXPERIENCE = [
    MinValueValidator(MIN_YEARS_OF_EXPERIENCE),
    MaxValueValidator(MAX_YEARS_OF_EXPERIENCE),
]


def years_of_experience_in_range(field: str) -> Q:
    """The same bounds as YEARS_OF_EXPERIENCE, for the database's check on `field`: it refuses
    what bypasses the validators (an .update(), a bulk write, SQL)."""
    return Q(**{f"{field}__gte": MIN_YEARS_OF_EXPERIENCE, f"{field}__lte": MAX_YEARS_OF_EXPERIENCE})
