"""Cheaper writes for bulk imports: a verbatim search vector and no redundant indexes.

`search_text` already holds the jieba words, lower-cased and space-separated. Running PostgreSQL's
text-search parser over it again (`to_tsvector('simple', ...)`) cost about a third of the database
time of a 100,000-row import and could only disagree with the segmenter (it splits `a_b`, keeps
positions nobody reads). The vector is now those words as lexemes, verbatim, plus the same facet
tokens as migration 0004; `patents.search` builds queries from the same words, verbatim too.

Indexes dropped (each one was maintained on every imported row): `organisation_id` (the unique
(organisation_id, application_no) index leads with it), `review_status` and its LIKE twin (the
library index leads with it), the LIKE twin of `industry_id` (looked up by equality only), and
`updated_by_id` (read only when a user is deleted). `ipc_subclass` keeps one pattern-ops index,
which serves both equality and `LIKE 'G06%'`.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMN = "search_vector"
INDEX = "patent_search_vector_gin"
OLD_WORDS = "to_tsvector('simple'::regconfig, search_text)"
NEW_WORDS = "array_to_tsvector(array_remove(string_to_array(search_text, ' '), ''))"


def _vector_expression(words: str, facets: str | None = None) -> str:
    """The vector of `words` plus facet tokens (migration 0004's, unless later ones give more)."""
    from importlib import import_module

    if facets is None:
        facets = import_module("patents.migrations.0004_library_search_vector").FACETS
    return f"{words} || array_to_tsvector(array_remove(ARRAY[{facets}]::text[], NULL))"


def _replace_vector(schema_editor, words: str, facets: str | None = None) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE patents_patent DROP COLUMN IF EXISTS {COLUMN}")
    schema_editor.execute(
        f"ALTER TABLE patents_patent ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({_vector_expression(words, facets)}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON patents_patent USING gin ({COLUMN})")
    schema_editor.execute("ANALYZE patents_patent")


def verbatim_vector(apps, schema_editor):
    _replace_vector(schema_editor, NEW_WORDS)


def parsed_vector(apps, schema_editor):
    _replace_vector(schema_editor, OLD_WORDS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("patents", "0004_library_search_vector"),
        ("refdata", "0002_load_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="patent",
            name="industry",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="refdata.industry",
                verbose_name="industry",
            ),
        ),
        migrations.AlterField(
            model_name="patent",
            name="ipc_subclass",
            field=models.CharField(blank=True, max_length=4, verbose_name="IPC subclass"),
        ),
        migrations.AlterField(
            model_name="patent",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patents",
                to="accounts.organisation",
                verbose_name="owning institution",
            ),
        ),
        migrations.AlterField(
            model_name="patent",
            name="review_status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("college_review", "College review"),
                    ("university_review", "University review"),
                    ("admitted", "Admitted to the library"),
                    ("returned", "Returned"),
                ],
                default="draft",
                max_length=20,
                verbose_name="review status",
            ),
        ),
        migrations.AlterField(
            model_name="patent",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="patent",
            index=models.Index(fields=["industry"], name="patent_industry_idx"),
        ),
        migrations.AddIndex(
            model_name="patent",
            index=models.Index(
                fields=["ipc_subclass"], name="patent_ipc_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.RunPython(verbatim_vector, parsed_vector),
    ]
