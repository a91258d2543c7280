"""Row-level behaviour of a patent record."""

from __future__ import annotations

import datetime

import pytest

from patents.models import Patent

D = datetime.date


@pytest.mark.parametrize(
    ("patent_type", "filed", "expiry"),
    [
        ("invention", D(2015, 5, 10), D(2035, 5, 9)),
        ("pct_invention", D(2015, 5, 10), D(2035, 5, 9)),
        ("utility_model", D(2015, 5, 10), D(2025, 5, 9)),
        ("pct_utility_model", D(2015, 5, 10), D(2025, 5, 9)),
        ("design", D(2021, 6, 1), D(2036, 5, 31)),
        ("design", D(2021, 5, 31), D(2031, 5, 30)),  # filed before the 2020 amendment applied
        ("invention", D(2016, 2, 29), D(2036, 2, 28)),
        ("utility_model", D(2016, 2, 29), D(2026, 2, 27)),  # no 29 February in 2026
    ],
)
def test_expiry_is_the_day_before_the_terms_anniversary(patent_type, filed, expiry):
    patent = Patent(patent_type=patent_type, application_date=filed)
    assert patent.expiry_date == expiry


def test_expiry_is_unknown_without_an_application_date():
    assert Patent(patent_type="invention").expiry_date is None
