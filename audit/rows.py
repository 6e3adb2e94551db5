"""Inserting many new rows of one model quickly: the columns and their conversions worked out
once per model, then one `executemany` (SQLite) or one COPY (PostgreSQL) per batch. Here, in
the lowest layer, because the trail's own batches (`services.record_many`) use it as well as
the importers above.

`bulk_create` compiles every row's every value through the ORM's SQL compiler; for an import of
50,000 children (about eleven rows each) that compiling cost more than the database's work. The
values written are the ones `bulk_create` would write (`Field.get_db_prep_save`, or the same
conversion done directly for plain text, numbers, dates and UUIDs), and `auto_now`/
`auto_now_add` times are set as it sets them. Nothing is read back: a row whose primary key
the database numbers (an auto field) is inserted without it and is not told it, so only models
with a UUID key set by default may be referred to afterwards. Their keys are time-ordered
(`_uuid7`), so that one batch's rows sit together in every index.

On PostgreSQL a caller may hand its COPYs to a `CopyThread`, which sends them on a writer
thread while the caller prepares its next batch (ADR 25).
"""

import io
import os
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from time import time_ns
from typing import Any
from uuid import UUID, SafeUUID

from django.db import connection
from django.db.models import (
    DateField,
    DateTimeField,
    Field,
    ForeignObject,
    JSONField,
    Model,
    UUIDField,
)
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
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


@cache
def _template(
    model: type[Model],
) -> tuple[dict[str, Any], list[tuple[str, Callable[[], Any]]], dict[str, str]]:
    """A new row's starting values: each concrete field's attribute with its default (the
    same object for every row, as `Field.get_default` gives it), the attributes whose default is
    a callable (called per row; `uuid.uuid4` is replaced by `_uuid7`, a time-ordered key), and
    the attribute behind each foreign key's name."""
    static: dict[str, Any] = {}
    calls: list[tuple[str, Callable[[], Any]]] = []
    relations = {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            default = field.default
            calls.append((field.attname, _uuid7 if default is uuid.uuid4 else default))
            static[field.attname] = None
        else:
            static[field.attname] = field.get_default()
        if field.is_relation:
            relations[field.name] = field.attname
    return static, calls, relations


_VERSION_7 = (0x7000 << 64) | (0x8000 << 48)
_VERSION_MASK = ~((0xF000 << 64) | (0xC000 << 48))
_RANDOM_80 = (1 << 80) - 1


def _uuid7() -> UUID:
    """A version-7 key (RFC 9562): the time in milliseconds, then 74 random bits from the
    operating system (the version and variant bits set), built from the number directly.

    Time-ordered rather than wholly random (`uuid.uuid4`) because the rows of one batch are
    then neighbours in every index keyed by them (their own key, and the foreign keys of the
    rows that refer to them). With random keys an import of 50,000 children touched pages all
    over two dozen indexes in every chunk, and once those indexes outgrew the database's cache
    the import slowed with every chunk (docs/performance.md, "Session 8: CTF import"). The key
    still cannot be guessed: 74 random bits (ADR 24)."""
    key = UUID.__new__(UUID)
    random = int.from_bytes(os.urandom(10)) & _RANDOM_80
    number = (time_ns() // 1_000_000) << 80 | random
    object.__setattr__(key, "int", number & _VERSION_MASK | _VERSION_7)
    object.__setattr__(key, "is_safe", SafeUUID.unknown)
    return key


def new[M: Model](model: type[M], **values: Any) -> M:
    """`model(**values)` for a row about to be inserted, without the general constructor's work
    (signals, every field looked up by keyword): defaults filled, foreign keys set from the
    objects given. Only field names and concrete values are accepted."""
    row = model.__new__(model)
    state = ModelState()
    row._state = state
    static, calls, relations = _template(model)
    attributes = row.__dict__
    attributes.update(static)
    for attname, default in calls:
        attributes[attname] = default()
    for name, attname in relations.items():
        if name in values and name != attname:
            value = values.pop(name)
            attributes[attname] = None if value is None else value.pk
            state.fields_cache[name] = value
    if not values.keys() <= attributes.keys():
        unknown = sorted(values.keys() - attributes.keys())
        raise TypeError(f"{model.__name__} has no field {unknown[0]!r}.")
    attributes.update(values)
    return row


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
        return _Stamp(connection.ops.adapt_datetimefield_value)
    if isinstance(target, DateField) and vendor == "sqlite":
        return _date_text
    if isinstance(target, DateField):
        return None
    if isinstance(target, JSONField):
        return _Json(field, connection.ops.adapt_json_value, target.encoder)

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


class _Json:
    """A JSON value as `JSONField.get_db_prep_save` prepares it: plain lists, dicts and
    scalars handed straight to the database's adapter, anything else through the field."""

    _PLAIN = (list, dict, str, int, float, bool)

    def __init__(self, field: Field[Any, Any], adapt: Callable[[Any, Any], Any], encoder: Any):
        self._field = field
        self._adapt = adapt
        self._encoder = encoder

    def __call__(self, value: Any) -> Any:
        if type(value) in self._PLAIN:
            return self._adapt(value, self._encoder)
        return self._field.get_db_prep_save(value, connection)


class _Stamp:
    """A time's conversion, remembered: the rows of one insert share their `now`."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self._convert = convert
        self._last: tuple[Any, Any] = (None, None)

    def __call__(self, value: datetime) -> Any:
        if self._last[0] is not value:
            self._last = (value, self._convert(value))
        return self._last[1]


@cache
def _plan(model: type[Model], vendor: str) -> tuple[str, list[str], list[_Convert], list[str]]:
    fields = [
        f
        for f in model._meta.local_concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    stamped = [
        f.attname for f in fields if isinstance(f, DateField) and (f.auto_now or f.auto_now_add)
    ]
    del vendor  # part of the cache key only: a test may switch database
    return (
        f"{table} ({columns})",
        [f.attname for f in fields],
        [_converter(f) for f in fields],
        stamped,
    )


def _values(
    rows: Sequence[Model], names: list[str], converters: list[_Convert]
) -> list[tuple[Any, ...]]:
    pick = itemgetter(*names)
    converting = [(i, c) for i, c in enumerate(converters) if c is not None]
    if not converting:
        return [pick(row.__dict__) for row in rows]
    out = []
    for row in rows:
        values = list(pick(row.__dict__))
        for index, convert in converting:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        out.append(tuple(values))
    return out


def insert(
    model: type[Model],
    rows: Sequence[Model],
    *,
    now: datetime | None = None,
    copier: "CopyThread | None" = None,
) -> None:
    """Insert `rows` (new instances of `model`) in the current transaction. With a `copier`
    (PostgreSQL), the rows' COPY is built now and sent when the copier's batch is."""
    if not rows:
        return
    target, names, converters, stamped = _plan(model, connection.vendor)
    now = now or timezone.now()
    for row in rows:
        for name in stamped:
            setattr(row, name, now)
    values = _values(rows, names, converters)
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias
    if copier is not None:
        copier.add(f"COPY {target} FROM STDIN", _copy_data(values))
        return
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


class QuickHandoffs:
    """While a COPY writer thread runs, the interpreter hands the GIL between threads every
    0.2 ms instead of every 5 ms.

    The writer sends each batch to PostgreSQL in 128 KB pieces (psycopg's chunk), waiting for
    the socket between pieces with the GIL released; to send the next piece it must take the
    GIL back from the parsing thread, which by default gives it up only every 5 ms. The server
    then sat idle for most of each wait: on a 40,000-pupil year the writer was busy for 22.6 s
    with the default and 17.2 s with 0.2 ms (ADR 7, "Bulk writes"; the CTF import's
    `CopyThread` sends a dozen COPYs a chunk and gains as much, ADR 25). The setting is the
    process's, so it is lowered while any import in the process is writing and restored when
    the last one ends; other threads meanwhile only switch more often."""

    INTERVAL = 0.0002

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writers = 0
        self._previous = sys.getswitchinterval()

    def enter(self) -> None:
        with self._lock:
            if self._writers == 0:
                self._previous = sys.getswitchinterval()
                sys.setswitchinterval(min(self._previous, self.INTERVAL))
            self._writers += 1

    def leave(self) -> None:
        with self._lock:
            self._writers -= 1
            if self._writers == 0:
                sys.setswitchinterval(self._previous)


quick_handoffs = QuickHandoffs()


def _copy_data(values: list[tuple[Any, ...]]) -> bytes:
    """The COPY text of `values`, formatted by the driver exactly as `cursor.copy` formats it
    (psycopg's `FileWriter`), without sending it."""
    # Imported here: a process on SQLite never loads the driver (about 8 MB of its memory).
    from psycopg.copy import Copy, FileWriter

    buffer = io.BytesIO()
    with (
        connection.connection.cursor() as cursor,
        Copy(cursor, writer=FileWriter(buffer)) as copy,
    ):
        for value in values:
            copy.write_row(value)
    return buffer.getvalue()


class CopyThread:
    """PostgreSQL: batches of COPYs sent on a writer thread that shares this connection, and
    so its transaction, while the caller prepares the next batch (ADR 25; the attendance
    import's "Bulk writes", ADR 7, do the same). The server stores and checks one batch while
    Python parses the next: the two run on different cores.

    The caller builds each COPY's text (`insert(..., copier=...)`, with the GIL), then `send`s
    the batch; the thread only sends bytes. A batch's COPYs run in a savepoint of their own, so
    a batch the database refuses leaves the transaction usable, as a refused insert in the
    caller's savepoint would. The caller must `wait` before it next uses the connection (to
    read what was written, or to write anything else): a statement made while a batch is in
    flight could land inside that savepoint. `wait` raises the batch's error as Django's
    (`IntegrityError` for a refused row). `close` ends the thread, waiting for any batch."""

    def __init__(self) -> None:
        self._parts: list[tuple[str, bytes]] = []
        self._thread: ThreadPoolExecutor | None = None
        self._in_flight: Future[None] | None = None
        self.sending = ""  # what the batch in flight holds, in the caller's words

    def add(self, statement: str, data: bytes) -> None:
        self._parts.append((statement, data))

    def send(self, *, what: str = "") -> None:
        """Hand the COPYs added since the last `send` to the writer thread, in order; `what`
        names them for the caller's report of an error."""
        self.wait()
        parts, self._parts = self._parts, []
        if not parts:
            return
        self.sending = what
        if self._thread is None:
            quick_handoffs.enter()
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cairn-copy")
        raw = connection.connection

        def copy() -> None:
            with raw.cursor() as cursor:
                cursor.execute("SAVEPOINT cairn_copy")
                try:
                    for statement, data in parts:
                        with cursor.copy(statement) as stream:
                            stream.write(data)
                except BaseException:
                    cursor.execute("ROLLBACK TO SAVEPOINT cairn_copy")
                    raise
                cursor.execute("RELEASE SAVEPOINT cairn_copy")

        self._in_flight = self._thread.submit(copy)

    def wait(self) -> None:
        """Wait until the batch in flight is stored; raise its error here."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            with connection.wrap_database_errors:
                in_flight.result()

    def close(self) -> None:
        """Wait for the batch in flight (raising its error) and end the thread."""
        try:
            self.wait()
        finally:
            self._parts = []
            if self._thread is not None:
                try:
                    self._thread.shutdown(wait=True)
                finally:
                    self._thread = None
                    quick_handoffs.leave()
