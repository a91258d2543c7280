"""Factories for patent tests (the shared PatentFactory lives in tests/factories.py)."""

from __future__ import annotations

from typing import Any

from patents.models import Patent
from patents.search import search_text_for
from tests.factories import PatentFactory


def indexed_patent(**kwargs: Any) -> Patent:
    """A patent whose search text is built as production code builds it."""
    patent: Patent = PatentFactory(**kwargs)  # type: ignore[assignment]
    patent.search_text = search_text_for(patent)
    patent.save(update_fields=["search_text"])
    return patent
