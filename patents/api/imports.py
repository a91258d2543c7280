"""DRF endpoints for inventory uploads: upload and list, detail with progress, rejected rows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from patents.importing import messages
from patents.importing.selectors import import_jobs_for, row_errors_for
from patents.models import ImportJob, ImportRowError
from patents.services import imports


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportJobSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "original_name", "size_bytes", "sha256", "status", "status_label",
            "file_error", "total_rows", "processed_rows", "progress_percent", "created_count",
            "updated_count", "unchanged_count", "error_count", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class RowErrorSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()

    class Meta:
        model = ImportRowError
        fields = ["row_number", "column", "value", "code", "params", "message"]

    def get_message(self, error: ImportRowError) -> str:
        return messages.render(error.code, error.params)  # in the caller's language


class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportJob]:
        return import_jobs_for(self.request.user)

    def get_serializer_class(self) -> Any:
        return UploadSerializer if self.action == "create" else ImportJobSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if not imports.may_import(user):
            raise PermissionDenied
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        assert user.organisation is not None
        job = imports.start_import(
            organisation=user.organisation, file=upload.validated_data["file"], by=user
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None) -> Response:
        job = get_object_or_404(self.get_queryset(), pk=pk)
        page = self.paginate_queryset(row_errors_for(job))
        return self.get_paginated_response(RowErrorSerializer(page, many=True).data)
