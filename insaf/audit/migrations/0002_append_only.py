"""Database triggers that make audit_event append-only (see insaf/audit/README.md)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE is not allowed'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE is not allowed'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END $$""",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def _run(schema_editor, forward):
    create, drop = STATEMENTS[schema_editor.connection.vendor]
    for statement in create if forward else drop:
        # params=None: the PL/pgSQL text holds a literal % that is not a placeholder.
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _run(schema_editor, True),
            lambda apps, schema_editor: _run(schema_editor, False),
        )
    ]
