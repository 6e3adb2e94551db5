"""On PostgreSQL, the database refuses TRUNCATE of the audit trail too (issue 14, item 4).

Before this, `TRUNCATE audit_auditevent` emptied the trail and `verify_audit` then reported an
intact trail of 0 events. A statement-level BEFORE TRUNCATE trigger refuses it. Like the row
trigger of 0002, it does not fire while `session_replication_role` is `replica`, which only a
superuser may set: the test suite empties tables that way between tests (conftest.py), and a
superuser could equally drop the trigger. Removing the newest events is made detectable by the
anchor kept outside the database (`manage.py audit_anchor`, `verify_audit --anchor`).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE refused on audit_auditevent'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_truncate();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_refuse_update_delete_on_postgresql")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
