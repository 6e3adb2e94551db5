# ruff: noqa: S608 (every table name in this SQL is a constant of this file)
"""A change log for the roll: database triggers on pupils and enrolments (ADR 11, "The roll").

The dashboards keep each roll they read (one row per pupil and enrolment, for a set of schools
and a period) and read it again only when this log says pupils or enrolments changed. The marks
are written by triggers, not by Cairn's code, so no path — a service, a bulk import, an update
in raw SQL, a row removed by hand — can change the roll without leaving one.

- PostgreSQL: one row per INSERT, UPDATE, DELETE or TRUNCATE statement on either table. Rows are
  only ever added, so the log's count goes up with every committed change; a transaction still
  running when a dashboard reads adds its row when it commits, and the next dashboard sees the
  count move. Inserting (not updating one counter row) means two transactions writing pupils
  never wait for each other here.
- SQLite: one row per changed row, and older rows are pruned in the same trigger. SQLite has one
  writer at a time, so the newest id alone says whether anything changed since a reader last
  looked, and the table stays one row long.
"""

from django.db import migrations, models

LOG = "analytics_rollchange"
TABLES = ("pupils_pupil", "pupils_enrolment")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""CREATE FUNCTION analytics_roll_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {LOG} DEFAULT VALUES;
                RETURN NULL;
            END $$;"""
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_roll_changed "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION analytics_roll_changed()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_roll_changed_{event.lower()} AFTER {event} "
                    f"ON {table} BEGIN "
                    f"INSERT INTO {LOG} (id) VALUES (NULL); "
                    f"DELETE FROM {LOG} WHERE id < (SELECT max(id) FROM {LOG}); "
                    "END"
                )
    else:  # pragma: no cover - Cairn runs on SQLite and PostgreSQL only
        raise RuntimeError(f"no roll change triggers for the {vendor} database")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER {table}_roll_changed ON {table}")
        schema_editor.execute("DROP FUNCTION analytics_roll_changed()")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER {table}_roll_changed_{event.lower()}")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_governor_actions"),
        ("pupils", "0002_households_contacts_statuses_imports"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
