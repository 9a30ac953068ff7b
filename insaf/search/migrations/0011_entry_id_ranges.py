"""On PostgreSQL, a BRIN index of search_entry's key: for each run of 64 table pages, the lowest
and highest case id stored there (200 kB at a million entries, built in seconds).

A search asks the GIN index for its matches among the newest entries (``complaint_id > %s``,
insaf/search/services.py). A BRIN range costs the same few dozen pages however long it is, so
PostgreSQL intersects it with the GIN index's matches before reading rows even where it expects
few matches; with the primary key's B-tree alone it often read every match in the table instead
(decision 0007 has the measurements). Entries are written in the order of their ids; an entry
that moves when it is rewritten only widens its run's range (a lossy index: every row is checked).

SQLite has no such index and needs none: FTS5 streams its matches newest first."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS search_entry_id_ranges ON search_entry USING brin (complaint_id) "
    "WITH (pages_per_range = 64, autosummarize = on)"
)
DROP = "DROP INDEX IF EXISTS search_entry_id_ranges"


def _run(schema_editor, statement):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, CREATE)


def backwards(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_term_proposals")]
    operations = [migrations.RunPython(forwards, backwards)]
