"""Pages: scoping (other organisation → 404, wrong role → 403, anonymous → login) and the
messages a user sees."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import (
    ApplicationDocument,
    DocumentKind,
    Filing,
    FilingReason,
    InstitutionStatus,
    Valuation,
)
from tests.evaluation.factories import AppraiserFactory, InstitutionFactory, pdf

pytestmark = pytest.mark.django_db

D = datetime.date


def upload(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


def make_valuation(institution, patent, **extra) -> Valuation:
    valuation = Valuation.objects.create(
        institution=institution,
        purpose="transfer",
        method="income",
        value=880000,
        value_date=D(2026, 10, 1),
        valid_until=D(2027, 10, 1),
        report_no=extra.pop("report_no", "R-1"),
        report=pdf("r.pdf"),
        **extra,
    )
    valuation.patents.set([patent])
    valuation.appraisers.set(institution.appraisers.all()[:2])
    return valuation


# --- refusals ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, zj_institution):
    response = client.get(reverse("evaluation:institution_detail", args=[zj_institution.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_other_institution_gets_404_on_detail_documents_appraisers_filings_valuations(
    client, zj_institution, gd_appraiser_user, library_patent
):
    document = ApplicationDocument.objects.create(
        institution=zj_institution, kind=DocumentKind.OTHER, file=pdf()
    )
    filing = Filing.objects.create(
        institution=zj_institution,
        reason=FilingReason.STAFF_CHANGED,
        changed_on=D(2026, 1, 5),
        due_on=D(2026, 2, 13),
    )
    valuation = make_valuation(zj_institution, library_patent)
    client.force_login(gd_appraiser_user)
    for url in [
        reverse("evaluation:institution_detail", args=[zj_institution.pk]),
        reverse("evaluation:edit_details", args=[zj_institution.pk]),
        reverse("evaluation:document_download", args=[document.pk]),
        reverse("evaluation:appraiser_detail", args=[zj_institution.appraisers.first().pk]),
        reverse("evaluation:filing_detail", args=[filing.pk]),
        reverse("evaluation:report_download", args=[valuation.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("evaluation:upload_document", args=[zj_institution.pk]),
        {"kind": DocumentKind.OTHER, "file": upload()},
    )
    assert response.status_code == 404
    assert ApplicationDocument.objects.count() == 1


def test_bureau_of_another_province_gets_404(client, zj_institution, bureau_gd):
    client.force_login(bureau_gd)
    url = reverse("evaluation:institution_detail", args=[zj_institution.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("evaluation:change_standing", args=[zj_institution.pk]),
        {"status": InstitutionStatus.SUSPENDED, "reason": "x"},
    )
    assert response.status_code == 404
    zj_institution.refresh_from_db()
    assert zj_institution.status == InstitutionStatus.QUALIFIED


def test_bureau_lists_only_its_province(client, zj_institution, gd_institution, bureau_zj):
    client.force_login(bureau_zj)
    response = client.get(reverse("evaluation:institutions"))
    assert list(response.context["institutions"]) == [zj_institution]


def test_national_level_sees_all(client, zj_institution, gd_institution, national_user):
    client.force_login(national_user)
    response = client.get(reverse("evaluation:institutions"))
    assert set(response.context["institutions"]) == {zj_institution, gd_institution}


def test_institution_cannot_use_bureau_pages_or_decide(client, zj_institution, appraiser_user):
    client.force_login(appraiser_user)
    assert client.get(reverse("evaluation:institutions")).status_code == 403
    response = client.post(
        reverse("evaluation:change_standing", args=[zj_institution.pk]),
        {"status": InstitutionStatus.TERMINATED, "reason": "self"},
    )
    assert response.status_code == 403
    zj_institution.refresh_from_db()
    assert zj_institution.status == InstitutionStatus.QUALIFIED


def test_bureau_cannot_change_institution_records(client, zj_institution, bureau_zj):
    client.force_login(bureau_zj)
    assert (
        client.get(reverse("evaluation:edit_details", args=[zj_institution.pk])).status_code == 403
    )
    assert client.get(reverse("evaluation:appraiser_new")).status_code == 403
    assert client.get(reverse("evaluation:valuation_new")).status_code == 403


def test_enterprise_and_university_get_403_on_appraisal_pages(
    client, enterprise_user, univ_a_staff
):
    for user in (enterprise_user, univ_a_staff):
        client.force_login(user)
        for name in ["mine", "institutions", "appraisers", "filings", "valuations"]:
            assert client.get(reverse(f"evaluation:{name}")).status_code == 403, name


def test_enterprise_sees_the_value_but_not_the_report_file(
    client, zj_institution, enterprise_user, library_patent
):
    valuation = make_valuation(zj_institution, library_patent)
    client.force_login(enterprise_user)
    response = client.get(reverse("evaluation:patent_valuations", args=[library_patent.pk]))
    assert response.status_code == 200
    assert "¥880000.00" in response.content.decode()
    assert zj_institution.organisation.name in response.content.decode()
    assert client.get(reverse("evaluation:report_download", args=[valuation.pk])).status_code == 404


def test_patent_outside_the_library_has_no_valuation_page(client, enterprise_user, draft_patent):
    client.force_login(enterprise_user)
    url = reverse("evaluation:patent_valuations", args=[draft_patent.pk])
    assert client.get(url).status_code == 404


# --- flows and messages --------------------------------------------------------------------


def test_profile_registration_then_upload_and_incomplete_submit_message(
    client, unregistered_appraisal_org
):
    from tests.factories import UserFactory

    user = UserFactory(organisation=unregistered_appraisal_org, role="admin")
    client.force_login(user)
    response = client.post(
        reverse("evaluation:mine"),
        {"kind": "other", "domicile": "宁波市", "legal_representative": "周"},
    )
    institution = unregistered_appraisal_org.appraisal_profile
    assert response["Location"] == reverse("evaluation:institution_detail", args=[institution.pk])
    client.post(
        reverse("evaluation:upload_document", args=[institution.pk]),
        {"kind": DocumentKind.APPLICATION_FORM, "file": upload()},
    )
    response = client.post(
        reverse("evaluation:submit_application", args=[institution.pk]), follow=True
    )
    assert (
        "Articles of association (0/1), List of full-time staff with their qualification and "
        "training certificates (0/1), Résumé of the legal representative (0/1), Simulated patent "
        "asset evaluation case (0/2)." in response.content.decode()
    )
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPLYING


def test_document_download_goes_through_the_access_checked_view(
    client, applying_institution, applicant_user, bureau_zj
):
    client.force_login(applicant_user)
    client.post(
        reverse("evaluation:upload_document", args=[applying_institution.pk]),
        {"kind": DocumentKind.ARTICLES, "file": upload("章程.pdf")},
    )
    document = applying_institution.documents.get()
    client.force_login(bureau_zj)
    response = client.get(reverse("evaluation:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"


def test_overdue_audit_and_staffing_warning_shown_to_the_bureau(client, bureau_zj):
    institution = InstitutionFactory(
        organisation__province_id="330000",
        status=InstitutionStatus.UNDER_AUDIT,
        documents_complete_on=D(2025, 1, 10),
    )
    AppraiserFactory(institution=institution)
    client.force_login(bureau_zj)
    page = client.get(reverse("evaluation:institution_detail", args=[institution.pk]))
    html = page.content.decode()
    assert "the audit decision is due by 2025-03-10" in html
    assert 'data-testid="audit-overdue"' in html
    assert (
        "A full-time patent asset appraisal institution needs at least 3 full-time qualified "
        "staff; it has 1 (Interim Measures for the Administration of Patent Asset Evaluation)."
        in html
    )


NEW_APPRAISER = {
    "name": "周芳",
    "employment": "full_time",
    "degree": "master",
    "degree_field": "economics",
    "years_asset_appraisal": "0",
    "years_patent_management": "0",
    "years_patent_agency": "0",
    "certificate_kind": "examination",
    "certificate_no": "EX-77",
    "joined_on": "2026-11-02",
}


def test_adding_the_third_appraiser_clears_the_warning(client, appraiser_user, zj_institution):
    zj_institution.appraisers.first().delete()
    client.force_login(appraiser_user)
    response = client.post(reverse("evaluation:appraiser_new"), NEW_APPRAISER, follow=True)
    html = response.content.decode()
    assert "The staffing rule of the Measures is met." in html
    assert 'data-testid="staffing-warning"' not in html
    assert zj_institution.filings.get().reason == FilingReason.STAFF_CHANGED


def test_overdue_filing_is_flagged_on_the_filings_page(client, appraiser_user, zj_institution):
    Filing.objects.create(
        institution=zj_institution,
        reason=FilingReason.DOMICILE_CHANGED,
        changed_on=D(2025, 9, 26),
        due_on=D(2025, 11, 13),
    )
    client.force_login(appraiser_user)
    html = client.get(reverse("evaluation:filings")).content.decode()
    assert "Overdue filings: 1 (each was due within 30 working days of its change)." in html


def test_suspended_institution_sees_the_refusal_when_recording(
    client, appraiser_user, zj_institution, library_patent
):
    zj_institution.status = InstitutionStatus.SUSPENDED
    zj_institution.save()
    client.force_login(appraiser_user)
    response = client.post(
        reverse("evaluation:valuation_new"),
        {
            "patents": [library_patent.pk],
            "purpose": "pledge",
            "method": "income",
            "value": "500000",
            "value_date": "2026-10-01",
            "report_no": "R-9",
            "appraisers": [zj_institution.appraisers.first().pk],
            "report": upload("report.pdf"),
        },
    )
    assert response.status_code == 400
    assert (
        "Only a qualified institution in good standing may record a valuation; this institution "
        "is suspended (Interim Measures for the Administration of Patent Asset Evaluation)."
        in response.content.decode()
    )
    assert not Valuation.objects.exists()


def test_ineligible_signer_message_on_the_form(
    client, appraiser_user, zj_institution, library_patent
):
    lawyer = AppraiserFactory(institution=zj_institution, name="钱律", degree_field="law")
    client.force_login(appraiser_user)
    response = client.post(
        reverse("evaluation:valuation_new"),
        {
            "patents": [library_patent.pk],
            "purpose": "transfer",
            "method": "market",
            "value": "500000",
            "value_date": "2026-10-01",
            "report_no": "R-9",
            "appraisers": [lawyer.pk],
            "report": upload("report.pdf"),
        },
    )
    assert response.status_code == 400
    assert "钱律 may not sign: Not eligible" in response.content.decode()
    assert not Valuation.objects.exists()


# --- impossible values ---------------------------------------------------------------------


def test_appraiser_form_refuses_future_dates_and_impossible_years(
    client, appraiser_user, zj_institution
):
    zj_institution.appraisers.first().delete()  # two left: the warning is up
    client.force_login(appraiser_user)
    impossible = {
        "name": "孙悟",
        "years_asset_appraisal": "-3",
        "years_patent_management": "999",
        "certificate_date": "2041-01-01",
        "joined_on": "2040-01-01",
    }
    response = client.post(
        reverse("evaluation:appraiser_new"), {**NEW_APPRAISER, **impossible}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("This date is in the future; enter the day it happened.") == 2
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Ensure this value is less than or equal to 60." in html
    assert not zj_institution.appraisers.filter(name="孙悟").exists()
    assert not zj_institution.filings.exists()
    staffing = client.get(reverse("evaluation:appraisers")).content.decode()
    assert "The staffing rule of the Measures is met." not in staffing


def test_details_form_refuses_a_change_dated_in_the_future(client, appraiser_user, zj_institution):
    client.force_login(appraiser_user)
    response = client.post(
        reverse("evaluation:edit_details", args=[zj_institution.pk]),
        {
            "name": "未来改名的评估公司",
            "domicile": zj_institution.domicile,
            "legal_representative": zj_institution.legal_representative,
            "changed_on": "2035-01-01",
        },
    )
    assert "This date is in the future; enter the day it happened." in response.content.decode()
    zj_institution.organisation.refresh_from_db()
    assert zj_institution.organisation.name != "未来改名的评估公司"
    assert not zj_institution.filings.exists()
