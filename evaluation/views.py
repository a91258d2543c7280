"""HTML views: validate, call one service or selector, render or redirect.

Objects are fetched through the scoped selectors (out of scope → 404); a user who may see a record
but whose organisation may not change it gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.forms import BaseForm, Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgKind, User
from evaluation import forms, rules, selectors, services
from evaluation.models import AppraisalInstitution, Filing, overdue_filings_q
from patents.models import Patent

SUPERVISOR_KINDS = frozenset({OrgKind.IP_BUREAU, OrgKind.NATIONAL_ADMIN})


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_supervisor_kind(user: User) -> bool:
    return user.is_national or user.org_kind in SUPERVISOR_KINDS


def _institution_or_403(user: User) -> AppraisalInstitution:
    """The user's own appraisal profile; 403 for other kinds, registration if none yet."""
    if user.org_kind != OrgKind.APPRAISAL_INSTITUTION:
        raise PermissionDenied
    institution = selectors.own_institution(user)
    if institution is None:
        raise PermissionDenied(_("Register your institution's appraisal profile first."))
    return institution


def _apply(form: BaseForm, call: Callable[[], Any]) -> Any:
    """Run a service; put its ValidationError on the form (field errors where they belong)."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def _download(field_file: Any) -> FileResponse:
    name = field_file.name.rsplit("/", 1)[-1]
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=name)


# --- Institutions -------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.org_kind != OrgKind.APPRAISAL_INSTITUTION:
        raise PermissionDenied
    institution = selectors.own_institution(user)
    if institution is not None:
        return redirect("evaluation:institution_detail", pk=institution.pk)
    form = forms.ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        institution = _apply(
            form,
            lambda: services.register_institution(
                organisation=user.organisation,  # type: ignore[arg-type]
                by=user,
                **form.cleaned_data,
            ),
        )
        if institution is not None:
            messages.success(request, _("Profile created. Upload the application documents."))
            return redirect("evaluation:institution_detail", pk=institution.pk)
    return render(request, "evaluation/register.html", {"form": form})


@login_required
def institutions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _is_supervisor_kind(user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.institutions_for(user).annotate(
        overdue_filings=Count("filings", filter=overdue_filings_q_for_join(today))
    )
    return render(request, "evaluation/institutions.html", {"institutions": rows, "today": today})


def overdue_filings_q_for_join(today: Any) -> Q:
    return Q(filings__filed_on__isnull=True, filings__due_on__lt=today)


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    institution = get_object_or_404(selectors.institutions_for(user), pk=pk)
    return render(request, "evaluation/institution_detail.html", _detail_context(user, institution))


def _detail_context(user: User, institution: AppraisalInstitution, **forms_: Form) -> dict:
    today = timezone.localdate()
    documents = list(institution.documents.all())
    appraisers = list(institution.appraisers.filter(left_on__isnull=True))
    filings = list(institution.filings.order_by("filed_on", "due_on"))
    context: dict[str, Any] = {
        "institution": institution,
        "today": today,
        "documents": documents,
        "checklist": rules.checklist(d.kind for d in documents),
        "appraisers": appraisers,
        "staffing_warning": rules.staffing_warning(institution, appraisers),
        "filings": filings,
        "overdue_filings": [f for f in filings if f.is_overdue(today)],
        "inspections": institution.inspections.all(),
        "valuations": institution.valuations.prefetch_related("patents")[:20],
        "is_member": services.is_member(user, institution),
        "is_supervisor": services.is_supervisor(user, institution),
        "standing_refusal": services.standing_refusal(institution),
        "document_form": forms.DocumentForm(),
        "decision_form": forms.DecisionForm(),
        "standing_form": forms.StandingForm(),
        "inspection_form": forms.InspectionForm(
            initial={"year": today.year, "inspected_on": today}
        ),
    }
    context.update(forms_)
    return context


def _member_institution(request: HttpRequest, pk: int) -> tuple[User, AppraisalInstitution]:
    user = _user(request)
    institution = get_object_or_404(selectors.institutions_for(user), pk=pk)
    if not services.is_member(user, institution):
        raise PermissionDenied
    return user, institution


def _supervised_institution(request: HttpRequest, pk: int) -> tuple[User, AppraisalInstitution]:
    user = _user(request)
    institution = get_object_or_404(selectors.institutions_for(user), pk=pk)
    if not services.is_supervisor(user, institution):
        raise PermissionDenied
    return user, institution


def _rerender(
    request: HttpRequest, user: User, institution: AppraisalInstitution, **f: Form
) -> HttpResponse:
    context = _detail_context(user, institution, **f)
    return render(request, "evaluation/institution_detail.html", context, status=400)


@login_required
@require_POST
def upload_document(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _member_institution(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid() and _apply(
        form,
        lambda: services.upload_document(institution=institution, by=user, **form.cleaned_data),
    ):
        messages.success(request, _("Document uploaded."))
        return redirect("evaluation:institution_detail", pk=pk)
    return _rerender(request, user, institution, document_form=form)


@login_required
@require_POST
def submit_application(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _member_institution(request, pk)
    try:
        services.submit_application(institution=institution, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Application submitted to the supervising authority."))
    return redirect("evaluation:institution_detail", pk=pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _supervised_institution(request, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.decide_application(institution=institution, by=user, **form.cleaned_data),
    ):
        messages.success(request, _("Decision recorded."))
        return redirect("evaluation:institution_detail", pk=pk)
    return _rerender(request, user, institution, decision_form=form)


@login_required
@require_POST
def change_standing(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _supervised_institution(request, pk)
    form = forms.StandingForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.change_standing(institution=institution, by=user, **form.cleaned_data),
    ):
        messages.success(request, _("Status changed."))
        return redirect("evaluation:institution_detail", pk=pk)
    return _rerender(request, user, institution, standing_form=form)


@login_required
@require_POST
def record_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _supervised_institution(request, pk)
    form = forms.InspectionForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.record_inspection(institution=institution, by=user, **form.cleaned_data),
    ):
        messages.success(request, _("Annual inspection recorded."))
        return redirect("evaluation:institution_detail", pk=pk)
    return _rerender(request, user, institution, inspection_form=form)


@login_required
def edit_details(request: HttpRequest, pk: int) -> HttpResponse:
    user, institution = _member_institution(request, pk)
    initial = {
        "name": institution.organisation.name,
        "domicile": institution.domicile,
        "legal_representative": institution.legal_representative,
        "changed_on": timezone.localdate(),
    }
    form = forms.DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        filings = _apply(
            form,
            lambda: services.change_details(institution=institution, by=user, **form.cleaned_data),
        )
        if filings is not None:
            if filings:
                messages.warning(
                    request,
                    _("Change recorded. File it by %(date)s (30 working days).")
                    % {"date": filings[0].due_on},
                )
            return redirect("evaluation:institution_detail", pk=pk)
    return render(
        request, "evaluation/details_form.html", {"form": form, "institution": institution}
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(selectors.documents_for(_user(request)), pk=pk)
    return _download(document.file)


# --- Appraisers ---------------------------------------------------------------------------


@login_required
def appraisers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.org_kind != OrgKind.APPRAISAL_INSTITUTION and not _is_supervisor_kind(user):
        raise PermissionDenied
    rows = selectors.appraisers_for(user).annotate(last_training=Max("trainings__completed_on"))
    today = timezone.localdate()
    people = [
        {
            "appraiser": a,
            "eligibility": rules.eligibility(a),
            "qualified": rules.is_qualified(a, a.institution),
            "reminder": rules.training_reminder(a, a.last_training, today) if a.is_active else None,
        }
        for a in rows
    ]
    institution = selectors.own_institution(user)
    warning = (
        rules.staffing_warning(institution, institution.appraisers.filter(left_on__isnull=True))
        if institution
        else None
    )
    context = {"people": people, "institution": institution, "staffing_warning": warning}
    return render(request, "evaluation/appraisers.html", context)


@login_required
def appraiser_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    institution = _institution_or_403(user)
    form = forms.AppraiserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        appraiser = _apply(
            form, lambda: services.add_appraiser(institution=institution, by=user, **fields)
        )
        if appraiser is not None:
            _report_staffing(request, institution, appraiser.name)
            return redirect("evaluation:appraisers")
    return render(
        request, "evaluation/appraiser_form.html", {"form": form, "institution": institution}
    )


def _report_staffing(request: HttpRequest, institution: AppraisalInstitution, name: str) -> None:
    """Staff changed: check the staffing rule again and say where it stands."""
    messages.success(request, _("Staff updated: %(name)s.") % {"name": name})
    warning = rules.staffing_warning(
        institution, institution.appraisers.filter(left_on__isnull=True)
    )
    if warning:
        messages.warning(request, warning)
    else:
        messages.info(request, _("The staffing rule of the Measures is met."))


@login_required
def appraiser_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    appraiser = get_object_or_404(selectors.appraisers_for(user), pk=pk)
    is_member = services.is_member(user, appraiser.institution)
    training_form = forms.TrainingForm(request.POST if "training" in request.POST else None)
    leave_form = forms.LeaveForm(request.POST if "leave" in request.POST else None)
    if request.method == "POST":
        if not is_member:
            raise PermissionDenied
        if (
            "training" in request.POST
            and training_form.is_valid()
            and _apply(
                training_form,
                lambda: services.record_training(
                    appraiser=appraiser, by=user, **training_form.cleaned_data
                ),
            )
        ):
            messages.success(request, _("Training recorded."))
            return redirect("evaluation:appraiser_detail", pk=pk)
        if (
            "leave" in request.POST
            and leave_form.is_valid()
            and _apply(
                leave_form,
                lambda: services.appraiser_leaves(
                    appraiser=appraiser, by=user, **leave_form.cleaned_data
                ),
            )
        ):
            _report_staffing(request, appraiser.institution, appraiser.name)
            return redirect("evaluation:appraisers")
    trainings = list(appraiser.trainings.all())
    last = trainings[0].completed_on if trainings else None
    today = timezone.localdate()
    context = {
        "appraiser": appraiser,
        "eligibility": rules.eligibility(appraiser),
        "qualified": rules.is_qualified(appraiser, appraiser.institution),
        "signing_refusal": rules.signing_refusal(appraiser, appraiser.institution),
        "trainings": trainings,
        "training_due": rules.training_due_on(appraiser, last),
        "reminder": rules.training_reminder(appraiser, last, today)
        if appraiser.is_active
        else None,
        "is_member": is_member,
        "training_form": training_form,
        "leave_form": leave_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/appraiser_detail.html", context, status=status)


# --- Filings ------------------------------------------------------------------------------


@login_required
def filings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.org_kind != OrgKind.APPRAISAL_INSTITUTION and not _is_supervisor_kind(user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.filings_for(user).order_by("filed_on", "due_on")
    overdue = rows.filter(overdue_filings_q(today)).count()
    context = {"filings": rows, "today": today, "overdue_count": overdue}
    return render(request, "evaluation/filings.html", context)


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    filing: Filing = get_object_or_404(selectors.filings_for(user), pk=pk)
    is_member = services.is_member(user, filing.institution)
    form = forms.FilingForm(
        request.POST or None, request.FILES or None, initial={"filed_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not is_member:
            raise PermissionDenied
        if form.is_valid() and _apply(
            form, lambda: services.submit_filing(filing=filing, by=user, **form.cleaned_data)
        ):
            messages.success(request, _("Filing made."))
            return redirect("evaluation:filings")
    context = {
        "filing": filing,
        "form": form,
        "is_member": is_member,
        "today": timezone.localdate(),
    }
    return render(
        request, "evaluation/filing_detail.html", context, status=400 if form.errors else 200
    )


@login_required
def filing_download(request: HttpRequest, pk: int) -> FileResponse:
    filing = get_object_or_404(selectors.filings_for(_user(request)).exclude(document=""), pk=pk)
    return _download(filing.document)


# --- Valuations ---------------------------------------------------------------------------


@login_required
def valuations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.org_kind != OrgKind.APPRAISAL_INSTITUTION and not _is_supervisor_kind(user):
        raise PermissionDenied
    rows = (
        selectors.reports_for(user)
        .select_related("institution__organisation")
        .prefetch_related("patents", "appraisers")
    )
    institution = selectors.own_institution(user)
    context = {
        "valuations": rows,
        "institution": institution,
        "standing_refusal": services.standing_refusal(institution) if institution else None,
    }
    return render(request, "evaluation/valuations.html", context)


@login_required
def valuation_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    institution = _institution_or_403(user)
    initial: dict[str, Any] = {"value_date": timezone.localdate()}
    if request.GET.get("patent", "").isdigit():
        initial["patents"] = [int(request.GET["patent"])]
    form = forms.ValuationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        patents=selectors.valuable_patents_for(user),
        appraisers=institution.appraisers.filter(left_on__isnull=True),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["patents"] = list(data["patents"])
        data["appraisers"] = list(data["appraisers"])
        valuation = _apply(
            form, lambda: services.record_valuation(institution=institution, by=user, **data)
        )
        if valuation is not None:
            messages.success(request, _("Valuation recorded."))
            return redirect("evaluation:valuation_detail", pk=valuation.pk)
    context = {
        "form": form,
        "institution": institution,
        "standing_refusal": services.standing_refusal(institution),
    }
    return render(
        request, "evaluation/valuation_form.html", context, status=400 if form.errors else 200
    )


@login_required
def valuation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    valuation = get_object_or_404(selectors.valuations_for(user), pk=pk)
    can_download = selectors.reports_for(user).filter(pk=pk).exists()
    context = {"valuation": valuation, "can_download": can_download, "today": timezone.localdate()}
    return render(request, "evaluation/valuation_detail.html", context)


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    valuation = get_object_or_404(selectors.reports_for(_user(request)), pk=pk)
    return _download(valuation.report)


@login_required
def patent_valuations(request: HttpRequest, patent_pk: int) -> HttpResponse:
    """The valuation side of a library patent: its current value, who made it, and history."""
    user = _user(request)
    patent: Patent = get_object_or_404(selectors.valuable_patents_for(user), pk=patent_pk)
    history = selectors.valuations_for(user).filter(patents=patent)
    context = {"patent": patent, "history": history, "today": timezone.localdate()}
    return render(request, "evaluation/patent_valuations.html", context)
