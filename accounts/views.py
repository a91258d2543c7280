from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import selectors, services
from accounts.forms import MemberForm
from accounts.models import User
from accounts.navigation import may_open


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "organisation": user.organisation,
        "may_upload": may_open(user, "patents:import_list"),
    }
    return render(request, "accounts/home.html", context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_for(request.user), pk=pk)
    return render(request, "accounts/organisation_detail.html", {"organisation": organisation})


@login_required
def members(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.organisation is None or not user.is_org_admin:
        raise PermissionDenied
    form = MemberForm(request.POST or None, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(organisation=user.organisation, by=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("accounts:members")
    colleagues = selectors.members_for(user).filter(organisation=user.organisation)
    return render(request, "accounts/members.html", {"form": form, "members": colleagues})
