"""Writes of appraisal records. One function per use case; each checks who acts and the rules of
the Interim Measures for the Administration of Patent Asset Evaluation, and raises Django's
ValidationError (nothing written) or PermissionDenied.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as account_selectors
from accounts.models import Organisation, OrgKind, User
from accounts.text import join_list
from accounts.validators import too_long
from evaluation import rules, validators
from evaluation.models import (
    ApplicationDocument,
    AppraisalInstitution,
    Appraiser,
    Filing,
    FilingReason,
    Inspection,
    InspectionResult,
    InstitutionStatus,
    TrainingRecord,
    Valuation,
    overdue_filings_q,
)
from notifications.models import msgid_param
from notifications.services import notify
from patents.models import Patent
from patents.selectors import library_for

#: Statuses in which the supervising authority must be told of changes.
FILING_STATUSES = frozenset({InstitutionStatus.QUALIFIED, InstitutionStatus.SUSPENDED})


# --- Who may act --------------------------------------------------------------------------


def is_member(user: User, institution: AppraisalInstitution) -> bool:
    return user.is_authenticated and user.organisation_id == institution.organisation_id


def is_supervisor(user: User, institution: AppraisalInstitution) -> bool:
    """The supervising authority: the bureau of the institution's province, or the national
    level (which alone supervises institutions under State Council departments)."""
    if user.is_national:
        return True
    return (
        not institution.under_state_council
        and user.is_bureau
        and user.province_code == institution.organisation.province_id
    )


def _require_member(user: User, institution: AppraisalInstitution) -> None:
    if not is_member(user, institution):
        raise PermissionDenied(_("Only the institution's own staff may change its records."))


def _require_supervisor(user: User, institution: AppraisalInstitution) -> None:
    if not is_supervisor(user, institution):
        raise PermissionDenied(_("Only the institution's supervising authority may do this."))


def _locked(institution: AppraisalInstitution) -> AppraisalInstitution:
    # Status changes are read-then-write: lock the row so two decisions cannot interleave.
    return (
        AppraisalInstitution.objects.select_for_update()
        .select_related("organisation")
        .get(pk=institution.pk)
    )


def _refuse_future_dates(**dates: datetime.date | None) -> None:
    """ValidationError, field by field, for dates after today: call before writing anything."""
    errors: dict[str, list[str]] = {}
    for field, day in dates.items():
        if day is None:
            continue
        try:
            validators.not_in_future(day)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


def _open_filing(
    institution: AppraisalInstitution, reason: str, changed_on: datetime.date, detail: str = ""
) -> Filing:
    return Filing.objects.create(
        institution=institution,
        reason=reason,
        detail=detail[:300],
        changed_on=changed_on,
        due_on=rules.filing_due_date(changed_on),
    )


# --- Qualification ------------------------------------------------------------------------


def register_institution(
    *,
    organisation: Organisation,
    kind: str,
    domicile: str,
    legal_representative: str,
    under_state_council: bool,
    by: User,
) -> AppraisalInstitution:
    """Create the appraisal profile of the user's own appraisal organisation (status: applying)."""
    if by.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only the institution's own staff may change its records."))
    if organisation.kind != OrgKind.APPRAISAL_INSTITUTION:
        raise ValidationError(_("Only an appraisal institution can hold an appraisal profile."))
    if AppraisalInstitution.objects.filter(organisation=organisation).exists():
        raise ValidationError(_("This institution already has an appraisal profile."))
    return AppraisalInstitution.objects.create(
        organisation=organisation,
        kind=kind,
        domicile=domicile,
        legal_representative=legal_representative,
        under_state_council=under_state_council,
    )


def upload_document(
    *, institution: AppraisalInstitution, kind: str, file: File, by: User
) -> ApplicationDocument:
    _require_member(by, institution)
    if institution.status != InstitutionStatus.APPLYING:
        raise ValidationError(_("Documents can only be added while the application is open."))
    return ApplicationDocument.objects.create(
        institution=institution, kind=kind, file=file, uploaded_by=by
    )


@transaction.atomic
def submit_application(
    *, institution: AppraisalInstitution, by: User, today: datetime.date | None = None
) -> AppraisalInstitution:
    """Send a complete application to the supervising authority; the two-month audit clock
    starts on the day the documents are complete."""
    _require_member(by, institution)
    institution = _locked(institution)
    if institution.status != InstitutionStatus.APPLYING:
        raise ValidationError(_("This application has already been submitted."))
    missing = rules.missing_documents(institution.documents.values_list("kind", flat=True))
    if missing:
        raise ValidationError(
            _(
                "The application is incomplete. Still needed, as the Interim Measures for the "
                "Administration of Patent Asset Evaluation list: %(missing)s."
            )
            % {
                "missing": join_list(
                    f"{item.label} ({item.uploaded}/{item.required})" for item in missing
                )
            }
        )
    institution.status = InstitutionStatus.UNDER_AUDIT
    institution.documents_complete_on = today or timezone.localdate()
    institution.decision_note = ""
    institution.save(
        update_fields=["status", "documents_complete_on", "decision_note", "updated_at"]
    )
    return institution


@transaction.atomic
def decide_application(
    *,
    institution: AppraisalInstitution,
    approve: bool,
    certificate_no: str,
    certificate_date: datetime.date | None,
    note: str,
    by: User,
) -> AppraisalInstitution:
    """Approve (qualified, certificate recorded, a filing falls due) or return the application."""
    _require_supervisor(by, institution)
    if error := too_long(AppraisalInstitution, "decision_note", note):
        raise ValidationError({"note": error})
    institution = _locked(institution)
    if institution.status != InstitutionStatus.UNDER_AUDIT:
        raise ValidationError(_("Only an application under audit can be decided."))
    institution.decided_on = timezone.localdate()
    institution.decision_note = note
    if approve:
        if not certificate_no or certificate_date is None:
            raise ValidationError(
                {"certificate_no": _("Enter the qualification certificate number and date.")}
            )
        _refuse_future_dates(certificate_date=certificate_date)
        institution.status = InstitutionStatus.QUALIFIED
        institution.certificate_no = certificate_no
        institution.certificate_date = certificate_date
        _open_filing(institution, FilingReason.QUALIFICATION_OBTAINED, certificate_date)
    else:
        if not note:
            raise ValidationError({"note": _("Say why the application is returned.")})
        institution.status = InstitutionStatus.APPLYING
        institution.documents_complete_on = None
    institution.save()
    return institution


@transaction.atomic
def change_standing(
    *,
    institution: AppraisalInstitution,
    status: str,
    reason: str,
    by: User,
    today: datetime.date | None = None,
) -> AppraisalInstitution:
    """Suspend, reinstate or terminate a qualified institution (supervising authority only)."""
    _require_supervisor(by, institution)
    if error := too_long(AppraisalInstitution, "status_note", reason):
        raise ValidationError({"reason": error})
    institution = _locked(institution)
    allowed: dict[str, set[str]] = {
        InstitutionStatus.SUSPENDED: {InstitutionStatus.QUALIFIED},
        InstitutionStatus.QUALIFIED: {InstitutionStatus.SUSPENDED},
        InstitutionStatus.TERMINATED: {InstitutionStatus.QUALIFIED, InstitutionStatus.SUSPENDED},
    }
    if institution.status not in allowed.get(status, set()):
        raise ValidationError(
            _("An institution that is %(current)s cannot become %(target)s.")
            % {
                "current": institution.get_status_display().lower(),
                "target": InstitutionStatus(status).label.lower(),
            }
        )
    if status != InstitutionStatus.QUALIFIED and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    institution.status = status
    institution.status_note = reason
    institution.save(update_fields=["status", "status_note", "updated_at"])
    if status == InstitutionStatus.TERMINATED:
        _open_filing(
            institution, FilingReason.QUALIFICATION_TERMINATED, today or timezone.localdate()
        )
    return institution


@transaction.atomic
def change_details(
    *,
    institution: AppraisalInstitution,
    name: str,
    domicile: str,
    legal_representative: str,
    changed_on: datetime.date,
    by: User,
) -> list[Filing]:
    """Record a change of name, domicile or legal representative; a qualified institution owes
    one filing per change within 30 working days. A change dated after today is refused: its
    filing would fall due only 30 working days after that day."""
    _require_member(by, institution)
    _refuse_future_dates(changed_on=changed_on)
    institution = _locked(institution)
    organisation = institution.organisation
    changes: list[tuple[str, str, str]] = []
    if name != organisation.name:
        changes.append((FilingReason.NAME_CHANGED, organisation.name, name))
        organisation.name = name
        organisation.save(update_fields=["name"])
    if domicile != institution.domicile:
        changes.append((FilingReason.DOMICILE_CHANGED, institution.domicile, domicile))
    if legal_representative != institution.legal_representative:
        changes.append(
            (FilingReason.LEGAL_REP_CHANGED, institution.legal_representative, legal_representative)
        )
    if not changes:
        raise ValidationError(_("Nothing has changed."))
    institution.domicile = domicile
    institution.legal_representative = legal_representative
    institution.save(update_fields=["domicile", "legal_representative", "updated_at"])
    if institution.status not in FILING_STATUSES:
        return []
    return [
        _open_filing(institution, reason, changed_on, f"{old} → {new}")
        for reason, old, new in changes
    ]


# --- Appraisers ---------------------------------------------------------------------------


@transaction.atomic
def add_appraiser(*, institution: AppraisalInstitution, by: User, **fields: Any) -> Appraiser:
    """Add a staff member; if they count as qualified staff, a staff-change filing falls due.

    The model's rules are checked first (ValidationError, nothing written): no joining or
    certificate date after today, no negative or implausible years of experience."""
    _require_member(by, institution)
    appraiser = Appraiser(institution=institution, **fields)
    appraiser.full_clean()
    appraiser.save()
    if institution.status in FILING_STATUSES and rules.is_qualified(appraiser, institution):
        _open_filing(
            institution,
            FilingReason.STAFF_CHANGED,
            appraiser.joined_on,
            _("%(name)s joined") % {"name": appraiser.name},
        )
    return appraiser


@transaction.atomic
def appraiser_leaves(*, appraiser: Appraiser, left_on: datetime.date, by: User) -> Appraiser:
    institution = appraiser.institution
    _require_member(by, institution)
    appraiser = Appraiser.objects.select_for_update().get(pk=appraiser.pk)
    if appraiser.left_on is not None:
        raise ValidationError(_("This appraiser has already left."))
    _refuse_future_dates(left_on=left_on)
    if left_on < appraiser.joined_on:
        raise ValidationError({"left_on": _("The leaving date is before the joining date.")})
    was_qualified = rules.is_qualified(appraiser, institution)
    appraiser.left_on = left_on
    appraiser.save(update_fields=["left_on"])
    if institution.status in FILING_STATUSES and was_qualified:
        _open_filing(
            institution,
            FilingReason.STAFF_CHANGED,
            left_on,
            _("%(name)s left") % {"name": appraiser.name},
        )
    return appraiser


def record_training(
    *, appraiser: Appraiser, completed_on: datetime.date, title: str, hours: int, by: User
) -> TrainingRecord:
    _require_member(by, appraiser.institution)
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The course cannot end in the future.")})
    return TrainingRecord.objects.create(
        appraiser=appraiser, completed_on=completed_on, title=title, hours=hours
    )


# --- Filings and inspections --------------------------------------------------------------


@transaction.atomic
def submit_filing(
    *, filing: Filing, document: File | None, filed_on: datetime.date, note: str, by: User
) -> Filing:
    _require_member(by, filing.institution)
    if error := too_long(Filing, "note", note):
        raise ValidationError({"note": error})
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.filed_on is not None:
        raise ValidationError(_("This filing has already been made."))
    _refuse_future_dates(filed_on=filed_on)
    if document is None:
        raise ValidationError({"document": _("Attach the filing documents.")})
    if filed_on < filing.changed_on:
        raise ValidationError({"filed_on": _("A filing cannot precede the change it reports.")})
    filing.document = document  # type: ignore[assignment]
    filing.filed_on = filed_on
    filing.note = note
    filing.filed_by = by
    filing.save()
    return filing


def flag_overdue_filings(*, today: datetime.date) -> list[int]:
    """Flag each newly overdue filing once, to the institution's staff and its supervising
    authority, and return the ids flagged. The claim is a compare-and-set update in the same
    transaction as the notification, so two runs (or two workers) never flag a filing twice."""
    flagged: list[int] = []
    candidates = Filing.objects.filter(overdue_filings_q(today), overdue_flagged_at__isnull=True)
    for filing_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Filing.objects.filter(pk=filing_id, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=timezone.now()
            )
            if claimed:
                filing = Filing.objects.select_related("institution__organisation").get(
                    pk=filing_id
                )
                _notify_overdue(filing)
                flagged.append(filing_id)
    return flagged


def _supervisors_of(institution: AppraisalInstitution) -> list[User]:
    if institution.under_state_council:
        authority = Organisation.objects.filter(kind=OrgKind.NATIONAL_ADMIN).first()
    else:
        authority = account_selectors.bureau_of(institution.organisation.province_id)
    return list(account_selectors.staff_of(authority)) if authority else []


def _notify_overdue(filing: Filing) -> None:
    institution = filing.institution
    recipients = [
        *account_selectors.staff_of(institution.organisation),
        *_supervisors_of(institution),
    ]
    notify(
        recipients=recipients,
        kind="evaluation.filing_overdue",
        event_key=f"evaluation-filing:{filing.pk}:overdue",
        title=gettext_noop("Filing overdue: %(institution)s"),
        body=gettext_noop(
            'The filing for "%(reason)s" was due on %(due)s (30 working days after the change, '
            "Interim Measures for the Administration of Patent Asset Evaluation)."
        ),
        params={
            "institution": institution.organisation.name,
            "reason": msgid_param(FilingReason(filing.reason).label),
            "due": filing.due_on.isoformat(),
        },
        link=reverse("evaluation:filing_detail", args=[filing.pk]),
    )


def record_inspection(
    *,
    institution: AppraisalInstitution,
    year: int,
    result: str,
    notes: str,
    inspected_on: datetime.date,
    by: User,
) -> Inspection:
    _require_supervisor(by, institution)
    if error := too_long(Inspection, "notes", notes):
        raise ValidationError({"notes": error})
    if institution.status not in FILING_STATUSES:
        raise ValidationError(_("Only qualified or suspended institutions are inspected."))
    if Inspection.objects.filter(institution=institution, year=year).exists():
        raise ValidationError({"year": _("The inspection for this year is already recorded.")})
    if result != InspectionResult.PASSED and not notes:
        raise ValidationError({"notes": _("Explain what must be rectified or why it failed.")})
    _refuse_future_dates(inspected_on=inspected_on)
    return Inspection.objects.create(
        institution=institution,
        year=year,
        result=result,
        notes=notes,
        inspected_on=inspected_on,
        recorded_by=by,
    )


# --- Valuations ---------------------------------------------------------------------------


def standing_refusal(institution: AppraisalInstitution) -> str | None:
    """Why the institution may not record a valuation now, or None if it is in good standing."""
    if institution.status != InstitutionStatus.QUALIFIED:
        return _(
            "Only a qualified institution in good standing may record a valuation; this "
            "institution is %(status)s (Interim Measures for the Administration of Patent Asset "
            "Evaluation)."
        ) % {"status": institution.get_status_display().lower()}
    latest = institution.inspections.order_by("-year").first()
    if latest is not None and latest.result == InspectionResult.FAILED:
        return _(
            "Only a qualified institution in good standing may record a valuation; this "
            "institution failed its %(year)s annual inspection."
        ) % {"year": latest.year}
    return None


@transaction.atomic
def record_valuation(
    *,
    institution: AppraisalInstitution,
    patents: Sequence[Patent],
    appraisers: Sequence[Appraiser],
    purpose: str,
    method: str,
    value: Decimal,
    value_date: datetime.date,
    valid_until: datetime.date | None,
    report_no: str,
    report: File | None,
    by: User,
) -> Valuation:
    """Record a valuation report. Refused, with nothing written, unless the institution is in
    good standing, the patents are in the library and every signer may sign."""
    _require_member(by, institution)
    institution = _locked(institution)
    refusal = standing_refusal(institution)
    if refusal:
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    if not patents:
        errors.setdefault("patents", []).append(_("Choose at least one patent."))
    library_ids = set(
        library_for(by).filter(pk__in=[p.pk for p in patents]).values_list("pk", flat=True)
    )
    for patent in patents:
        if patent.pk not in library_ids:
            errors.setdefault("patents", []).append(
                _("%(number)s is not in the convertible patent library.")
                % {"number": patent.application_no}
            )
    if not appraisers:
        errors.setdefault("appraisers", []).append(
            _("At least one appraiser must sign the report.")
        )
    for appraiser in appraisers:
        reason = rules.signing_refusal(appraiser, institution)
        if reason:
            errors.setdefault("appraisers", []).append(reason)
    today = timezone.localdate()
    if value <= 0:
        errors.setdefault("value", []).append(_("The value must be more than zero."))
    if value_date > today:
        errors.setdefault("value_date", []).append(_("The value date cannot be in the future."))
    valid_until = valid_until or rules.add_months(value_date, rules.VALUATION_VALIDITY_MONTHS)
    if valid_until <= value_date:
        errors.setdefault("valid_until", []).append(
            _("The validity period must end after the value date.")
        )
    if Valuation.objects.filter(institution=institution, report_no=report_no).exists():
        errors.setdefault("report_no", []).append(_("This report number is already recorded."))
    if report is None:
        errors.setdefault("report", []).append(_("Attach the valuation report."))
    if errors:
        raise ValidationError(errors)
    valuation = Valuation.objects.create(
        institution=institution,
        purpose=purpose,
        method=method,
        value=value,
        value_date=value_date,
        valid_until=valid_until,
        report_no=report_no,
        report=report,
        created_by=by,
    )
    valuation.patents.set(patents)
    valuation.appraisers.set(appraisers)
    return valuation
