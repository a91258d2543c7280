"""An enterprise registers, is verified by its bureau, subscribes to a topic and declares an
intent; the university accepts; the enterprise records the deal."""

from __future__ import annotations

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from enterprises.models import CooperationIntent, Deal, TopicSubscription
from tests.enterprises.factories import LibraryPatentFactory
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_from_registration_to_deal(page, bureau_zj, univ_a_staff, zhejiang_university):
    patent = LibraryPatentFactory(organisation=zhejiang_university, title="一种耐高温隔膜")

    # Registration (public page) signs the new admin in, pending verification.
    page.goto("/enterprises/register/")
    page.fill("#id_name", "杭州浏览器测试科技有限公司")
    page.fill("#id_uscc", "91330106MA2GL1234" + uscc.calc_check_digit("91330106MA2GL1234"))
    page.select_option("#id_province", "330000")
    page.select_option("#id_city", "330100")
    page.select_option("#id_size", "small")
    page.check("input[name=tags][value=high_tech]")
    page.fill("#id_email", "boss@browser.example.com")
    page.fill("#id_username", "browser_boss")
    page.fill("#id_password", "a-long-enough-passphrase")
    page.click("#register")
    page.wait_for_selector("[data-testid=home-enterprise]")
    page.goto(f"/enterprises/patents/{patent.pk}/intent/")
    assert "has not been verified" in page.inner_text("[data-testid=refused]")

    # The Zhejiang bureau verifies it.
    page.context.clear_cookies()
    sign_in(page, bureau_zj.username)
    page.goto("/enterprises/verification/")
    row = page.locator("tr[data-enterprise='杭州浏览器测试科技有限公司']")
    row.locator("button[value=verify]").click()
    page.wait_for_selector("text=Decision recorded")

    # The enterprise subscribes to a topic and declares an intent.
    page.context.clear_cookies()
    sign_in(page, "browser_boss", "a-long-enough-passphrase")
    page.goto("/enterprises/subscriptions/")
    page.fill("#id_name", "耐高温隔膜")
    page.fill("#id_keywords", "隔膜")
    page.select_option("#id_frequency", "daily")
    page.click("#save-topic")
    page.wait_for_selector("text=Topic saved.")
    assert TopicSubscription.objects.get().keywords == "隔膜"
    page.goto(f"/enterprises/patents/{patent.pk}/")
    page.click("#declare-intent")
    page.check("input[name=kinds][value=licence]")
    page.fill("#id_message", "希望获得普通许可，用于动力电池产线。")
    page.click("#send-intent")
    assert page.inner_text("[data-testid=intent-status]") == "Declared"

    # The university sees it in its inbox and accepts talks.
    page.context.clear_cookies()
    sign_in(page, univ_a_staff.username)
    assert page.inner_text("[data-testid='nav-badge-notifications:inbox']") == "1"
    page.goto("/inbox/")
    page.click("[data-testid=notification]")
    page.click("#accept-intent")
    assert page.inner_text("[data-testid=intent-status]") == "Accepted for talks"
    assert "boss@browser.example.com" in page.inner_text("[data-testid=contacts]")

    # The enterprise records the signed deal.
    page.context.clear_cookies()
    sign_in(page, "browser_boss", "a-long-enough-passphrase")
    page.goto(f"/enterprises/intents/{CooperationIntent.objects.get().pk}/")
    page.select_option("#id_kind", "licence")
    page.select_option("#id_licence_type", "ordinary")
    page.fill("#id_contract_date", timezone.localdate().isoformat())  # not before the intent
    page.fill("#id_amount", "300000")
    page.fill("#id_registration_no", "2026330000000123")
    page.click("#record-deal")
    assert page.inner_text("[data-testid=intent-status]") == "Deal signed"
    deal = Deal.objects.get()
    assert (deal.kind, deal.licence_type, deal.registration_no) == (
        "licence",
        "ordinary",
        "2026330000000123",
    )
    page.goto("/enterprises/deals/")
    assert "一种耐高温隔膜" in page.inner_text("[data-testid=deals]")
