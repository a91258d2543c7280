"""The dashboards over the API, scoped exactly like the pages (same selectors)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import records, selectors
from dashboards.metrics import DIMENSIONS, TOTAL


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


class DashboardView(APIView):
    """Key figures and tables of one scope (a province code or `all`)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, scope: str) -> Response:
        selectors.check_scope(request.user, scope)
        data = selectors.dashboard(scope, selectors.stat_values(scope))
        last = selectors.last_refresh()
        return Response(
            {
                "scope": scope,
                "refreshed_at": last.finished_at if last else None,
                "sections": [_section(block) for block in data["sections"]],
            }
        )


def _section(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "section": block["section"].slug,
        "title": str(block["section"].title),
        "figures": [
            {
                "slug": f.slug,
                "label": f.label,
                "definition": f.definition,
                "value": _number(f.value),
                "is_ratio": f.is_ratio,
            }
            for f in block["figures"]
        ],
        "tables": [
            {
                "slug": t.table.slug,
                "title": str(t.table.title),
                "dimension": t.table.dimension,
                "columns": [h.slug for h in t.headers],
                "rows": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "values": [_number(v) for v in [*r.cells, *r.ratios]],
                    }
                    for r in t.rows
                ],
            }
            for t in block["tables"]
        ],
    }


class DrillRecordSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    application_no = serializers.CharField()
    title = serializers.CharField()
    institution = serializers.CharField()
    # The columns of the drill-down page, by header, for every kind of record.
    columns = serializers.DictField(child=serializers.CharField(allow_blank=True))


class DrillView(generics.ListAPIView[Any]):
    """The records behind one figure (`dimension` and `key` as on the page)."""

    serializer_class = DrillRecordSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("dimension", str, description="total, institution, month, …"),
            OpenApiParameter("key", str),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        scope = selectors.check_scope(self.request.user, self.kwargs["scope"])
        metric = selectors.metric_or_404(self.kwargs["metric"])
        dimension = self.request.query_params.get("dimension", TOTAL)
        if dimension not in DIMENSIONS:
            raise Http404
        key = self.request.query_params.get("key", "")
        return selectors.drill_records(self.request.user, scope, metric, dimension, key)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        metric = selectors.metric_or_404(self.kwargs["metric"])
        page = self.paginate_queryset(self.get_queryset())
        rows = [_record(obj, metric.columns) for obj in page or []]
        return self.get_paginated_response(DrillRecordSerializer(rows, many=True).data)


def _record(obj: Any, columns: str) -> dict[str, Any]:
    # Records about a patent (spot-check items, intents, deals) are named by their patent;
    # the others (enterprises, institutions, filings) by themselves.
    patent = obj if columns == "patent" else getattr(obj, "patent", None)
    cells = records.cells(columns, obj)
    return {
        "id": obj.pk,
        "application_no": patent.application_no if patent else "",
        "title": patent.title if patent else str(obj),
        "institution": patent.organisation.name if patent else str(cells[0]),
        "columns": {
            header: "" if cell is None else str(cell)
            for header, cell in zip(records.headers(columns), cells, strict=True)
        },
    }
