"""Match reasons as people read them, in the reader's language.

The engine gives structured reasons ({"code": ..., "params": {...}}); they are stored as such and
rendered here, so an enterprise reading in Chinese and one reading in English see their own words.
The same reason reads differently to the enterprise it is about ("matches your need") and to a
university looking at its likely takers ("matches the enterprise's need").
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Audience(Enum):
    ENTERPRISE = "enterprise"  # reading its own recommendations
    UNIVERSITY = "university"  # reading a patent's likely takers


def _terms(params: dict[str, Any]) -> str:
    return " ".join(str(t) for t in params.get("terms", []))


def _need(params: dict[str, Any], audience: Audience) -> str:
    values = {"need": params.get("need", ""), "terms": _terms(params)}
    if audience is Audience.UNIVERSITY:
        if params.get("need"):
            return _("matches the enterprise's need “%(need)s”: %(terms)s") % values
        return _("matches the enterprise's need: %(terms)s") % values
    if params.get("need"):
        return _("matches your need “%(need)s”: %(terms)s") % values
    return _("matches your need: %(terms)s") % values


def _topic(params: dict[str, Any], audience: Audience) -> str:
    """Terms that came from a subscribed topic's keywords, not from anything the enterprise wrote
    as a need."""
    values = {"topic": params.get("topic", ""), "terms": _terms(params)}
    if audience is Audience.UNIVERSITY:
        # A topic's name is the enterprise's own label for a saved search; universities see the
        # terms only.
        return _("matches a topic the enterprise subscribes to: %(terms)s") % values
    if params.get("topic"):
        return _("matches your subscribed topic “%(topic)s”: %(terms)s") % values
    return _("matches a topic you subscribe to: %(terms)s") % values


def _similar(params: dict[str, Any], audience: Audience) -> str:
    count = int(params.get("count", 1))
    if audience is Audience.UNIVERSITY:
        text = ngettext(
            "similar to %(count)d patent the enterprise follows or worked with",
            "similar to %(count)d patents the enterprise follows or worked with",
            count,
        ) % {"count": count}
    else:
        text = ngettext(
            "similar to %(count)d patent you follow or worked with",
            "similar to %(count)d patents you follow or worked with",
            count,
        ) % {"count": count}
    if params.get("example_title"):
        text += _(", e.g. “%(title)s”") % {"title": params["example_title"]}
    return text


def render_reason(reason: dict[str, Any], audience: Audience = Audience.ENTERPRISE) -> str:
    code = reason.get("code", "")
    params = reason.get("params") or {}
    university = audience is Audience.UNIVERSITY
    if code == "shared_ipc":
        return _("shares IPC %(ipc)s") % {"ipc": params.get("ipc", "")}
    if code == "matches_need_terms":
        return _need(params, audience)
    if code == "matches_topic_terms":
        return _topic(params, audience)
    if code == "similar_to_liked":
        return _similar(params, audience)
    if code == "same_province":
        return _("same province")
    if code == "deal_form_offered":
        if university:
            return _("offers the deal form the enterprise prefers")
        return _("offers the deal form you prefer")
    if code == "industry_ipc":
        if university:
            return _("in a field of the enterprise's industry (IPC %(ipc)s)") % {
                "ipc": params.get("ipc", "")
            }
        return _("in a field of your industry (IPC %(ipc)s)") % {"ipc": params.get("ipc", "")}
    if code == "shared_terms":
        return _("shares the terms %(terms)s") % {"terms": _terms(params)}
    return str(params.get("text") or code)


def render_reasons(
    reasons: list[dict[str, Any]], audience: Audience = Audience.ENTERPRISE
) -> list[str]:
    return [render_reason(reason, audience) for reason in reasons]
