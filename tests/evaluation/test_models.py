"""What the database itself refuses, whatever bypasses the models' validators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from evaluation.models import Appraiser
from tests.evaluation.factories import AppraiserFactory

pytestmark = pytest.mark.django_db

YEARS = ["years_asset_appraisal", "years_patent_management", "years_patent_agency"]


@pytest.mark.parametrize("field", YEARS)
@pytest.mark.parametrize("value", [Decimal("-0.1"), Decimal("60.1")])
def test_database_refuses_years_of_experience_out_of_range_written_by_update(field, value):
    appraiser = AppraiserFactory()
    with pytest.raises(IntegrityError, match=f"appraiser_{field}_in_range"), transaction.atomic():
        Appraiser.objects.filter(pk=appraiser.pk).update(**{field: value})
    appraiser.refresh_from_db()
    assert getattr(appraiser, field) == 0


@pytest.mark.parametrize("field", YEARS)
def test_database_accepts_years_of_experience_at_the_bounds(field):
    appraiser = AppraiserFactory()
    for value in (Decimal(0), Decimal(60)):
        Appraiser.objects.filter(pk=appraiser.pk).update(**{field: value})
        appraiser.refresh_from_db()
        assert getattr(appraiser, field) == value
