"""`{% home_figures user as figures %}`: the viewer's key figures, for the bureau and national
home pages (read from the precomputed statistics, like the dashboard); `{% figures_refresh as
run %}`: when they were computed."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from dashboards import selectors
from dashboards.models import RefreshRun
from dashboards.tables import KEY_FIGURES

register = template.Library()


@register.simple_tag
def home_figures(user: User | AnonymousUser) -> list[selectors.Figure]:
    if not selectors.may_see_dashboards(user):
        return []
    values = selectors.stat_values(selectors.default_scope(user))
    return [selectors.figure(slug, values) for slugs in KEY_FIGURES.values() for slug in slugs]


@register.simple_tag
def figures_refresh() -> RefreshRun | None:
    """The refresh the figures come from (its end is when they were computed)."""
    return selectors.last_refresh()
