"""HTML pages of inventory uploads: the form, the job with its progress, the report, the list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from accounts.models import User
from patents.importing import messages
from patents.importing.selectors import import_jobs_for, row_errors_for, update_effects
from patents.models import ImportJob, ImportStatus
from patents.services import imports

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Inventory file (.xlsx or .csv)"))


def _importer(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not imports.may_import(user):
        raise PermissionDenied
    return user


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_for(request.user), pk=pk)


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        assert user.organisation is not None
        try:
            job = imports.start_import(
                organisation=user.organisation, file=form.cleaned_data["file"], by=user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("patents:import_detail", pk=job.pk)
    return render(request, "patents/imports/new.html", {"form": form})


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _importer(request)
    jobs = import_jobs_for(request.user)[:200]
    return render(request, "patents/imports/list.html", {"jobs": jobs})


def _detail_context(job: ImportJob) -> dict[str, object]:
    errors = list(row_errors_for(job)[:500])
    for error in errors:
        error.message = messages.render(error.code, error.params)  # in the viewer's language
    finished = job.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)
    effects = update_effects(job) if finished and job.updated_count else None
    return {"job": job, "errors": errors, "finished": finished, "effects": effects}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "patents/imports/detail.html", _detail_context(_job(request, pk)))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment the job page polls; once finished it asks htmx to reload the page."""
    context = _detail_context(_job(request, pk))
    response = render(request, "patents/imports/_progress.html", context)
    if context["finished"] and request.GET.get("running"):
        response["HX-Refresh"] = "true"  # the error table appears once, with the final page
    return response


def neutralise(value: object) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows as CSV, or as .xlsx with ?format=xlsx (in the viewer's language)."""
    job = _job(request, pk)
    header = [_("Row"), _("Column"), _("Value"), _("Reason")]
    rows = (
        [error.row_number, *map(neutralise, (error.column, error.value, reason))]
        for error in row_errors_for(job).iterator()
        for reason in (messages.render(error.code, error.params),)
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx_report(job, header, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # utf-8-sig: Excel on Chinese Windows opens it as UTF-8 only with the BOM.
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def _xlsx_report(job: ImportJob, header: list[str], rows: Iterable[list[object]]) -> HttpResponse:
    # Write-only keeps memory flat for a report of many thousand rows. Values are neutralised
    # as in the CSV: openpyxl would otherwise store a cell starting with "=" as a formula.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows"))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    lang = request.GET.get("lang", "zh-hans")
    response = HttpResponse(
        imports.import_template(lang),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = "inventory-template-en.xlsx" if lang.startswith("en") else "inventory-template-zh.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
