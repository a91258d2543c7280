"""HTML pages of typical cases: the bureau's and university's list, propose, agree, publish, and
the public pages (no sign-in)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.validators import max_length_of
from dashboards import cases
from dashboards.models import TypicalCase


class CaseForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=max_length_of(TypicalCase, "title")
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=max_length_of(TypicalCase, "summary"),
        widget=forms.Textarea,
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not cases.may_see_cases(request.user):
        raise PermissionDenied
    context = {
        "cases": cases.cases_for(request.user)[:200],
        "deals": cases.deals_to_propose(request.user)
        .filter(typical_case__isnull=True)
        .select_related("patent", "enterprise")[:50],
    }
    return render(request, "dashboards/cases/list.html", context)


@login_required
def propose(request: HttpRequest, deal: int) -> HttpResponse:
    user = _user(request)
    if not user.is_bureau:
        raise PermissionDenied
    found = get_object_or_404(cases.deals_to_propose(user), pk=deal)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cases.propose_case(deal=found, by=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The case was proposed to the university."))
            return redirect("dashboards:cases")
    return render(request, "dashboards/cases/propose.html", {"form": form, "deal": found})


@require_POST
@login_required
def agree(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(cases.cases_for(request.user), pk=pk)
    return _act(request, lambda: cases.agree_to_case(case=case, by=_user(request)))


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(cases.cases_for(request.user), pk=pk)
    return _act(request, lambda: cases.publish_case(case=case, by=_user(request)))


def _act(request: HttpRequest, action: object) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("dashboards:cases")


def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "dashboards/cases/public_list.html", {"cases": cases.published_cases()[:100]}
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(cases.published_cases(), pk=pk)
    return render(request, "dashboards/cases/public_detail.html", {"case": case})
