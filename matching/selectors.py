"""Reads of matches, scoped by who asks."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from accounts.models import OrgKind, User
from matching.models import Match, MatchRun, Taker
from matching.pool import matchable
from patents.models import Patent
from patents.selectors import patents_for


def recommendations_for(user: User | AnonymousUser) -> QuerySet[Match]:
    """An enterprise's own recommended library patents, best first. Nobody else's."""
    if not user.is_authenticated or not isinstance(user, User):
        return Match.objects.none()
    if user.org_kind != OrgKind.ENTERPRISE:
        return Match.objects.none()
    return (
        Match.objects.filter(enterprise_id=user.organisation_id)
        .filter(matchable("patent__"))
        .select_related("patent", "patent__organisation", "patent__organisation__province")
        .annotate(rank=Window(RowNumber(), order_by=[F("score").desc(), F("pk").asc()]))
        .order_by("-score", "pk")
    )


def likely_takers_for(user: User | AnonymousUser, patent: Patent) -> QuerySet[Taker]:
    """Enterprises likely to take up `patent`, for those who may see the patent's inventory record
    (its university, its bureau, the national level) — and only enterprises that allow it now."""
    if not patents_for(user).filter(pk=patent.pk).exists():
        return Taker.objects.none()
    return (
        Taker.objects.filter(
            patent=patent,
            enterprise__is_active=True,
            enterprise__enterprise_profile__show_as_likely_taker=True,
        )
        .select_related("enterprise", "enterprise__province")
        .order_by("-score", "pk")
    )


def recent_runs() -> QuerySet[MatchRun]:
    return MatchRun.objects.order_by("-created_at")
