"""Stored search vector for the library's keyword search (PostgreSQL only).

Migration 0003 indexed the expression `to_tsvector('simple', search_text)`. Every heap row the
planner had to check (a primary-key walk, or the recheck of a large bitmap) recomputed the vector
from the text, which made the slow plans ten times slower. A generated column is computed once on
write, by every write path (ORM, COPY from the benchmark or a bulk import), with no app code.

Besides the words, the vector holds *facet tokens* for the library's selective filters (owner,
patent type, IPC prefixes, maturity, deal forms), written `name#value`: the text parser never
yields `#` inside a word, so they cannot collide with searched words. The library filters restate
themselves as facet terms (`patents.search.facet_filter`) next to their ordinary SQL condition, so
the one GIN index answers "keyword AND filters" without visiting the table; rows are only read for
what is shown. Without this, a common keyword (30,000 matches) with filters that rarely co-occur
with it made PostgreSQL read 30,000 heap pages to return nothing.

The column is deliberately not a model field: SQLite (development) has no tsvector, and the
library search there falls back to substring matching on `search_text`. `patents.search` reads
the column by name (`SEARCH_VECTOR`).
"""

from django.db import migrations

OLD_INDEX = "patent_search_text_gin"
COLUMN = "search_vector"
INDEX = "patent_search_vector_gin"

# Must stay in step with patents.search (facet names) and patents.filters (which facets). Every
# function here is immutable, as a generated column requires (hence the explicit ::text casts).
_DEALS = ("transfer", "exclusive_licence", "ordinary_licence", "open_licence", "investment")
FACETS = ", ".join(
    [
        "'org#' || organisation_id::text",
        "'type#' || patent_type::text",
        *(
            f"CASE WHEN length(ipc_subclass) >= {n} THEN 'ipc#' || left(ipc_subclass, {n}) END"
            for n in (1, 2, 3, 4)
        ),
        "'mat#' || maturity::text",
        *(f"CASE WHEN offers_{deal} THEN 'deal#{deal}' END" for deal in _DEALS),
    ]
)
VECTOR = (
    "to_tsvector('simple'::regconfig, search_text) "
    f"|| array_to_tsvector(array_remove(ARRAY[{FACETS}]::text[], NULL))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE patents_patent ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON patents_patent USING gin ({COLUMN})"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    # The planner's row estimates for `@@` come from the column's element statistics.
    schema_editor.execute("ANALYZE patents_patent")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON patents_patent "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE patents_patent DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    # Not atomic: on a large table the rewrite and the index build are long; each statement is
    # idempotent (IF [NOT] EXISTS), so a rerun after an interruption finishes the job.
    atomic = False

    dependencies = [("patents", "0003_library_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
