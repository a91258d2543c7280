"""Submit a page's form the way a browser would, with the values the page rendered."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any


def _sanitised(kind: str, value: str) -> str:
    """A browser keeps a date input's value only if it is an ISO date (HTML's value
    sanitisation algorithm); anything else is shown, and submitted, as empty."""
    if kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return ""
    return value


class _FormValues(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
            return
        name = a.get("name")
        if not self.forms or (not name and tag != "option"):
            return
        values = self.forms[-1]
        kind = a.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "reset"):
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values.setdefault(name or "", []).append(a.get("value", "on"))
                return
            values.setdefault(name or "", []).append(_sanitised(kind, a.get("value", "")))
        elif tag == "select":
            self._select = name
            values.setdefault(name or "", [])
        elif tag == "option" and self._select and "selected" in a:
            values[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            values[name or ""] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][self._textarea][0] += data.removeprefix("\n")


def rendered_values(html: str) -> dict[str, Any]:
    """The values of the page's main form (the one with the most fields) as the page shows
    them: what pressing "Save" without editing anything sends."""
    parser = _FormValues()
    parser.feed(html)
    form = max(parser.forms, key=len)
    return {k: v if len(v) != 1 else v[0] for k, v in form.items() if v}
