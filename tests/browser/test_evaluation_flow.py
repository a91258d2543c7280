"""An appraisal institution applies, is approved, fills its staff, files the change and records a
valuation that enterprises then see on the patent's library page."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from evaluation.models import InstitutionStatus
from tests.evaluation.factories import AppraiserFactory, InstitutionFactory
from tests.factories import OrganisationFactory, PatentFactory, UserFactory
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today().isoformat()
DOCUMENTS = [
    "application_form",
    "articles",
    "staff_list",
    "legal_rep_resume",
    "simulated_case",
    "simulated_case",
]


def sign_out(page) -> None:
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url("**/accounts/login/**")


def test_apply_approve_staff_file_and_value(page, bureau_zj, enterprise_user, tmp_path):
    institution = InstitutionFactory(
        organisation__province_id="330000",
        status=InstitutionStatus.APPLYING,
        certificate_no="",
        certificate_date=None,
    )
    AppraiserFactory.create_batch(2, institution=institution)
    UserFactory(username="amy", organisation=institution.organisation, role=Role.ADMIN)
    university = OrganisationFactory(name="浙江测试大学", province_id="330000")
    patent = PatentFactory(organisation=university, in_library=True, title="一种固态电解质膜")
    document = tmp_path / "材料.pdf"
    document.write_bytes(b"%PDF-1.4 browser test")

    # The institution uploads the documents on the checklist and applies.
    sign_in(page, "amy")
    page.click("[data-nav='evaluation:mine']")
    for kind in DOCUMENTS:
        page.select_option("#upload-form select[name=kind]", kind)
        page.set_input_files("#upload-form input[name=file]", str(document))
        page.click("#upload-document")
        page.wait_for_selector("text=Document uploaded.")
    page.click("#submit-application")
    assert page.inner_text("[data-testid=status]") == "Under audit"
    assert "the audit decision is due by" in page.inner_text("[data-testid=audit-deadline]")
    detail_url = page.url
    sign_out(page)

    # The bureau of its province approves it.
    sign_in(page, bureau_zj.username)
    page.click("[data-nav='evaluation:institutions']")
    page.click(f"text={institution.organisation.name}")
    page.select_option("#decision-form select[name=approve]", "1")
    page.fill("#decision-form input[name=certificate_no]", "浙知专评〔2026〕9号")
    page.fill("#decision-form input[name=certificate_date]", TODAY)
    page.click("#record-decision")
    assert page.inner_text("[data-testid=status]") == "Qualified"
    sign_out(page)

    # Two qualified staff: the full-time rule warns; the third clears it.
    sign_in(page, "amy")
    page.goto(detail_url)
    assert "at least 3 full-time qualified staff; it has 2" in page.inner_text(
        "[data-testid=staffing-warning]"
    )
    page.click("[data-nav='evaluation:appraisers']")
    page.click("#add-appraiser")
    page.fill("input[name=name]", "周芳")
    page.select_option("select[name=degree]", "master")
    page.select_option("select[name=degree_field]", "finance")
    page.select_option("select[name=certificate_kind]", "examination")
    page.fill("input[name=certificate_no]", "EX-2026-77")
    page.fill("input[name=joined_on]", TODAY)
    page.click("#save-appraiser")
    page.wait_for_selector("text=The staffing rule of the Measures is met.")
    assert page.locator("[data-testid=staffing-warning]").count() == 0

    # The staff change is filed with its documents.
    page.click("[data-nav='evaluation:filings']")
    page.click("text=Qualified staff changed")
    page.set_input_files("#filing-form input[name=document]", str(document))
    page.click("#make-filing")
    page.wait_for_selector("text=Filing made.")

    # A valuation signed by two of its appraisers.
    page.goto(f"/evaluation/valuations/new/?patent={patent.pk}")
    page.select_option("select[name=purpose]", "transfer")
    page.select_option("select[name=method]", "income")
    page.fill("input[name=value]", "1280000")
    page.fill("input[name=value_date]", TODAY)
    page.fill("input[name=report_no]", "评报字〔2026〕第8号")
    page.select_option(
        "select[name=appraisers]", label=["周芳", institution.appraisers.first().name]
    )
    page.set_input_files("input[name=report]", str(document))
    page.click("#save-valuation")
    assert page.inner_text("[data-testid=value]") == "1280000.00"
    sign_out(page)

    # An enterprise sees it on the patent's library page.
    sign_in(page, enterprise_user.username)
    page.goto(f"/patents/library/{patent.pk}/")
    card = page.inner_text("[data-testid=patent-valuation]")
    assert "¥1280000.00" in card
    assert institution.organisation.name in card
    assert "周芳" in card
