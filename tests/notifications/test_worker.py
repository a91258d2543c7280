"""With a real Celery worker: an intent notifies the university's staff exactly once."""

from __future__ import annotations

import re

import pytest

from enterprises import services
from enterprises.models import Verification
from notifications import tasks
from notifications.models import EmailStatus, Notification
from tests.enterprises.factories import EnterpriseProfileFactory, LibraryPatentFactory
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_intent_notifies_university_staff_exactly_once(celery_worker):
    university = OrganisationFactory(kind="university", province_id="330000")
    staff = [
        UserFactory(username="w_alice", organisation=university, role="staff"),
        UserFactory(username="w_anna", organisation=university, role="admin"),
    ]
    enterprise = OrganisationFactory(kind="enterprise", province_id="330000")
    EnterpriseProfileFactory(organisation=enterprise, verification_status=Verification.VERIFIED)
    declarer = UserFactory(username="w_erin", organisation=enterprise, role="admin")
    patent = LibraryPatentFactory(organisation=university)

    intent = services.declare_intent(
        patent=patent, kinds=["licence"], message="希望许可", by=declarer
    )
    rows = Notification.objects.filter(event_key=f"intent:{intent.pk}:declared")
    wait_for(
        lambda: rows.filter(email_status=EmailStatus.SENT).count() == 2,
        message="the worker did not send the intent e-mails",
    )
    # The delivery task runs again for every row, as a redelivered message would.
    repeats = [tasks.deliver_email.delay(row.pk).id for row in rows]
    wait_for(
        lambda: all(f"{task_id}] succeeded" in celery_worker.log() for task_id in repeats),
        message="the repeated delivery tasks did not finish",
    )
    for task_id in repeats:
        # The repeated run found the row already SENT and returned False without sending.
        assert re.search(rf"{task_id}\] succeeded in [0-9.]+s: False", celery_worker.log())
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["w_alice", "w_anna"]
    assert {row.email_attempts for row in rows} == {0}
    log = celery_worker.log()
    for user in staff:
        row = rows.get(recipient=user)
        # The console e-mail backend prints each message's headers into the worker's log.
        assert log.count(f"To: {user.email}") == 1, log[-3000:]
        assert row.emailed_at is not None
