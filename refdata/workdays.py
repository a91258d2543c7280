"""China's official working-day calendar (adjusted working days included), from chinese-calendar.

The library ships the State Council's holiday arrangements year by year. For a year it does not
cover yet (arrangements are published each November or December), we fall back to Monday–Friday
and say so, rather than refusing to compute a deadline.
"""

from __future__ import annotations

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


def is_working_day(day: datetime.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        logger.warning("no official calendar for %s yet; counting Monday–Friday", day.year)
        return day.weekday() < 5


def is_official_calendar_known(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative if end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        count += is_working_day(current)
    return count
