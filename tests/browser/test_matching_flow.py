"""An enterprise saves a need; after the worker runs, a matching patent is recommended with
reasons, and the patent's university is told of the enterprise and finds it among the patent's
likely takers (issue 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.enterprises.factories import EnterpriseProfileFactory, LibraryPatentFactory
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_enterprise_need_leads_to_a_recommendation_with_reasons(
    page, celery_worker, zhejiang_university
):
    separator = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种耐高温锂电池隔膜的制备方法",
        abstract="陶瓷涂层锂电池隔膜，耐高温、热收缩小。",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
    )
    LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种水稻节水灌溉方法",
        abstract="水稻种植灌溉。",
        ipc_main="A01G 25/00",
        ipc_subclass="A01G",
    )
    enterprise = OrganisationFactory(kind="enterprise", name="新锂能源有限公司")
    EnterpriseProfileFactory(organisation=enterprise, show_as_likely_taker=True)
    UserFactory(username="buyer", organisation=enterprise, role="admin")
    UserFactory(username="tto", organisation=zhejiang_university, role="staff")

    sign_in(page, "buyer")
    page.goto("/enterprises/needs/new/")
    page.fill("input[name=title]", "耐高温锂电池隔膜")
    page.fill("textarea[name=description]", "寻求耐高温、可量产的锂电池隔膜涂层技术")
    page.fill("input[name=keywords]", "隔膜, 锂电池")
    page.fill("input[name=ipc_codes]", "H01M")
    page.click("#content form button[type=submit]")
    page.wait_for_load_state()

    recommendation = page.locator(f"[data-testid=match-{separator.pk}]")
    for _ in range(60):  # the worker re-ranks the profile after the need is saved
        page.goto("/matching/recommended/")
        if recommendation.count():
            break
        page.wait_for_timeout(500)
    assert recommendation.count() == 1
    reasons = recommendation.locator("[data-testid=match-reasons]").inner_text()
    assert "shares IPC H01M" in reasons
    assert "隔膜" in reasons

    # The same worker run told the university; its notification leads to the likely takers.
    sign_in(page, "tto")
    page.goto(reverse("notifications:inbox"))
    notice = page.locator("[data-testid=notification]", has_text="新锂能源有限公司")
    assert notice.count() == 1
    assert separator.title in notice.inner_text()
    notice.click()
    page.wait_for_url(f"**{reverse('matching:likely_takers', args=[separator.pk])}")
    taker = page.locator("#likely-takers tbody tr", has_text="新锂能源有限公司")
    for _ in range(60):
        if taker.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert taker.count() == 1
    why = taker.locator("[data-testid=taker-reasons]").inner_text()
    assert "matches the enterprise's need" in why
    assert "shares IPC H01M" in why
