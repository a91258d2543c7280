"""HTML pages: inventory and records, review, spot checks, the convertible patent library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import PATENT_OWNER_KINDS, User
from patents import selectors
from patents.filters import InventoryFilter, LibraryFilter, sort_key
from patents.forms import (
    BulkReviewForm,
    PatentForm,
    ReviewForm,
    SpotCheckForm,
    SpotCheckItemForm,
)
from patents.pagination import SortKey, paginate
from patents.services import records, review, spotchecks

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _owner_member(user: User) -> None:
    if user.org_kind not in PATENT_OWNER_KINDS:
        raise PermissionDenied


@login_required
def inventory(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_keep_inventory(user):
        raise PermissionDenied
    filterset = InventoryFilter(request.GET or None, queryset=selectors.patents_for(user))
    page = paginate(
        filterset.qs,
        key=SortKey("id", descending=True),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    context = {
        "filter": filterset,
        "page": page,
        "counts": selectors.inventory_counts(user),
        "bulk_form": BulkReviewForm(),
        "can_create": user.org_kind in PATENT_OWNER_KINDS,
    }
    return render(request, "patents/inventory.html", context)


@login_required
def patent_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _owner_member(user)
    assert user.organisation is not None
    form = PatentForm(request.POST or None, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            patent = records.create_patent(
                organisation=user.organisation, fields=form.service_fields(), by=user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Record created as a draft."))
            return redirect("patents:detail", pk=patent.pk)
    return render(request, "patents/edit.html", {"form": form, "patent": None})


def _add_errors(form: PatentForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def patent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    patent = get_object_or_404(selectors.patents_for(user), pk=pk)
    context = {
        "patent": patent,
        "history": selectors.history_of(patent, limit=50),
        "actions": review.available_actions(patent=patent, by=user),
        "review_form": ReviewForm(),
    }
    return render(request, "patents/detail.html", context)


@login_required
def patent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    patent = get_object_or_404(selectors.patents_for(user), pk=pk)
    _owner_member(user)
    form = PatentForm(request.POST or None, instance=patent, organisation=patent.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            records.update_patent(
                patent=patent,
                fields=form.service_fields(),
                by=user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Record saved."))
            return redirect("patents:detail", pk=patent.pk)
    return render(request, "patents/edit.html", {"form": form, "patent": patent})


@login_required
@require_POST
def patent_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    patent = get_object_or_404(selectors.patents_for(user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _refusal(form, "note", _("Choose a review action.")))
        return redirect("patents:detail", pk=pk)
    try:
        patent = review.review_patent(
            patent=patent,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            by=user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Review step recorded."))
        _warn(request, review.publication_warnings([patent]))
    return redirect("patents:detail", pk=pk)


@login_required
@require_POST
def bulk_review(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_keep_inventory(user):
        raise PermissionDenied
    form = BulkReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _refusal(form, "note", _("Choose a review action.")))
        return redirect("patents:inventory")
    try:
        done = review.bulk_review(
            patent_ids=form.cleaned_data["ids"],
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            by=user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)d records updated.") % {"count": len(done)})
        _warn(request, review.publication_warnings(done))
    return redirect("patents:inventory")


def _refusal(form: Form, text: str, otherwise: str) -> str:
    """Why a small form on a page was refused, said in a message: the error of its free text
    (too long) when that is all, else `otherwise` (a choice missing or not on the list)."""
    if list(form.errors) == [text]:
        return " ".join(map(str, form.errors[text]))
    return otherwise


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # Always bound: no query at all (the home page's link) is a valid, empty filter, and an
    # unbound filter set never validates.
    filterset = LibraryFilter(request.GET, queryset=selectors.library_for(user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sort = filterset.form.cleaned_data.get("sort")
    page = paginate(queryset, key=sort_key(sort), cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {"filter": filterset, "page": page, "query_string": params.urlencode()}
    return render(request, "patents/library.html", context)


@login_required
def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patent = get_object_or_404(selectors.library_for(_user(request)), pk=pk)
    return render(request, "patents/library_detail.html", {"patent": patent})


def _bureau(user: User) -> None:
    if not (user.is_bureau or user.is_national):
        raise PermissionDenied


@login_required
def spotcheck_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _bureau(user)
    form = SpotCheckForm(
        request.POST or None, institutions=selectors.institutions_for_spot_check(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            check = spotchecks.start_spot_check(
                institution=form.cleaned_data["institution"],
                sample_percent=form.cleaned_data["sample_percent"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Spot check started."))
            return redirect("patents:spotcheck_detail", pk=check.pk)
    checks = selectors.spot_checks_for(user)[:100]
    return render(request, "patents/spotcheck_list.html", {"form": form, "checks": checks})


@login_required
def spotcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    check = get_object_or_404(selectors.spot_checks_for(user), pk=pk)
    context = {
        "check": check,
        "items": selectors.spot_check_items(check),
        "pass_rate": spotchecks.pass_rate(check),
        "can_mark": user.is_bureau or user.is_national,
        "item_form": SpotCheckItemForm(),
    }
    return render(request, "patents/spotcheck_detail.html", context)


@login_required
@require_POST
def spotcheck_mark(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = _user(request)
    check = get_object_or_404(selectors.spot_checks_for(user), pk=pk)
    item = get_object_or_404(check.items, pk=item_pk)
    form = SpotCheckItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _refusal(form, "reason", _("Choose passed or failed.")))
        return redirect("patents:spotcheck_detail", pk=pk)
    try:
        spotchecks.mark_item(item=item, by=user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("patents:spotcheck_detail", pk=pk)
