"""A province facet in the library's search vector (PostgreSQL only).

The province filter used to restate itself as "any of the province's institutions"
(`org#1 | org#2 | ...`). The GIN index answers such an OR by walking every institution's posting
list: on the 1M-row benchmark the index scan of a province search took 7-11 ms, against 3 ms for
one token, and a real province has not eight institutions but a hundred or more.

So each row now carries its owner's province, `province_id`, in a plain column that, like
`search_vector`, is not a model field: triggers keep it equal to the organisation's province on
every write path (ORM, COPY from a bulk import), and follow an organisation that moves. The vector
gains `prov#<code>`. The SQL condition on the organisation stays the rule, so a search can never
return a patent of another province; the token only narrows what the index hands over.
"""

from importlib import import_module

from django.db import migrations

_previous = import_module("patents.migrations.0005_import_cost_indexes_and_verbatim_search_vector")
_facets = import_module("patents.migrations.0004_library_search_vector").FACETS

PROVINCE_FACET = "'prov#' || province_id::text"

TRIGGERS = """
CREATE OR REPLACE FUNCTION patents_patent_set_province() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.province_id := (
        SELECT province_id FROM accounts_organisation WHERE id = NEW.organisation_id
    );
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION accounts_organisation_move_patents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE patents_patent SET province_id = NEW.province_id WHERE organisation_id = NEW.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS patent_province_on_insert ON patents_patent;
CREATE TRIGGER patent_province_on_insert BEFORE INSERT ON patents_patent
    FOR EACH ROW WHEN (NEW.province_id IS NULL)
    EXECUTE FUNCTION patents_patent_set_province();

DROP TRIGGER IF EXISTS patent_province_on_update ON patents_patent;
CREATE TRIGGER patent_province_on_update BEFORE UPDATE ON patents_patent
    FOR EACH ROW WHEN (
        NEW.province_id IS NULL OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
    )
    EXECUTE FUNCTION patents_patent_set_province();

DROP TRIGGER IF EXISTS organisation_moves_patents ON accounts_organisation;
CREATE TRIGGER organisation_moves_patents AFTER UPDATE OF province_id ON accounts_organisation
    FOR EACH ROW WHEN (NEW.province_id IS DISTINCT FROM OLD.province_id)
    EXECUTE FUNCTION accounts_organisation_move_patents();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS organisation_moves_patents ON accounts_organisation;
DROP TRIGGER IF EXISTS patent_province_on_update ON patents_patent;
DROP TRIGGER IF EXISTS patent_province_on_insert ON patents_patent;
DROP FUNCTION IF EXISTS accounts_organisation_move_patents();
DROP FUNCTION IF EXISTS patents_patent_set_province();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE patents_patent ADD COLUMN IF NOT EXISTS province_id varchar(6)"
    )
    schema_editor.execute(
        "UPDATE patents_patent p SET province_id = o.province_id "
        "FROM accounts_organisation o WHERE o.id = p.organisation_id"
    )
    schema_editor.execute(TRIGGERS)
    _previous._replace_vector(schema_editor, _previous.NEW_WORDS, f"{_facets}, {PROVINCE_FACET}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _previous._replace_vector(schema_editor, _previous.NEW_WORDS, _facets)
    schema_editor.execute(DROP_TRIGGERS)
    schema_editor.execute("ALTER TABLE patents_patent DROP COLUMN IF EXISTS province_id")


class Migration(migrations.Migration):
    # Not atomic, like 0004: the vector's rewrite and index build are long on a large table.
    atomic = False

    dependencies = [
        ("accounts", "0002_user_language"),
        ("patents", "0007_import_job_formula_free"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
