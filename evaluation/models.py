"""Patent asset appraisal: institutions, their qualification, appraisers, filings and valuations.

The rules come from the national Interim Measures for the Administration of Patent Asset
Evaluation (专利资产评估管理暂行办法); `evaluation/rules.py` computes them, services enforce them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluation.validators import (
    YEARS_OF_EXPERIENCE,
    not_in_future,
    years_of_experience_in_range,
)

MEASURES = _("Interim Measures for the Administration of Patent Asset Evaluation")


class InstitutionKind(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time patent asset appraisal institution")
    OTHER = "other", _("Other appraisal institution doing patent asset work")


class InstitutionStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")
    UNDER_AUDIT = "under_audit", _("Under audit")
    QUALIFIED = "qualified", _("Qualified")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


#: A decision's note, the reason for a suspension or termination, a filing's note: a few
#: sentences (the forms and the services read the limit from the fields).
EVALUATION_NOTE_MAX_LENGTH = 500
#: An annual inspection's notes may list what must be rectified, item by item.
INSPECTION_NOTES_MAX_LENGTH = 2000


class AppraisalInstitution(models.Model):
    """The appraisal profile of an organisation of kind `appraisal_institution`."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="appraisal_profile",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InstitutionKind.choices)
    domicile = models.CharField(_("domicile"), max_length=300)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    under_state_council = models.BooleanField(
        _("under a State Council department"),
        default=False,
        help_text=_(
            "Institutions under State Council departments apply to the national level; all "
            "others to the patent administration of their province."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.APPLYING,
        db_index=True,
    )
    certificate_no = models.CharField(
        _("qualification certificate number"), max_length=64, blank=True
    )
    certificate_date = models.DateField(
        _("qualification certificate date"), null=True, blank=True, validators=[not_in_future]
    )
    documents_complete_on = models.DateField(
        _("application documents complete on"), null=True, blank=True
    )
    decided_on = models.DateField(_("audit decided on"), null=True, blank=True)
    decision_note = models.TextField(
        _("decision note"), max_length=EVALUATION_NOTE_MAX_LENGTH, blank=True
    )
    status_note = models.TextField(
        _("reason for suspension or termination"),
        max_length=EVALUATION_NOTE_MAX_LENGTH,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("appraisal institution")
        verbose_name_plural = _("appraisal institutions")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def audit_due_on(self) -> datetime.date | None:
        from evaluation.rules import audit_due_date

        if self.documents_complete_on is None:
            return None
        return audit_due_date(self.documents_complete_on)

    def audit_overdue(self, today: datetime.date) -> bool:
        due = self.audit_due_on
        return self.status == InstitutionStatus.UNDER_AUDIT and due is not None and today > due


class DocumentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Application form")
    ARTICLES = "articles", _("Articles of association")
    STAFF_LIST = (
        "staff_list",
        _("List of full-time staff with their qualification and training certificates"),
    )
    LEGAL_REP_RESUME = "legal_rep_resume", _("Résumé of the legal representative")
    SIMULATED_CASE = "simulated_case", _("Simulated patent asset evaluation case")
    OTHER = "other", _("Other materials")


class ApplicationDocument(models.Model):
    institution = models.ForeignKey(
        AppraisalInstitution, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="evaluation/applications/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {(self.file.name or '').rsplit('/', 1)[-1]}"


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")


class Degree(models.TextChoices):
    NONE = "none", _("Below bachelor's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctoral degree")


class DegreeField(models.TextChoices):
    FINANCE = "finance", _("Finance")
    ACCOUNTING = "accounting", _("Accounting")
    ECONOMICS = "economics", _("Economics")
    ENGINEERING = "engineering", _("Engineering")
    LAW = "law", _("Law")
    SCIENCE = "science", _("Natural sciences")
    OTHER = "other", _("Other")


class CertificateKind(models.TextChoices):
    EXAMINATION = "examination", _("Examination certificate")
    TRAINING = "training", _("Training certificate")


#: An appraiser's years of experience, one field per line of work.
YEARS_OF_EXPERIENCE_FIELDS = (
    "years_asset_appraisal",
    "years_patent_management",
    "years_patent_agency",
)


class Appraiser(models.Model):
    institution = models.ForeignKey(
        AppraisalInstitution, on_delete=models.PROTECT, related_name="appraisers"
    )
    name = models.CharField(_("name"), max_length=100)
    employment = models.CharField(
        _("employment"), max_length=16, choices=Employment.choices, default=Employment.FULL_TIME
    )
    degree = models.CharField(_("degree"), max_length=16, choices=Degree.choices)
    degree_field = models.CharField(_("field of study"), max_length=16, choices=DegreeField.choices)
    years_asset_appraisal = models.DecimalField(
        _("years in asset appraisal"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=YEARS_OF_EXPERIENCE,
    )
    years_patent_management = models.DecimalField(
        _("years in patent management"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=YEARS_OF_EXPERIENCE,
    )
    years_patent_agency = models.DecimalField(
        _("years in patent agency"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=YEARS_OF_EXPERIENCE,
    )
    certificate_kind = models.CharField(
        _("certificate"), max_length=16, choices=CertificateKind.choices, blank=True
    )
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    certificate_date = models.DateField(
        _("certificate date"), null=True, blank=True, validators=[not_in_future]
    )
    registration_no = models.CharField(_("registration (filing) number"), max_length=64, blank=True)
    joined_on = models.DateField(
        _("joined on"), default=datetime.date.today, validators=[not_in_future]
    )
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[not_in_future])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution", "name"]
        verbose_name = _("appraiser")
        verbose_name_plural = _("appraisers")
        constraints = [
            models.CheckConstraint(
                condition=years_of_experience_in_range(field), name=f"appraiser_{field}_in_range"
            )
            for field in YEARS_OF_EXPERIENCE_FIELDS
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def total_years(self) -> Decimal:
        return self.years_asset_appraisal + self.years_patent_management + self.years_patent_agency


class TrainingRecord(models.Model):
    appraiser = models.ForeignKey(Appraiser, on_delete=models.CASCADE, related_name="trainings")
    completed_on = models.DateField(_("completed on"), validators=[not_in_future])
    title = models.CharField(_("course"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("hours"), default=8)

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.completed_on} {self.title}"


class FilingReason(models.TextChoices):
    QUALIFICATION_OBTAINED = "qualification_obtained", _("Qualification obtained")
    QUALIFICATION_TERMINATED = "qualification_terminated", _("Qualification terminated")
    NAME_CHANGED = "name_changed", _("Name changed")
    DOMICILE_CHANGED = "domicile_changed", _("Domicile changed")
    LEGAL_REP_CHANGED = "legal_rep_changed", _("Legal representative changed")
    STAFF_CHANGED = "staff_changed", _("Qualified staff changed")


class Filing(models.Model):
    """A filing with the supervising authority, due 30 working days after a change."""

    institution = models.ForeignKey(
        AppraisalInstitution, on_delete=models.CASCADE, related_name="filings"
    )
    reason = models.CharField(_("reason"), max_length=32, choices=FilingReason.choices)
    detail = models.CharField(_("change"), max_length=300, blank=True)
    changed_on = models.DateField(_("change date"), validators=[not_in_future])
    due_on = models.DateField(_("filing due"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True, validators=[not_in_future])
    document = models.FileField(
        _("filing documents"), upload_to="evaluation/filings/%Y/%m/", blank=True
    )
    note = models.TextField(_("note"), max_length=EVALUATION_NOTE_MAX_LENGTH, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set once by the daily task when the overdue flag was raised with institution and bureau.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "due_on", "-id"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        indexes = [models.Index(fields=["filed_on", "due_on"], name="filing_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.changed_on}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.filed_on is None and today > self.due_on


#: Open filings past their due date, as a query (mirrors Filing.is_overdue).
def overdue_filings_q(today: datetime.date) -> Q:
    return Q(filed_on__isnull=True, due_on__lt=today)


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    RECTIFY = "rectify", _("Passed with rectification required")
    FAILED = "failed", _("Failed")


class Inspection(models.Model):
    institution = models.ForeignKey(
        AppraisalInstitution, on_delete=models.CASCADE, related_name="inspections"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=16, choices=InspectionResult.choices)
    notes = models.TextField(_("notes"), max_length=INSPECTION_NOTES_MAX_LENGTH, blank=True)
    inspected_on = models.DateField(_("inspected on"), validators=[not_in_future])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-inspected_on"]
        verbose_name = _("annual inspection")
        verbose_name_plural = _("annual inspections")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="one_inspection_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_result_display()}"


class ValuationPurpose(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    INVESTMENT = "investment", _("Investment (equity)")
    PLEDGE = "pledge", _("Pledge financing")
    OTHER = "other", _("Other")


class ValuationMethod(models.TextChoices):
    INCOME = "income", _("Income approach")
    MARKET = "market", _("Market approach")
    COST = "cost", _("Cost approach")


class Valuation(models.Model):
    institution = models.ForeignKey(
        AppraisalInstitution, on_delete=models.PROTECT, related_name="valuations"
    )
    patents = models.ManyToManyField(
        "patents.Patent", related_name="valuations", verbose_name=_("patents")
    )
    appraisers = models.ManyToManyField(
        Appraiser, related_name="valuations", verbose_name=_("signing appraisers")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ValuationPurpose.choices)
    method = models.CharField(_("method"), max_length=16, choices=ValuationMethod.choices)
    value = models.DecimalField(_("value (yuan)"), max_digits=16, decimal_places=2)
    value_date = models.DateField(_("value date"))
    valid_until = models.DateField(_("valid until"))
    report_no = models.CharField(_("report number"), max_length=64)
    report = models.FileField(_("report file"), upload_to="evaluation/reports/%Y/%m/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-value_date", "-id"]
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "report_no"], name="one_report_number_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("value_date")),
                name="valuation_valid_after_value_date",
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="valuation_value_positive"),
        ]

    def __str__(self) -> str:
        return self.report_no

    def is_valid_on(self, today: datetime.date) -> bool:
        return self.value_date <= today <= self.valid_until
