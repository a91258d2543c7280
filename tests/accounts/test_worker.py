"""A real Celery worker delivers the password-reset e-mail (console backend: its log)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.fixtures.worker import wait_for

pytestmark = pytest.mark.worker


def test_worker_sends_password_reset_email(celery_worker, client, univ_a_staff):
    client.post(reverse("password_reset"), {"email": univ_a_staff.email})
    log = wait_for(
        lambda: f"To: {univ_a_staff.email}" in celery_worker.log() and celery_worker.log(),
        message="the worker never sent the password reset e-mail",
    )
    assert "/accounts/reset/" in log
    assert "succeeded" in log
