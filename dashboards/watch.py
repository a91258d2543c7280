"""Ask for a refresh of the dashboard figures whenever a table they count is written.

The figures count rows of a dozen models of six apps, written by services, imports (bulk_create,
update(), COPY), admin actions, commands and tasks. Instead of a call after each of those writes
(and one more to forget with every new write), each database connection carries an execute
wrapper, Django's hook for instrumenting queries (django-cachalot invalidates its cache the same
way): an INSERT, UPDATE or DELETE that changed rows of a counted table asks for a refresh after
the commit (`tasks.request_refresh`). Model signals would miss the bulk writes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from dashboards import tasks

#: The verb and table of a write, as Django (and the project's raw SQL) writes them.
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@functools.cache
def counted_tables() -> frozenset[str]:
    """Tables whose rows the figures count, and two that stand for changes they cannot see:
    organisations (their names, provinces and cities label and place the figures) and import
    jobs (an import's fast path writes patents with COPY, which no wrapper sees; each chunk
    updates its job in the same transaction)."""
    from accounts.models import Organisation
    from dashboards.metrics import METRICS
    from patents.models import ImportJob

    models = {metric.model for metric in METRICS.values()} | {Organisation, ImportJob}
    return frozenset(model._meta.db_table for model in models)


def watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if settings.DASHBOARDS_REFRESH_ON_WRITE and isinstance(sql, str):
        found = WRITE.match(sql)
        # rowcount is 0 for a write that changed nothing (a lost compare-and-set, an empty
        # migration), -1 where the driver cannot tell: then assume a change.
        if found and found.group(1) in counted_tables() and context["cursor"].rowcount != 0:
            tasks.request_refresh(using=context["connection"].alias)
    return result


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver. The wrapper object outlives its database connections (one
    per request without persistent connections): add the watch once."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)
