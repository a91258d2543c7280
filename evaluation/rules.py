"""The rules of the Interim Measures for the Administration of Patent Asset Evaluation, as code.

Pure functions over rows: deadlines, eligibility, staffing and the application checklist. Services
enforce them; pages and tests show the same messages.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

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
from refdata.workdays import add_working_days

#: The audit decision is due this many calendar months after the documents are complete.
AUDIT_MONTHS = 2
#: A filing is due this many working days (official calendar) after the change.
FILING_WORKING_DAYS = 30
#: Regular training: we ask for one course a year and remind 30 days before it falls due.
TRAINING_INTERVAL_MONTHS = 12
TRAINING_REMINDER_DAYS = 30
#: A valuation is valid for one year from its value date unless the report says otherwise.
VALUATION_VALIDITY_MONTHS = 12

QUALIFYING_DEGREES = frozenset({Degree.BACHELOR, Degree.MASTER, Degree.DOCTOR})
QUALIFYING_FIELDS = frozenset(
    {DegreeField.FINANCE, DegreeField.ACCOUNTING, DegreeField.ECONOMICS, DegreeField.ENGINEERING}
)
MIN_EXPERIENCE_YEARS = Decimal(2)  # "more than two years": strictly greater

#: Documents the Measures list for a qualification application, with how many of each.
REQUIRED_DOCUMENTS: dict[str, int] = {
    DocumentKind.APPLICATION_FORM: 1,
    DocumentKind.ARTICLES: 1,
    DocumentKind.STAFF_LIST: 1,
    DocumentKind.LEGAL_REP_RESUME: 1,
    DocumentKind.SIMULATED_CASE: 2,
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, clamped to the end of a shorter month
    (2025-12-31 + 2 months = 2026-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def audit_due_date(documents_complete_on: datetime.date) -> datetime.date:
    return add_months(documents_complete_on, AUDIT_MONTHS)


def filing_due_date(changed_on: datetime.date) -> datetime.date:
    return add_working_days(changed_on, FILING_WORKING_DAYS)


# --- Appraisers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    explanation: str


def eligibility(appraiser: Appraiser) -> Eligibility:
    """Whether the appraiser meets the Measures' education-or-experience rule, and why."""
    if appraiser.degree in QUALIFYING_DEGREES and appraiser.degree_field in QUALIFYING_FIELDS:
        return Eligibility(
            True,
            _("Eligible: %(degree)s in %(field)s.")
            % {
                "degree": appraiser.get_degree_display(),
                "field": appraiser.get_degree_field_display(),
            },
        )
    if appraiser.total_years > MIN_EXPERIENCE_YEARS:
        return Eligibility(
            True,
            _(
                "Eligible: %(years)s years in asset appraisal, patent management or patent "
                "agency (more than two)."
            )
            % {"years": appraiser.total_years},
        )
    return Eligibility(
        False,
        _(
            "Not eligible: the Interim Measures for the Administration of Patent Asset "
            "Evaluation require a bachelor's degree or above in finance, accounting, economics "
            "or engineering, or more than two years in asset appraisal, patent management or "
            "patent agency."
        ),
    )


def required_certificate(institution: AppraisalInstitution) -> str:
    """Full-time institutions' staff hold the examination certificate; others the training one."""
    if institution.kind == InstitutionKind.FULL_TIME:
        return CertificateKind.EXAMINATION
    return CertificateKind.TRAINING


def holds_required_certificate(appraiser: Appraiser, institution: AppraisalInstitution) -> bool:
    if not appraiser.certificate_no:
        return False
    needed = required_certificate(institution)
    # The examination certificate is the stronger one and also satisfies the training rule.
    return appraiser.certificate_kind in (needed, CertificateKind.EXAMINATION)


def is_qualified(appraiser: Appraiser, institution: AppraisalInstitution) -> bool:
    """Eligible, active, and holding the certificate the institution's kind requires."""
    return (
        appraiser.is_active
        and eligibility(appraiser).eligible
        and holds_required_certificate(appraiser, institution)
    )


def signing_refusal(appraiser: Appraiser, institution: AppraisalInstitution) -> str | None:
    """Why the appraiser may not sign this institution's report, or None if they may."""
    if appraiser.institution_id != institution.pk or not appraiser.is_active:
        return _("%(name)s does not belong to this institution.") % {"name": appraiser.name}
    verdict = eligibility(appraiser)
    if not verdict.eligible:
        return _("%(name)s may not sign: %(reason)s") % {
            "name": appraiser.name,
            "reason": verdict.explanation,
        }
    if not holds_required_certificate(appraiser, institution):
        return _("%(name)s may not sign: no %(certificate)s is recorded.") % {
            "name": appraiser.name,
            "certificate": CertificateKind(required_certificate(institution)).label.lower(),
        }
    return None


def training_due_on(appraiser: Appraiser, last_training: datetime.date | None) -> datetime.date:
    """Regular training falls due a year after the last course (or after joining)."""
    return add_months(last_training or appraiser.joined_on, TRAINING_INTERVAL_MONTHS)


def training_reminder(
    appraiser: Appraiser, last_training: datetime.date | None, today: datetime.date
) -> str | None:
    due = training_due_on(appraiser, last_training)
    if today > due:
        return _("Regular training was due on %(date)s (one course a year).") % {"date": due}
    if (due - today).days <= TRAINING_REMINDER_DAYS:
        return _("Regular training is due by %(date)s (one course a year).") % {"date": due}
    return None


# --- Institutions -------------------------------------------------------------------------


def staffing_warning(
    institution: AppraisalInstitution, appraisers: Iterable[Appraiser]
) -> str | None:
    """The staffing rule for the institution's kind, as a warning if it is not met."""
    qualified = [a for a in appraisers if is_qualified(a, institution)]
    if institution.kind == InstitutionKind.FULL_TIME:
        count = sum(1 for a in qualified if a.employment == Employment.FULL_TIME)
        if count < 3:
            return _(
                "A full-time patent asset appraisal institution needs at least 3 full-time "
                "qualified staff; it has %(count)s (Interim Measures for the Administration of "
                "Patent Asset Evaluation)."
            ) % {"count": count}
        return None
    if len(qualified) < 2:
        return _(
            "An appraisal institution doing patent asset work needs at least 2 full-time or "
            "part-time qualified staff; it has %(count)s (Interim Measures for the "
            "Administration of Patent Asset Evaluation)."
        ) % {"count": len(qualified)}
    return None


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    required: int
    uploaded: int

    @property
    def complete(self) -> bool:
        return self.uploaded >= self.required


def checklist(document_kinds: Iterable[str]) -> list[ChecklistItem]:
    counts = Counter(document_kinds)
    return [
        ChecklistItem(
            kind=kind.value,
            label=str(kind.label),
            required=REQUIRED_DOCUMENTS.get(kind, 0),
            uploaded=counts.get(kind, 0),
        )
        for kind in DocumentKind
    ]


def missing_documents(document_kinds: Iterable[str]) -> list[ChecklistItem]:
    return [item for item in checklist(document_kinds) if not item.complete]
