import datetime

from refdata.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_national_day_holiday_is_skipped_and_adjusted_saturday_counts():
    # 2025: 1–8 October are holidays; Sunday 28 September and Saturday 11 October are worked.
    assert not is_working_day(D(2025, 10, 1))
    assert is_working_day(D(2025, 9, 28))
    assert is_working_day(D(2025, 10, 11))
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)


def test_working_days_between_counts_the_same_calendar():
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3
    assert working_days_between(D(2025, 10, 11), D(2025, 9, 30)) == -3


def test_years_without_an_official_calendar_fall_back_to_weekdays():
    assert add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)  # Friday → Monday
