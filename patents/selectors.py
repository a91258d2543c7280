"""Reads of patents, scoped by who asks. Every view, API and export starts here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.access import scope_to_owner
from accounts.models import User
from patents.models import IN_LIBRARY, Patent


def patents_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """Inventory records the user may open: own institution's (a bureau: its province's; the
    national level: all). Enterprises and service institutions own none."""
    return scope_to_owner(Patent.objects.all(), user)


def library_for(user: User | AnonymousUser) -> QuerySet[Patent]:
    """The convertible patent library: admitted, valid patents with prospects, open to every
    signed-in user."""
    if not user.is_authenticated:
        return Patent.objects.none()
    return Patent.objects.filter(IN_LIBRARY)
