"""The full-text index over search_entry, one per database (see insaf/search/models.py).

SQLite: an FTS5 table with external content (the tokens are stored once, in search_entry) kept in
step by triggers, so an entry and its index change in the same transaction. The tokenizer is
unicode61 without diacritic folding of its own: the tokens are the analyser's, already folded.

PostgreSQL: a generated tsvector column over the same tokens with the 'simple' configuration (no
stemming or stop words of its own), and a GIN index on it.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
         body, alt, facets,
         content='search_entry', content_rowid='complaint_id',
         tokenize='unicode61 remove_diacritics 0'
       )""",
    """CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN
         INSERT INTO search_fts(rowid, body, alt, facets)
           VALUES (new.complaint_id, new.body, new.alt, new.facets);
       END""",
    """CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN
         INSERT INTO search_fts(search_fts, rowid, body, alt, facets)
           VALUES ('delete', old.complaint_id, old.body, old.alt, old.facets);
       END""",
    """CREATE TRIGGER search_entry_fts_update AFTER UPDATE OF body, alt, facets ON search_entry
       BEGIN
         INSERT INTO search_fts(search_fts, rowid, body, alt, facets)
           VALUES ('delete', old.complaint_id, old.body, old.alt, old.facets);
         INSERT INTO search_fts(rowid, body, alt, facets)
           VALUES (new.complaint_id, new.body, new.alt, new.facets);
       END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL = [
    """ALTER TABLE search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('simple'::regconfig, body), 'A')
         || setweight(to_tsvector('simple'::regconfig, alt), 'B')
         || setweight(to_tsvector('simple'::regconfig, facets), 'D')
       ) STORED""",
    "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
    # Keep the tsvector in the row, uncompressed, and move the token texts out of it instead:
    # every match and every rank reads the tsvector, nothing at query time reads the texts.
    """ALTER TABLE search_entry
         ALTER COLUMN body SET STORAGE EXTERNAL,
         ALTER COLUMN alt SET STORAGE EXTERNAL,
         ALTER COLUMN document SET STORAGE MAIN""",
    # Finer statistics of the lexemes (down to about 0.4 % of the entries instead of 3 %): the
    # search chooses its plan from them (insaf/search/services.py, _density_on_postgresql).
    "ALTER TABLE search_entry ALTER COLUMN document SET STATISTICS 1000",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS document",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def _run(schema_editor, forward):
    create, drop = STATEMENTS[schema_editor.connection.vendor]
    for statement in create if forward else drop:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _run(schema_editor, True),
            lambda apps, schema_editor: _run(schema_editor, False),
        )
    ]
