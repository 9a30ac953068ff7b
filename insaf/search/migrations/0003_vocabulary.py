"""The vocabulary of the cases' words for fuzzy matching (insaf/search/fuzzy.py).

PostgreSQL: pg_trgm (a trusted extension: the database's owner may create it) and a GIN trigram
index on the terms. SQLite: ``search_trigram``, one row per trigram of each term, written by
``fuzzy.add_terms`` beside the term. The vocabulary is then filled from the existing entries.
"""

from django.db import migrations, models

SQLITE = [
    """CREATE TABLE search_trigram (
         trigram TEXT NOT NULL,
         term_id INTEGER NOT NULL,
         PRIMARY KEY (trigram, term_id)
       ) WITHOUT ROWID""",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_trigram"]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_term_trigram ON search_term USING gin (term gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS search_term_trigram"]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def forward(apps, schema_editor):
    from insaf.search import fuzzy

    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)
    fuzzy.rebuild()


def backward(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]
    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=32)),
                ("token", models.CharField(max_length=64)),
            ],
            options={"db_table": "search_term"},
        ),
        migrations.AddConstraint(
            model_name="searchterm",
            constraint=models.UniqueConstraint(fields=("term", "token"), name="search_term_once"),
        ),
        migrations.RunPython(forward, backward),
    ]
