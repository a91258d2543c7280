"""The rendered sections of a dashboard, cached per (scope, language, refresh run).

They are the same for every viewer of a scope, so they are rendered once per refresh and language:
right after the refresh by the Celery task (`warm`), or by the first request that finds none.
A new refresh has a new run id, hence new keys: nothing needs invalidating.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from dashboards import selectors
from dashboards.models import NATIONAL, RefreshRun
from refdata.models import Region

#: Rows of each table shown on the page; the drill-down and the export have them all.
PAGE_ROWS = 10
#: The keys name the run; the timeout only bounds the memory of stale entries.
FRAGMENT_SECONDS = 24 * 3600


def fragment_key(scope: str, run: RefreshRun) -> str:
    # The database name keeps test databases sharing one Redis apart; the run id and its end
    # time make every refresh start from an empty cache.
    database = connection.settings_dict["NAME"]
    stamp = run.finished_at.timestamp() if run.finished_at else 0
    language = translation.get_language()
    return f"dashboards:sections:{database}:{scope}:{language}:{run.pk}:{stamp}"


def sections_fragment(scope: str, run: RefreshRun | None) -> SafeString:
    """The sections of `scope` as of `run`, from the cache or rendered now (and cached)."""
    key = fragment_key(scope, run) if run else ""
    html = cache.get(key) if key else None
    if html is None:
        html = render_sections(scope)
        if key:
            cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)


def render_sections(scope: str) -> str:
    values, counts = selectors.page_values(scope, PAGE_ROWS)
    context: dict[str, Any] = selectors.dashboard(scope, values)
    for section in context["sections"]:
        for data in section["tables"]:
            selectors.link_rows(data, scope, PAGE_ROWS, counts)
    context["charts"] = _charts(context["sections"])
    return render_to_string("dashboards/partials/sections.html", context)


def warm(run: RefreshRun) -> int:
    """Render every scope in every language for `run` (after a refresh); returns how many."""
    scopes = [NATIONAL, *Region.objects.filter(level=1).values_list("code", flat=True)]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for scope in scopes:
                cache.set(fragment_key(scope, run), render_sections(scope), FRAGMENT_SECONDS)
    return len(scopes) * len(settings.LANGUAGES)


def _charts(sections: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Series for ECharts: the first column of each charted table, by key."""
    charts = {}
    for section in sections:
        for data in section["tables"]:
            if data.table.chart:
                charts[data.table.slug] = {
                    "type": data.table.chart,
                    "name": data.headers[0].label,
                    "labels": [row.label for row in data.rows[:40]],
                    "values": [float(row.cells[0]) for row in data.rows[:40]],
                }
    return charts
