"""The rules of the Interim Measures for the Administration of Patent Asset Evaluation, as code."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from evaluation import rules
from evaluation.models import (
    AppraisalInstitution,
    Appraiser,
    CertificateKind,
    Degree,
    DegreeField,
    DocumentKind,
    Employment,
    InstitutionKind,
)

D = datetime.date

NOT_ELIGIBLE = (
    "Not eligible: the Interim Measures for the Administration of Patent Asset Evaluation "
    "require a bachelor's degree or above in finance, accounting, economics or engineering, or "
    "more than two years in asset appraisal, patent management or patent agency."
)
FULL_TIME_WARNING = (
    "A full-time patent asset appraisal institution needs at least 3 full-time qualified staff; "
    "it has {count} (Interim Measures for the Administration of Patent Asset Evaluation)."
)
OTHER_WARNING = (
    "An appraisal institution doing patent asset work needs at least 2 full-time or part-time "
    "qualified staff; it has {count} (Interim Measures for the Administration of Patent Asset "
    "Evaluation)."
)


def person(**overrides) -> Appraiser:
    fields = {
        "name": "李明",
        "employment": Employment.FULL_TIME,
        "degree": Degree.BACHELOR,
        "degree_field": DegreeField.ENGINEERING,
        "certificate_kind": CertificateKind.EXAMINATION,
        "certificate_no": "EX-1",
        "joined_on": D(2025, 1, 2),
    }
    fields.update(overrides)
    return Appraiser(**fields)


def institution(kind: str) -> AppraisalInstitution:
    return AppraisalInstitution(kind=kind)


# --- two-month audit deadline, calendar arithmetic -----------------------------------------


@pytest.mark.parametrize(
    ("complete", "due"),
    [
        (D(2025, 12, 31), D(2026, 2, 28)),  # February is short: clamp to its last day
        (D(2023, 12, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 8, 31), D(2025, 10, 31)),
        (D(2025, 12, 30), D(2026, 2, 28)),
        (D(2025, 11, 30), D(2026, 1, 30)),  # crosses the year
        (D(2025, 6, 15), D(2025, 8, 15)),
    ],
)
def test_audit_decision_is_due_two_calendar_months_after_documents_complete(complete, due):
    assert rules.audit_due_date(complete) == due


# --- 30 working days on the official calendar ---------------------------------------------


def test_filing_deadline_skips_national_day_and_counts_adjusted_working_days():
    # Change on Friday 2025-09-26. Sunday 28 September and Saturday 11 October 2025 are official
    # working days; 1–8 October are holidays. Counting Monday–Friday would give 2025-11-07.
    assert rules.filing_due_date(D(2025, 9, 26)) == D(2025, 11, 13)


def test_filing_deadline_across_spring_festival():
    # 2025 Spring Festival: 28 January – 4 February off; Sunday 26 January and Saturday
    # 8 February worked: 26 Jan, 27 Jan, 5–7 Feb, 8 Feb are days 1–6, then four full weeks.
    assert rules.filing_due_date(D(2025, 1, 24)) == D(2025, 3, 13)


# --- eligibility ---------------------------------------------------------------------------


def test_bachelor_in_engineering_is_eligible_and_explained():
    verdict = rules.eligibility(person())
    assert verdict.eligible
    assert verdict.explanation == "Eligible: Bachelor's degree in Engineering."


def test_master_in_accounting_is_eligible():
    assert rules.eligibility(
        person(degree=Degree.MASTER, degree_field=DegreeField.ACCOUNTING)
    ).eligible


def test_law_degree_with_exactly_two_years_is_not_eligible():
    verdict = rules.eligibility(
        person(degree_field=DegreeField.LAW, years_patent_agency=Decimal(2))
    )
    assert not verdict.eligible
    assert verdict.explanation == NOT_ELIGIBLE


def test_more_than_two_years_of_experience_makes_anyone_eligible():
    verdict = rules.eligibility(
        person(
            degree=Degree.NONE,
            degree_field=DegreeField.OTHER,
            years_asset_appraisal=Decimal("1.5"),
            years_patent_management=Decimal("1.0"),
        )
    )
    assert verdict.eligible
    assert verdict.explanation == (
        "Eligible: 2.5 years in asset appraisal, patent management or patent agency "
        "(more than two)."
    )


def test_economics_without_a_bachelors_degree_is_not_eligible():
    verdict = rules.eligibility(person(degree=Degree.NONE, degree_field=DegreeField.ECONOMICS))
    assert not verdict.eligible


# --- staffing ------------------------------------------------------------------------------


def test_full_time_institution_with_two_qualified_staff_is_warned():
    staff = [person(), person()]
    assert rules.staffing_warning(
        institution(InstitutionKind.FULL_TIME), staff
    ) == FULL_TIME_WARNING.format(count=2)


def test_full_time_institution_with_three_full_time_qualified_staff_meets_the_rule():
    assert rules.staffing_warning(institution(InstitutionKind.FULL_TIME), [person()] * 3) is None


def test_part_time_and_uncertified_staff_do_not_count_for_a_full_time_institution():
    staff = [
        person(),
        person(),
        person(employment=Employment.PART_TIME),
        person(certificate_no=""),
        person(certificate_kind=CertificateKind.TRAINING, certificate_no="TR-1"),
        person(degree=Degree.NONE),  # not eligible
        person(left_on=D(2025, 6, 1)),  # has left
    ]
    assert rules.staffing_warning(
        institution(InstitutionKind.FULL_TIME), staff
    ) == FULL_TIME_WARNING.format(count=2)


def test_other_institution_needs_two_full_or_part_time_qualified_staff():
    trained = {"certificate_kind": CertificateKind.TRAINING, "certificate_no": "TR-1"}
    other = institution(InstitutionKind.OTHER)
    assert rules.staffing_warning(other, [person(**trained)]) == OTHER_WARNING.format(count=1)
    assert (
        rules.staffing_warning(
            other, [person(**trained), person(employment=Employment.PART_TIME, **trained)]
        )
        is None
    )


# --- application checklist and training ---------------------------------------------------


def test_checklist_needs_two_simulated_cases_and_no_other_materials():
    kinds = [
        DocumentKind.APPLICATION_FORM,
        DocumentKind.ARTICLES,
        DocumentKind.STAFF_LIST,
        DocumentKind.LEGAL_REP_RESUME,
        DocumentKind.SIMULATED_CASE,
    ]
    missing = rules.missing_documents(kinds)
    assert [(m.kind, m.uploaded, m.required) for m in missing] == [("simulated_case", 1, 2)]
    assert rules.missing_documents([*kinds, DocumentKind.SIMULATED_CASE]) == []


def test_training_reminder_a_month_before_and_after_the_yearly_course():
    appraiser = person()
    last = D(2025, 3, 10)
    assert rules.training_reminder(appraiser, last, D(2026, 1, 1)) is None
    assert (
        rules.training_reminder(appraiser, last, D(2026, 2, 20))
        == "Regular training is due by 2026-03-10 (one course a year)."
    )
    assert (
        rules.training_reminder(appraiser, last, D(2026, 3, 11))
        == "Regular training was due on 2026-03-10 (one course a year)."
    )
