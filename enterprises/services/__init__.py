"""Writes of the demand side, one module per use case group; import the package and call
`services.declare_intent(...)`."""

from enterprises.services.deal_effects import handed_over_notice
from enterprises.services.deals import (
    accept_open_licence,
    ensure_may_accept_open_licence,
    record_deal,
)
from enterprises.services.intents import (
    accept_intent,
    close_intent,
    declare_intent,
    decline_intent,
    ensure_answerer,
    ensure_party,
    flag_overdue_intents,
    may_answer,
    ruled_out_intent_kinds,
    send_intent_reminders,
    start_negotiation,
)
from enterprises.services.needs import create_need, update_need
from enterprises.services.ratings import ensure_may_rate, rate_prospects
from enterprises.services.registration import register_enterprise, update_profile, verify_enterprise
from enterprises.services.subscriptions import (
    check_patent_subscriptions,
    check_topic_subscriptions,
    delete_subscription,
    save_topic_subscription,
    stop_subscription_email,
    subscribe_patent,
)

__all__ = [
    "accept_intent",
    "accept_open_licence",
    "check_patent_subscriptions",
    "check_topic_subscriptions",
    "close_intent",
    "create_need",
    "declare_intent",
    "decline_intent",
    "delete_subscription",
    "ensure_answerer",
    "ensure_may_accept_open_licence",
    "ensure_may_rate",
    "ensure_party",
    "flag_overdue_intents",
    "handed_over_notice",
    "may_answer",
    "rate_prospects",
    "record_deal",
    "register_enterprise",
    "ruled_out_intent_kinds",
    "save_topic_subscription",
    "send_intent_reminders",
    "start_negotiation",
    "stop_subscription_email",
    "subscribe_patent",
    "update_need",
    "update_profile",
    "verify_enterprise",
]
