"""Match reasons as people read them, in the reader's language.

The engine gives structured reasons ({"code": ..., "params": {...}}); they are stored as such and
rendered here, so an enterprise reading in Chinese and one reading in English see their own words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def render_reason(reason: dict[str, Any]) -> str:
    code = reason.get("code", "")
    params = reason.get("params") or {}
    if code == "shared_ipc":
        return _("shares IPC %(ipc)s") % {"ipc": params.get("ipc", "")}
    if code == "matches_need_terms":
        terms = " ".join(str(t) for t in params.get("terms", []))
        if params.get("need"):
            return _("matches your need “%(need)s”: %(terms)s") % {
                "need": params["need"],
                "terms": terms,
            }
        return _("matches your need: %(terms)s") % {"terms": terms}
    if code == "similar_to_liked":
        count = int(params.get("count", 1))
        text = ngettext(
            "similar to %(count)d patent you follow or worked with",
            "similar to %(count)d patents you follow or worked with",
            count,
        ) % {"count": count}
        if params.get("example_title"):
            text += _(", e.g. “%(title)s”") % {"title": params["example_title"]}
        return text
    if code == "same_province":
        return _("same province")
    if code == "deal_form_offered":
        return _("offers the deal form you prefer")
    if code == "industry_ipc":
        return _("in a field of your industry (IPC %(ipc)s)") % {"ipc": params.get("ipc", "")}
    if code == "shared_terms":
        terms = " ".join(str(t) for t in params.get("terms", []))
        return _("shares the terms %(terms)s") % {"terms": terms}
    return str(params.get("text") or code)


def render_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    return [render_reason(reason) for reason in reasons]
