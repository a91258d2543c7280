"""Services enforce the Measures: each refusal says why, and writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from evaluation import services
from evaluation.models import (
    ApplicationDocument,
    Degree,
    DegreeField,
    DocumentKind,
    Filing,
    FilingReason,
    InspectionResult,
    InstitutionStatus,
    Valuation,
)
from notifications.models import Notification
from tests.evaluation.factories import AppraiserFactory, pdf

pytestmark = pytest.mark.django_db

D = datetime.date
SUSPENDED_REFUSAL = (
    "Only a qualified institution in good standing may record a valuation; this institution is "
    "suspended (Interim Measures for the Administration of Patent Asset Evaluation)."
)


def upload_all(institution, user, *, cases: int = 2) -> None:
    for kind in [
        DocumentKind.APPLICATION_FORM,
        DocumentKind.ARTICLES,
        DocumentKind.STAFF_LIST,
        DocumentKind.LEGAL_REP_RESUME,
    ] + [DocumentKind.SIMULATED_CASE] * cases:
        services.upload_document(institution=institution, kind=kind, file=pdf(), by=user)


def valuation_args(institution, user, patent, appraisers, **overrides):
    args = {
        "institution": institution,
        "patents": [patent],
        "appraisers": appraisers,
        "purpose": "transfer",
        "method": "income",
        "value": Decimal("1200000.00"),
        "value_date": D(2026, 10, 8),
        "valid_until": None,
        "report_no": "中衡评报字〔2026〕第101号",
        "report": pdf("report.pdf"),
        "by": user,
    }
    args.update(overrides)
    return args


# --- qualification -------------------------------------------------------------------------


def test_incomplete_application_is_refused_with_the_missing_documents(
    applying_institution, applicant_user
):
    upload_all(applying_institution, applicant_user, cases=1)
    with pytest.raises(ValidationError) as error:
        services.submit_application(institution=applying_institution, by=applicant_user)
    assert error.value.messages == [
        "The application is incomplete. Still needed, as the Interim Measures for the "
        "Administration of Patent Asset Evaluation list: Simulated patent asset evaluation case "
        "(1/2)."
    ]
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.APPLYING
    assert applying_institution.documents_complete_on is None


def test_complete_application_starts_the_two_month_audit_clock(
    applying_institution, applicant_user
):
    upload_all(applying_institution, applicant_user)
    services.submit_application(
        institution=applying_institution, by=applicant_user, today=D(2025, 12, 31)
    )
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.UNDER_AUDIT
    assert applying_institution.audit_due_on == D(2026, 2, 28)
    assert not applying_institution.audit_overdue(D(2026, 2, 28))
    assert applying_institution.audit_overdue(D(2026, 3, 1))


def test_bureau_of_another_province_cannot_decide(applying_institution, bureau_gd):
    applying_institution.status = InstitutionStatus.UNDER_AUDIT
    applying_institution.save()
    with pytest.raises(PermissionDenied):
        services.decide_application(
            institution=applying_institution,
            approve=True,
            certificate_no="X",
            certificate_date=D(2026, 1, 5),
            note="",
            by=bureau_gd,
        )
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.UNDER_AUDIT


def test_approval_qualifies_and_a_filing_falls_due_in_30_working_days(
    applying_institution, bureau_zj
):
    applying_institution.status = InstitutionStatus.UNDER_AUDIT
    applying_institution.save()
    services.decide_application(
        institution=applying_institution,
        approve=True,
        certificate_no="浙专评〔2025〕3号",
        certificate_date=D(2025, 9, 26),
        note="",
        by=bureau_zj,
    )
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.QUALIFIED
    filing = applying_institution.filings.get()
    assert filing.reason == FilingReason.QUALIFICATION_OBTAINED
    assert filing.due_on == D(2025, 11, 13)


def test_return_without_a_reason_is_refused(applying_institution, bureau_zj):
    applying_institution.status = InstitutionStatus.UNDER_AUDIT
    applying_institution.save()
    with pytest.raises(ValidationError) as error:
        services.decide_application(
            institution=applying_institution,
            approve=False,
            certificate_no="",
            certificate_date=None,
            note="",
            by=bureau_zj,
        )
    assert error.value.message_dict == {"note": ["Say why the application is returned."]}
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.UNDER_AUDIT


def test_institution_under_a_state_council_department_is_decided_nationally(
    applying_institution, bureau_zj, national_user
):
    applying_institution.status = InstitutionStatus.UNDER_AUDIT
    applying_institution.under_state_council = True
    applying_institution.save()
    decision = {
        "institution": applying_institution,
        "approve": True,
        "certificate_no": "国专评1号",
        "certificate_date": D(2026, 1, 5),
        "note": "",
    }
    with pytest.raises(PermissionDenied):
        services.decide_application(by=bureau_zj, **decision)
    services.decide_application(by=national_user, **decision)
    applying_institution.refresh_from_db()
    assert applying_institution.status == InstitutionStatus.QUALIFIED


def test_only_an_appraisal_organisation_registers_a_profile(enterprise_user):
    with pytest.raises(ValidationError) as error:
        services.register_institution(
            organisation=enterprise_user.organisation,
            kind="full_time",
            domicile="x",
            legal_representative="y",
            under_state_council=False,
            by=enterprise_user,
        )
    assert error.value.messages == ["Only an appraisal institution can hold an appraisal profile."]


def test_termination_opens_a_filing(zj_institution, bureau_zj):
    services.change_standing(
        institution=zj_institution,
        status=InstitutionStatus.TERMINATED,
        reason="申请注销",
        by=bureau_zj,
        today=D(2025, 9, 26),
    )
    filing = zj_institution.filings.get()
    assert filing.reason == FilingReason.QUALIFICATION_TERMINATED
    assert filing.due_on == D(2025, 11, 13)


# --- staff and filings ---------------------------------------------------------------------


def test_adding_a_qualified_appraiser_opens_a_staff_filing(zj_institution, appraiser_user):
    appraiser = services.add_appraiser(
        institution=zj_institution,
        by=appraiser_user,
        name="赵敏",
        employment="full_time",
        degree="master",
        degree_field="finance",
        certificate_kind="examination",
        certificate_no="EX-9",
        joined_on=D(2025, 9, 26),
    )
    filing = zj_institution.filings.get()
    assert (filing.reason, filing.detail, filing.due_on) == (
        FilingReason.STAFF_CHANGED,
        "赵敏 joined",
        D(2025, 11, 13),
    )
    services.appraiser_leaves(appraiser=appraiser, left_on=D(2025, 12, 1), by=appraiser_user)
    assert zj_institution.filings.count() == 2


def test_adding_an_appraiser_to_another_institution_is_forbidden(zj_institution, gd_appraiser_user):
    with pytest.raises(PermissionDenied):
        services.add_appraiser(
            institution=zj_institution,
            by=gd_appraiser_user,
            name="x",
            degree="bachelor",
            degree_field="finance",
        )
    assert zj_institution.appraisers.count() == 3


def test_change_of_name_and_domicile_opens_one_filing_each(zj_institution, appraiser_user):
    filings = services.change_details(
        institution=zj_institution,
        name="浙江中衡资产评估有限公司",
        domicile="杭州市滨江区江南大道2号",
        legal_representative=zj_institution.legal_representative,
        changed_on=D(2026, 3, 2),
        by=appraiser_user,
    )
    assert sorted(f.reason for f in filings) == [
        FilingReason.DOMICILE_CHANGED,
        FilingReason.NAME_CHANGED,
    ]
    zj_institution.organisation.refresh_from_db()
    assert zj_institution.organisation.name == "浙江中衡资产评估有限公司"


def staff_filing(institution) -> Filing:
    return Filing.objects.create(
        institution=institution,
        reason=FilingReason.STAFF_CHANGED,
        changed_on=D(2026, 3, 2),
        due_on=D(2026, 4, 14),
    )


def test_filing_without_documents_is_refused(zj_institution, appraiser_user):
    filing = staff_filing(zj_institution)
    with pytest.raises(ValidationError) as error:
        services.submit_filing(
            filing=filing, document=None, filed_on=D(2026, 3, 5), note="", by=appraiser_user
        )
    assert error.value.message_dict == {"document": ["Attach the filing documents."]}
    filing.refresh_from_db()
    assert filing.filed_on is None


def test_overdue_filings_are_flagged_once_to_institution_and_bureau(
    zj_institution, appraiser_user, bureau_zj
):
    overdue = Filing.objects.create(
        institution=zj_institution,
        reason=FilingReason.DOMICILE_CHANGED,
        changed_on=D(2025, 9, 26),
        due_on=D(2025, 11, 13),
    )
    Filing.objects.create(  # not yet due
        institution=zj_institution,
        reason=FilingReason.NAME_CHANGED,
        changed_on=D(2025, 11, 10),
        due_on=D(2025, 12, 22),
    )
    assert services.flag_overdue_filings(today=D(2025, 11, 14)) == [overdue.pk]
    assert services.flag_overdue_filings(today=D(2025, 11, 15)) == []
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {appraiser_user.username, bureau_zj.username}
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "reason"), [("en", '"Domicile changed"'), ("zh-hans", "“住所变更”")]
)
def test_overdue_filing_notice_names_the_change_in_the_readers_language(
    zj_institution, appraiser_user, language, reason
):
    Filing.objects.create(
        institution=zj_institution,
        reason=FilingReason.DOMICILE_CHANGED,
        changed_on=D(2025, 9, 26),
        due_on=D(2025, 11, 13),
    )
    services.flag_overdue_filings(today=D(2025, 11, 14))
    notice = Notification.objects.get(recipient=appraiser_user)
    with translation.override(language):
        assert reason in notice.body_text
        assert "domicile_changed" not in notice.body_text


def test_inspection_failure_needs_notes(zj_institution, bureau_zj):
    with pytest.raises(ValidationError) as error:
        services.record_inspection(
            institution=zj_institution,
            year=2025,
            result=InspectionResult.FAILED,
            notes="",
            inspected_on=D(2025, 12, 1),
            by=bureau_zj,
        )
    assert error.value.message_dict == {
        "notes": ["Explain what must be rectified or why it failed."]
    }
    assert not zj_institution.inspections.exists()


# --- valuations ----------------------------------------------------------------------------


def test_qualified_institution_records_a_valuation_valid_for_a_year(
    zj_institution, appraiser_user, library_patent
):
    signers = list(zj_institution.appraisers.all()[:2])
    valuation = services.record_valuation(
        **valuation_args(zj_institution, appraiser_user, library_patent, signers)
    )
    assert valuation.valid_until == D(2027, 10, 8)
    assert list(valuation.patents.all()) == [library_patent]
    assert set(valuation.appraisers.all()) == set(signers)


def test_suspended_institution_cannot_record_a_valuation(
    zj_institution, appraiser_user, library_patent
):
    zj_institution.status = InstitutionStatus.SUSPENDED
    zj_institution.save()
    signers = list(zj_institution.appraisers.all()[:2])
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(zj_institution, appraiser_user, library_patent, signers)
        )
    assert error.value.messages == [SUSPENDED_REFUSAL]
    assert not Valuation.objects.exists()


def test_institution_that_failed_its_inspection_cannot_record_a_valuation(
    zj_institution, appraiser_user, bureau_zj, library_patent
):
    services.record_inspection(
        institution=zj_institution,
        year=2025,
        result=InspectionResult.FAILED,
        notes="评估档案缺失",
        inspected_on=D(2025, 12, 1),
        by=bureau_zj,
    )
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(
                zj_institution, appraiser_user, library_patent, [zj_institution.appraisers.first()]
            )
        )
    assert error.value.messages == [
        "Only a qualified institution in good standing may record a valuation; this institution "
        "failed its 2025 annual inspection."
    ]
    assert not Valuation.objects.exists()


def test_ineligible_appraiser_cannot_sign(zj_institution, appraiser_user, library_patent):
    lawyer = AppraiserFactory(
        institution=zj_institution,
        name="钱律",
        degree=Degree.BACHELOR,
        degree_field=DegreeField.LAW,
    )
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(zj_institution, appraiser_user, library_patent, [lawyer])
        )
    assert error.value.message_dict == {
        "appraisers": [
            "钱律 may not sign: Not eligible: the Interim Measures for the Administration of "
            "Patent Asset Evaluation require a bachelor's degree or above in finance, accounting, "
            "economics or engineering, or more than two years in asset appraisal, patent "
            "management or patent agency."
        ]
    }
    assert not Valuation.objects.exists()


def test_appraiser_of_another_institution_cannot_sign(
    zj_institution, gd_institution, appraiser_user, library_patent
):
    outsider = gd_institution.appraisers.first()
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(zj_institution, appraiser_user, library_patent, [outsider])
        )
    assert error.value.message_dict == {
        "appraisers": [f"{outsider.name} does not belong to this institution."]
    }
    assert not Valuation.objects.exists()


def test_uncertified_appraiser_cannot_sign(zj_institution, appraiser_user, library_patent):
    novice = AppraiserFactory(institution=zj_institution, name="孙新", certificate_no="")
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(zj_institution, appraiser_user, library_patent, [novice])
        )
    assert error.value.message_dict == {
        "appraisers": ["孙新 may not sign: no examination certificate is recorded."]
    }


def test_patent_outside_the_library_and_missing_signers_are_refused(
    zj_institution, appraiser_user, draft_patent
):
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(zj_institution, appraiser_user, draft_patent, [], report=None)
        )
    assert error.value.message_dict == {
        "patents": [f"{draft_patent.application_no} is not in the convertible patent library."],
        "appraisers": ["At least one appraiser must sign the report."],
        "report": ["Attach the valuation report."],
    }
    assert not Valuation.objects.exists()


def test_future_value_date_is_refused(zj_institution, appraiser_user, library_patent):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.record_valuation(
            **valuation_args(
                zj_institution,
                appraiser_user,
                library_patent,
                [zj_institution.appraisers.first()],
                value_date=tomorrow,
            )
        )
    assert error.value.message_dict == {"value_date": ["The value date cannot be in the future."]}


def test_bureau_cannot_record_a_valuation(zj_institution, bureau_zj, library_patent):
    with pytest.raises(PermissionDenied):
        services.record_valuation(
            **valuation_args(
                zj_institution, bureau_zj, library_patent, [zj_institution.appraisers.first()]
            )
        )
    assert not Valuation.objects.exists()


def test_documents_only_while_applying(zj_institution, appraiser_user):
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            institution=zj_institution, kind=DocumentKind.OTHER, file=pdf(), by=appraiser_user
        )
    assert error.value.messages == ["Documents can only be added while the application is open."]
    assert not ApplicationDocument.objects.exists()


# --- impossible values ---------------------------------------------------------------------

FUTURE = "This date is in the future; enter the day it happened."


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def test_change_dated_in_the_future_is_refused_and_nothing_changes(zj_institution, appraiser_user):
    with pytest.raises(ValidationError) as error:
        services.change_details(
            institution=zj_institution,
            name="改名后的评估公司",
            domicile=zj_institution.domicile,
            legal_representative=zj_institution.legal_representative,
            changed_on=_tomorrow(),
            by=appraiser_user,
        )
    assert error.value.message_dict == {"changed_on": [FUTURE]}
    zj_institution.organisation.refresh_from_db()
    assert zj_institution.organisation.name != "改名后的评估公司"
    assert not zj_institution.filings.exists()


def test_change_dated_today_is_accepted(zj_institution, appraiser_user):
    [filing] = services.change_details(
        institution=zj_institution,
        name="今天改名的评估公司",
        domicile=zj_institution.domicile,
        legal_representative=zj_institution.legal_representative,
        changed_on=timezone.localdate(),
        by=appraiser_user,
    )
    assert filing.changed_on == timezone.localdate()


NEW_APPRAISER = {
    "name": "钱进",
    "employment": "full_time",
    "degree": "master",
    "degree_field": "finance",
    "certificate_kind": "examination",
    "certificate_no": "EX-31",
    "joined_on": D(2026, 1, 5),
    "certificate_date": D(2025, 6, 1),
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("joined_on", "tomorrow", FUTURE),
        ("certificate_date", "tomorrow", FUTURE),
        ("years_asset_appraisal", Decimal(-3), "Ensure this value is greater than or equal to 0."),
        ("years_patent_management", Decimal(999), "Ensure this value is less than or equal to 60."),
        ("years_patent_agency", Decimal("60.5"), "Ensure this value is less than or equal to 60."),
    ],
)
def test_appraiser_with_an_impossible_value_is_refused_and_not_added(
    zj_institution, appraiser_user, field, value, message
):
    fields = {**NEW_APPRAISER, field: _tomorrow() if value == "tomorrow" else value}
    with pytest.raises(ValidationError) as error:
        services.add_appraiser(institution=zj_institution, by=appraiser_user, **fields)
    assert error.value.message_dict == {field: [message]}
    assert zj_institution.appraisers.count() == 3
    assert not zj_institution.filings.exists()


def test_a_veteran_appraiser_of_sixty_years_is_accepted(zj_institution, appraiser_user):
    fields = {**NEW_APPRAISER, "years_asset_appraisal": Decimal(60)}
    appraiser = services.add_appraiser(institution=zj_institution, by=appraiser_user, **fields)
    assert appraiser.years_asset_appraisal == 60


def test_leaving_filing_and_inspection_dated_in_the_future_are_refused(
    zj_institution, appraiser_user, bureau_zj
):
    appraiser = zj_institution.appraisers.first()
    with pytest.raises(ValidationError) as left:
        services.appraiser_leaves(appraiser=appraiser, left_on=_tomorrow(), by=appraiser_user)
    assert left.value.message_dict == {"left_on": [FUTURE]}
    filing = staff_filing(zj_institution)
    with pytest.raises(ValidationError) as filed:
        services.submit_filing(
            filing=filing, document=pdf(), filed_on=_tomorrow(), note="", by=appraiser_user
        )
    assert filed.value.message_dict == {"filed_on": [FUTURE]}
    with pytest.raises(ValidationError) as inspected:
        services.record_inspection(
            institution=zj_institution,
            year=2026,
            result=InspectionResult.PASSED,
            notes="",
            inspected_on=_tomorrow(),
            by=bureau_zj,
        )
    assert inspected.value.message_dict == {"inspected_on": [FUTURE]}
    appraiser.refresh_from_db()
    filing.refresh_from_db()
    assert (appraiser.left_on, filing.filed_on) == (None, None)
    assert not zj_institution.inspections.exists()
