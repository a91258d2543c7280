"""A patent's statutory term: plain date arithmetic, no Django, so that generators and
benchmarks can use the same rule as the records."""

from __future__ import annotations

import datetime

from patents.numbers import PatentType

#: Statutory term in years from the application date (Patent Law Art. 42; DOMAIN.md §1.4). A PCT
#: national-phase application's application date is its international filing date.
TERM_YEARS: dict[str, int] = {
    PatentType.INVENTION: 20,
    PatentType.PCT_INVENTION: 20,
    PatentType.UTILITY_MODEL: 10,
    PatentType.PCT_UTILITY_MODEL: 10,
    PatentType.DESIGN: 15,
}
#: Designs filed before the 2020 amendment took effect keep the former 10-year term.
DESIGN_TERM_15_FROM = datetime.date(2021, 6, 1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls on 28 February in a common year (a period in
    years ends on the corresponding day of its last month, or that month's last day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(patent_type: str, application_date: datetime.date) -> datetime.date | None:
    """The first day a patent is no longer in force: its application date's anniversary at the
    end of the statutory term, so the day before is its expiry (CNIPA's 期限届满日). None for a
    type without a known term. Term extensions (Implementing Rules Art. 77–84) are not recorded,
    so not counted."""
    if patent_type not in TERM_YEARS:
        return None
    years = TERM_YEARS[patent_type]
    if patent_type == PatentType.DESIGN and application_date < DESIGN_TERM_15_FROM:
        years = 10
    return add_years(application_date, years)
