"""Full-text index for the library's keyword search (PostgreSQL only).

The expression must stay identical to `patents.search._SimpleMatch`, or the planner ignores the
index. SQLite (development) searches by substring instead and gets no index.
"""

from django.db import migrations

INDEX = "patent_search_text_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON patents_patent "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("patents", "0002_inventory_imports_history_spotchecks")]

    operations = [migrations.RunPython(create_index, drop_index)]
