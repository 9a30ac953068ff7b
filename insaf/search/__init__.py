"""Case search: one analyser (insaf.text) for documents and queries, FTS5 on SQLite and a
tsvector with a GIN index on PostgreSQL, related and duplicate cases. See README.md."""
