"""search_entry.received_at: a copy of each case's received_at, so that on PostgreSQL a
received-date filter can be intersected with the GIN index's matches (see models.SearchEntry).

The column is added empty, the entries written before are given their case's date in place
(nothing is left for ``insaf search reindex``), and only then is it indexed. On
SQLite a nullable column is added without rebuilding the table under its FTS5 triggers, and the
triggers leave the full-text table alone (they fire on updates of the indexed columns only)."""

from django.db import migrations, models

# Entries are filled a slice of ids at a time, oldest first: an UPDATE writes each row anew, and
# in one statement PostgreSQL wrote them in the order of its join, which left the table in no
# order of id (the newest entries, which a search reads first, were spread over the whole table
# instead of packed at its end).
SLICE = 5_000
FILL = {
    "postgresql": (
        "UPDATE search_entry SET received_at = complaints_complaint.received_at "
        "FROM complaints_complaint WHERE complaints_complaint.id = search_entry.complaint_id "
        "AND search_entry.complaint_id > %s AND search_entry.complaint_id <= %s"
    ),
    "sqlite": (
        "UPDATE search_entry SET received_at = (SELECT received_at FROM complaints_complaint "
        "WHERE complaints_complaint.id = search_entry.complaint_id) "
        "WHERE complaint_id > %s AND complaint_id <= %s"
    ),
}


def fill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(complaint_id) FROM search_entry")
        newest = cursor.fetchone()[0] or 0
        for start in range(0, newest, SLICE):
            cursor.execute(FILL[connection.vendor], [start, start + SLICE])


class Migration(migrations.Migration):
    dependencies = [("search", "0007_lexicon_collisions")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["received_at"], name="search_entry_received"),
        ),
    ]
