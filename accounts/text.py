"""Text helpers for messages shown in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def join_list(items: Iterable[object]) -> str:
    """The items of a list inside a sentence, separated as the active language does it:
    "“A”, “B”" in English, "“甲”、“乙”" in Chinese (the enumeration comma, not ", ")."""
    # Translators: what separates the items of a list inside a sentence; Chinese uses 、.
    return pgettext("list separator", ", ").join(str(item) for item in items)
