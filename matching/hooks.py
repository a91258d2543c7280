"""What other apps call when something matching depends on changed.

Each call records the work as a MatchRun row and enqueues it after the caller's commit, so a
change is never lost even if the task is.
"""

from __future__ import annotations


def profile_changed(enterprise_id: int) -> None:
    from matching import services

    services.request_profile_rematch(enterprise_id)


def patent_changed(patent_id: int) -> None:
    from matching import services

    services.request_patent_rematch(patent_id)


def patents_changed(patent_ids: list[int]) -> None:
    """Many patents at once (an import sending admitted records back to review)."""
    from matching import services

    services.request_patents_rematch(patent_ids)
