"""Inserting many new rows of one model quickly: the columns and their conversions worked out
once per model, then one `executemany` (SQLite) or one COPY (PostgreSQL) per batch.

`bulk_create` compiles every row's every value through the ORM's SQL compiler; for an import of
50,000 children (about eleven rows each) that compiling cost more than the database's work. The
values written are the ones `bulk_create` would write (`Field.get_db_prep_save`, or the same
conversion done directly for plain text, numbers, dates and UUIDs), and `auto_now`/
`auto_now_add` times are set as it sets them. Only models whose primary key is given before
insertion (a UUID default) come here: nothing is read back.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import DateField, DateTimeField, Field, ForeignObject, Model, UUIDField
from django.utils import timezone

# Fields whose value is written as it is (the ORM's preparation returns it unchanged).
_AS_IS = {
    "CharField",
    "TextField",
    "BooleanField",
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
SQLITE_BATCH = 2000  # rows per executemany
_Convert = Callable[[Any], Any] | None


def supported(model: type[Model]) -> bool:
    """Whether `insert` can write `model`: its primary key is set before the row is saved."""
    return isinstance(model._meta.pk, UUIDField) and model._meta.pk.has_default()


def _uuid_hex(value: UUID | None) -> str | None:
    return None if value is None else value.hex


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _converter(field: Field[Any, Any]) -> _Convert:
    """How one field's value becomes the value handed to the driver; None for as it is."""
    vendor = connection.vendor
    target = field.target_field if isinstance(field, ForeignObject) else field
    kind = target.get_internal_type()
    if kind in _AS_IS:
        return None
    if isinstance(target, UUIDField):
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if isinstance(target, DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(target, DateField) and vendor == "sqlite":
        return _date_text
    if isinstance(target, DateField):
        return None

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


@cache
def _plan(model: type[Model], vendor: str) -> tuple[str, list[str], list[_Convert], list[str]]:
    fields = list(model._meta.local_concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    stamped = [
        f.attname
        for f in fields
        if isinstance(f, DateField) and (f.auto_now or f.auto_now_add)  # type: ignore[attr-defined]
    ]
    del vendor  # part of the cache key only: a test may switch database
    return (
        f"{table} ({columns})",
        [f.attname for f in fields],
        [_converter(f) for f in fields],
        stamped,
    )


def _values(rows: Sequence[Model], names: list[str], converters: list[_Convert]) -> list[tuple]:
    pairs = list(zip(names, converters, strict=True))
    out = []
    for row in rows:
        values = row.__dict__
        out.append(
            tuple(
                values[name] if convert is None or values[name] is None else convert(values[name])
                for name, convert in pairs
            )
        )
    return out


def insert(model: type[Model], rows: Sequence[Model], *, now: datetime | None = None) -> None:
    """Insert `rows` (new instances of `model`, primary keys set) in the current transaction."""
    if not rows:
        return
    assert supported(model), model
    target, names, converters, stamped = _plan(model, connection.vendor)
    now = now or timezone.now()
    for row in rows:
        for name in stamped:
            setattr(row, name, now)
    values = _values(rows, names, converters)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
        return
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {target} VALUES ({placeholders})"  # noqa: S608 — names from the model
    with connection.cursor() as cursor:
        for start in range(0, len(values), SQLITE_BATCH):
            cursor.executemany(sql, values[start : start + SQLITE_BATCH])
