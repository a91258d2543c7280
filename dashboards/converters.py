"""URL converters of the dashboards (registered once, on import)."""

from __future__ import annotations

from django.urls import register_converter


class ScopeConverter:
    """A province code (GB/T 2260, six digits) or `all`."""

    regex = r"all|\d{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter(ScopeConverter):
    regex = r"csv|xlsx"


register_converter(ScopeConverter, "scope")
register_converter(FormatConverter, "fmt")
