from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgKind, User
from enterprises.selectors import handed_over_by
from matching import selectors, services
from matching.filters import RecommendationFilter
from matching.models import TOP_TAKERS
from patents.selectors import patents_for


def _enterprise_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied
    return user


@login_required
def recommended(request: HttpRequest) -> HttpResponse:
    user = _enterprise_user(request)
    filterset = RecommendationFilter(request.GET, queryset=selectors.recommendations_for(user))
    return render(
        request,
        "matching/recommended.html",
        {
            "filter": filterset,
            "matches": filterset.qs[:100],
        },
    )


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = _enterprise_user(request)
    match = get_object_or_404(selectors.recommendations_for(user), pk=pk)
    services.dismiss_match(match=match, by=user)
    messages.success(request, _("Thanks: we will show you fewer patents like this one."))
    return redirect("matching:recommended")


@login_required
def likely_takers(request: HttpRequest, patent_pk: int) -> HttpResponse:
    patent = get_object_or_404(patents_for(request.user), pk=patent_pk)
    updating = services.refresh_takers(patent.pk)
    return render(
        request,
        "matching/likely_takers.html",
        {
            "patent": patent,
            "takers": selectors.likely_takers_for(request.user, patent)[:TOP_TAKERS],
            "updating": updating,
            # Matching left it for good: say why its list is empty.
            "handed_over": handed_over_by(patent.pk),
        },
    )
