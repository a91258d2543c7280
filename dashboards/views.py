"""HTML pages and files of the dashboards: thin adapters over selectors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dashboards import exports, fragments, records, reports, selectors
from dashboards.metrics import DIMENSIONS, TOTAL
from dashboards.models import NATIONAL

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("dashboards:province", scope=selectors.default_scope(request.user))


@login_required
def province(request: HttpRequest, scope: str) -> HttpResponse:
    selectors.check_scope(request.user, scope)
    last = selectors.last_refresh()
    context: dict[str, Any] = {
        "scope": scope,
        "is_national": scope == NATIONAL,
        "provinces": selectors.provinces_for(request.user),
        "last_refresh": last,
        "sections_html": fragments.sections_fragment(scope, last),
    }
    return render(request, "dashboards/province.html", context)


@login_required
def drill(request: HttpRequest, scope: str, metric: str) -> HttpResponse:
    selectors.check_scope(request.user, scope)
    spec = selectors.metric_or_404(metric)
    dimension = request.GET.get("dimension", TOTAL)
    key = request.GET.get("key", "")
    if dimension not in DIMENSIONS:
        raise Http404
    found = selectors.drill_records(request.user, scope, spec, dimension, key)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "metric": spec,
        "dimension": DIMENSIONS[dimension],
        "key": key,
        "key_label": selectors.key_label(dimension, key, ""),
        "last_refresh": selectors.last_refresh(),
        "page": page,
        "headers": records.headers(spec.columns),
        "rows": [records.cells(spec.columns, record) for record in page],
    }
    return render(request, "dashboards/drill.html", context)


@login_required
def export_table(request: HttpRequest, scope: str, table: str, fmt: str) -> HttpResponse:
    selectors.check_scope(request.user, scope)
    spec = selectors.table_or_404(table, scope)
    data = selectors.table_data(spec, selectors.stat_values(scope))
    rows = exports.table_rows(data)
    body = exports.to_csv(rows) if fmt == "csv" else exports.to_xlsx([(str(spec.title), rows)])
    return _attachment(body, f"{spec.slug}-{scope}.{fmt}", fmt)


@login_required
def monthly_report(request: HttpRequest, scope: str, month: str) -> HttpResponse:
    selectors.check_scope(request.user, scope)
    body = reports.monthly_report(scope, month, selectors.stat_values(scope))
    return _attachment(body, f"panhuo-report-{scope}-{month}.xlsx", "xlsx")


def _attachment(body: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
