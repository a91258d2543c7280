"""Answer time in China's official working days, reminders and overdue flags."""

from __future__ import annotations

import datetime

import pytest

from enterprises import services
from enterprises.models import CooperationIntent
from enterprises.services.intents import answer_due_for
from notifications.models import Notification
from refdata import workdays
from tests.enterprises.factories import IntentFactory


def test_deadline_skips_national_day_and_counts_the_adjusted_saturday(settings):
    settings.INTENT_ANSWER_WORKING_DAYS = 3
    declared = datetime.date(2025, 9, 30)
    due = answer_due_for(declared)
    assert due == datetime.date(2025, 10, 11)
    # Why: 1–8 October are the National Day and Mid-Autumn holiday; Saturday 11 October is an
    # adjusted working day, so the third working day after 30 September falls on it.
    assert due.weekday() == 5 and workdays.is_working_day(due)
    assert not any(workdays.is_working_day(datetime.date(2025, 10, day)) for day in range(1, 9))
    assert workdays.working_days_between(declared, due) == 3


def test_default_answer_time_comes_from_settings(settings):
    settings.INTENT_ANSWER_WORKING_DAYS = 10
    # 9, 10, 11 (Saturday, adjusted), 13–17 and 20, 21 October.
    assert answer_due_for(datetime.date(2025, 9, 30)) == datetime.date(2025, 10, 21)


@pytest.mark.django_db
def test_reminder_is_sent_once_before_the_deadline(univ_a_staff, library_patent):
    intent = IntentFactory(patent=library_patent, answer_due=datetime.date(2025, 10, 11))
    today = datetime.date(2025, 10, 9)  # two working days before
    assert services.send_intent_reminders(today=today) == 1
    assert services.send_intent_reminders(today=today) == 0
    reminders = Notification.objects.filter(event_key=f"intent:{intent.pk}:reminder")
    assert list(reminders.values_list("recipient__username", flat=True)) == ["alice"]


@pytest.mark.django_db
def test_no_reminder_while_the_deadline_is_far(univ_a_staff, library_patent):
    IntentFactory(patent=library_patent, answer_due=datetime.date(2025, 10, 11))
    assert services.send_intent_reminders(today=datetime.date(2025, 9, 30)) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_overdue_intent_is_flagged_once_to_university_and_its_bureau(
    univ_a_staff, bureau_zj, bureau_gd, library_patent
):
    intent = IntentFactory(patent=library_patent, answer_due=datetime.date(2025, 10, 11))
    assert services.flag_overdue_intents(today=datetime.date(2025, 10, 11)) == 0
    assert services.flag_overdue_intents(today=datetime.date(2025, 10, 13)) == 1
    assert services.flag_overdue_intents(today=datetime.date(2025, 10, 14)) == 0
    intent.refresh_from_db()
    assert intent.overdue_flagged_at is not None and intent.overdue
    flagged = Notification.objects.filter(event_key=f"intent:{intent.pk}:overdue")
    assert sorted(flagged.values_list("recipient__username", flat=True)) == ["alice", "zoe"]


@pytest.mark.django_db
def test_answered_intents_are_never_flagged(univ_a_staff, library_patent):
    IntentFactory(patent=library_patent, answer_due=datetime.date(2025, 10, 11), status="accepted")
    assert services.flag_overdue_intents(today=datetime.date(2025, 11, 1)) == 0
    assert CooperationIntent.objects.get().overdue_flagged_at is None
