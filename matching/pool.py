"""The patents matching ranks: the convertible patent library's, less those a deal already
handed over to an enterprise (a transfer or an equity investment). Such a patent stays in the
library and its statistics, but the university can no longer make a deal on it, so it is
recommended to no one and has no likely takers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from enterprises.models import HANDING_OVER_KINDS, Deal
from patents.models import in_library


def matchable(prefix: str = "") -> Q:
    """The rule as a query on Patent, or through `prefix` (e.g. "patent__") on a related model."""
    handed_over = Deal.objects.filter(patent=OuterRef(f"{prefix}pk"), kind__in=HANDING_OVER_KINDS)
    return in_library(prefix) & ~Q(Exists(handed_over))
