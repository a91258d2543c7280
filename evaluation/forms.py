"""HTML input validation only; the rules live in evaluation/rules.py and services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.validators import max_length_of
from accounts.widgets import DatePicker
from evaluation.models import (
    AppraisalInstitution,
    Appraiser,
    DocumentKind,
    Filing,
    Inspection,
    InspectionResult,
    InstitutionStatus,
    ValuationMethod,
    ValuationPurpose,
)
from patents.models import Patent

DATE = DatePicker()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = AppraisalInstitution
        fields = ["kind", "domicile", "legal_representative", "under_state_council"]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Return to the applicant"))],
        coerce=lambda value: value == "1",
    )
    certificate_no = forms.CharField(
        label=_("Qualification certificate number"), max_length=64, required=False
    )
    certificate_date = forms.DateField(
        label=_("Qualification certificate date"), required=False, widget=DATE
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=max_length_of(AppraisalInstitution, "decision_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StandingForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (InstitutionStatus.SUSPENDED, InstitutionStatus.SUSPENDED.label),
            (InstitutionStatus.QUALIFIED, _("Reinstate (qualified)")),
            (InstitutionStatus.TERMINATED, InstitutionStatus.TERMINATED.label),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=max_length_of(AppraisalInstitution, "status_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InspectionForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=max_length_of(Inspection, "notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DetailsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    domicile = forms.CharField(label=_("Domicile"), max_length=300)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    changed_on = forms.DateField(
        label=_("Date of the change"),
        widget=DATE,
        help_text=_(
            "A filing is due within 30 working days of the change (Interim Measures for the "
            "Administration of Patent Asset Evaluation)."
        ),
    )


class AppraiserForm(forms.ModelForm):
    class Meta:
        model = Appraiser
        fields = [
            "name",
            "employment",
            "degree",
            "degree_field",
            "years_asset_appraisal",
            "years_patent_management",
            "years_patent_agency",
            "certificate_kind",
            "certificate_no",
            "certificate_date",
            "registration_no",
            "joined_on",
        ]
        widgets = {"certificate_date": DATE, "joined_on": DATE}
        help_texts = {
            "degree": _(
                "Eligible with a bachelor's degree or above in finance, accounting, economics or "
                "engineering, or more than two years in asset appraisal, patent management or "
                "patent agency (Interim Measures for the Administration of Patent Asset "
                "Evaluation)."
            ),
            "certificate_kind": _(
                "Staff of a full-time institution hold the examination certificate; staff of "
                "other institutions the training certificate."
            ),
        }


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)


class TrainingForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    title = forms.CharField(label=_("Course"), max_length=200)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=1000, initial=8)


class FilingForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)
    document = forms.FileField(label=_("Filing documents"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=max_length_of(Filing, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ValuationForm(forms.Form):
    patents = forms.ModelMultipleChoiceField(
        label=_("Patents"), queryset=Patent.objects.none(), required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ValuationPurpose.choices)
    method = forms.ChoiceField(label=_("Method"), choices=ValuationMethod.choices)
    value = forms.DecimalField(label=_("Value (yuan)"), max_digits=16, decimal_places=2)
    value_date = forms.DateField(label=_("Value date"), widget=DATE)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for one year from the value date."),
    )
    report_no = forms.CharField(label=_("Report number"), max_length=64)
    appraisers = forms.ModelMultipleChoiceField(
        label=_("Signing appraisers"),
        queryset=Appraiser.objects.none(),
        required=False,
        help_text=_("At least one, ideally two, eligible appraisers of this institution."),
    )
    report = forms.FileField(label=_("Report file"), required=False)

    def __init__(
        self,
        *args: Any,
        patents: QuerySet[Patent],
        appraisers: QuerySet[Appraiser],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patents"].queryset = patents  # type: ignore[attr-defined]
        self.fields["appraisers"].queryset = appraisers  # type: ignore[attr-defined]
