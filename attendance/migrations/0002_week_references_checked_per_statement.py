# ruff: noqa: S608
# (every table and column name in this SQL is a constant of this file)
"""Week rows: their school, pupil and batch checked a statement at a time (ADR 7, "Bulk writes").

A row-by-row foreign key costs PostgreSQL one lookup per row at commit: for a trust's year of
registers (1.6 million week rows) that was a third of the import. On PostgreSQL the three
foreign keys are replaced by triggers that keep the same rules: one check per INSERT, COPY or
UPDATE statement over all its new rows (a join against the statement's transition table), and
a check when pupils or schools are deleted. A week naming a pupil, school or import that does
not exist is refused with an integrity error, as the foreign key refused it.

SQLite keeps its foreign keys (it checks them cheaply, in process). The model still declares
them, so Django's view of the schema is unchanged; altering one of these fields later drops
no constraint on PostgreSQL (none is found) and recreates what the field then declares.
"""

from django.db import migrations

WEEKS = "attendance_attendanceweek"
REFERENCES = (  # (column, referenced table)
    ("pupil_id", "pupils_pupil"),
    ("school_id", "schools_school"),
    ("last_import_id", "attendance_attendanceimport"),
)
GUARDED = (("pupils_pupil", "pupil_id"), ("schools_school", "school_id"))

_PG_CHECK = " OR ".join(
    f"EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS "
    f"(SELECT 1 FROM {table} t WHERE t.id = n.{column}))"
    for column, table in REFERENCES
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION attendance_week_references_exist() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF {_PG_CHECK} THEN
            RAISE EXCEPTION USING
                ERRCODE = 'foreign_key_violation',
                MESSAGE = 'an attendance week names a pupil, school or import not in Cairn';
        END IF;
        RETURN NULL;
    END $$;
    """,
    f"""
    CREATE TRIGGER attendance_week_references_on_insert AFTER INSERT ON {WEEKS}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION attendance_week_references_exist();
    """,
    f"""
    CREATE TRIGGER attendance_week_references_on_update AFTER UPDATE ON {WEEKS}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION attendance_week_references_exist();
    """,
    *(
        statement
        for table, column in GUARDED
        for statement in (
            f"""
            CREATE FUNCTION {table}_keeps_attendance() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM old_rows o JOIN {WEEKS} w ON w.{column} = o.id) THEN
                    RAISE EXCEPTION USING
                        ERRCODE = 'foreign_key_violation',
                        MESSAGE = '{table} rows with attendance weeks cannot be deleted';
                END IF;
                RETURN NULL;
            END $$;
            """,
            f"""
            CREATE TRIGGER {table}_keeps_attendance AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {table}_keeps_attendance();
            """,
        )
    ),
]

_SQLITE_CHECK = " OR ".join(
    f"NOT EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column})" for column, table in REFERENCES
)


def _foreign_keys(schema_editor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, WEEKS)
    columns = {column for column, _table in REFERENCES}
    return sorted(
        name
        for name, info in constraints.items()
        if info["foreign_key"] and set(info["columns"]) <= columns
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _foreign_keys(schema_editor):
        schema_editor.execute(f'ALTER TABLE {WEEKS} DROP CONSTRAINT "{name}"')
    for statement in POSTGRESQL:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER attendance_week_references_on_insert ON {WEEKS}")
    schema_editor.execute(f"DROP TRIGGER attendance_week_references_on_update ON {WEEKS}")
    schema_editor.execute("DROP FUNCTION attendance_week_references_exist()")
    for table, _column in GUARDED:
        schema_editor.execute(f"DROP TRIGGER {table}_keeps_attendance ON {table}")
        schema_editor.execute(f"DROP FUNCTION {table}_keeps_attendance()")
    for column, table in REFERENCES:
        schema_editor.execute(
            f"ALTER TABLE {WEEKS} ADD CONSTRAINT {WEEKS}_{column}_fk FOREIGN KEY ({column}) "
            f"REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_attendance_registers"),
        ("pupils", "0001_initial"),
        ("schools", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
