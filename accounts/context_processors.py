from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = nav_for(request.user)  # type: ignore[arg-type]
    if request.user.is_authenticated:
        from notifications.selectors import unread_count  # keeps accounts free of app imports

        for item in items:
            if item["name"] == "notifications:inbox":
                item["badge"] = str(unread_count(request.user) or "")
    return {"nav_items": items}
