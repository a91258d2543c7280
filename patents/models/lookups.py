"""`has_item`: a JSON list field holds this exact string, on PostgreSQL and on SQLite alike."""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import JSONField, Lookup
from django.db.models.sql.compiler import SQLCompiler


@JSONField.register_lookup
class HasItem(Lookup):
    """`inventors__has_item="张伟"`: one element of the list is exactly "张伟".

    Not a substring match on the JSON text: SQLite stores non-ASCII characters escaped
    (`["\\u5f20\\u4f1f"]`), so the text never contains 张伟, and a substring would match 张伟明 too.
    PostgreSQL uses jsonb containment, SQLite walks the decoded list with json_each."""

    lookup_name = "has_item"
    prepare_rhs = False  # compare with the string itself, not its JSON encoding

    def _sides(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} @> jsonb_build_array({rhs}::text)", params

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, rhs, params = self._sides(compiler, connection)
        return (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) AS item "
            f"WHERE item.type = 'text' AND item.value = {rhs})",
            params,
        )

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        raise NotSupportedError(f"has_item is not implemented for {connection.vendor}.")
