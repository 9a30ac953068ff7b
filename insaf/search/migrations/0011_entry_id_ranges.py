"""On PostgreSQL, a BRIN index of search_entry's key: for each run of 64 table pages, the lowest
and highest case id stored there (200 kB at a million entries, built in seconds).

A search asks the GIN index for its matches among the newest entries (``complaint_id > %s``,
insaf/search/services.py). PostgreSQL intersects the two indexes' bitmaps before it reads a row
only when it judges the intersection worth its cost; with the primary key's B-tree, whose range
costs a look-up per entry, it judged so only when it expected many matches, and where it
expected few (a word typed twice, a phrase, words it takes as independent) it read every match
in the table and threw away those older than the range: "ابتزاز ابتزاز", 16,694 matches of
which 1,022 in the range, read on 16,468 pages in 94 ms. A BRIN index is read whole, a few
dozen pages, whatever the range's length, and the planner then intersects: 1,076 pages, 9 to
12 ms (decision 0007). Entries are written in the order of their ids, so the runs of pages follow
them; rows that move (an entry rewritten when its case changes) only widen a run's range, which
costs a few more pages and never a wrong answer (the index is lossy; every row read is checked).

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
