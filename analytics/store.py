# ruff: noqa: S608 (SQL built from table names and numbers Cairn itself holds; no user text)
"""A columnar copy, kept in each process, of the append-only records the dashboards read.

Concerns, their subjects, versions and categories, decisions, actions, completions, Operation
Encompass notifications and known factors (with their withdrawals) are never updated in place or
deleted (STYLE.md; the
concerns app's services only add rows). So each table's copy only ever needs the rows added
since it was last read. On each dashboard:

1. every table is counted (a count without a join is cheap on both databases);
2. a table whose count has grown is read again from a *position* a little before where the
   last read ended — the row id on SQLite, the inserting transaction on PostgreSQL (everything
   from the oldest transaction that was still running at the last read) — and the rows are
   added by primary key, so a row read twice is kept once;
3. if the copy's count still differs from the database's (a position that cannot be trusted:
   a vacuum renumbering SQLite row ids, PostgreSQL transaction ids wrapping around, a record
   removed by hand), the table is read whole again.

So the copy is never stale: it holds exactly the rows the count says, and a new concern costs
the next dashboard a read of a few rows instead of every table (ADR 11, "Incremental copy").
The roll changes in place (pupils' details, enrolments), so it is not read incrementally: each
roll the dashboards read is kept whole (`kept`) under the roll change log's marker
(`roll_marker`, written by database triggers), and read again once the marker moves.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Model, QuerySet
from django.db.models.expressions import RawSQL

from analytics.models import RollChange
from concerns.models import (
    Action,
    ActionCompletion,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Part,
)
from factors.models import KnownFactor, KnownFactorWithdrawal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """One append-only table as the dashboards read it: its rows (primary key first) and how
    to type each column in DuckDB (see `analytics.engine._CASTS`)."""

    name: str
    model: type[Model]
    rows: Callable[[], QuerySet[Any]]
    columns: dict[str, str]


_Through = ConcernVersion.categories.through
_EncompassPupils = EncompassNotification.pupils.through

SOURCES: tuple[Source, ...] = (
    Source(
        "base_concerns",
        Concern,
        lambda: Concern.objects.values_list("id", "school_id", "occurred_at", "written_at"),
        {"pk": "uuid", "school_id": "uuid", "occurred": "local_date", "written": "epoch"},
    ),
    Source(
        "base_subjects",
        ConcernPupil,
        lambda: ConcernPupil.objects.filter(part=Part.SUBJECT).values_list(
            "id", "concern_id", "pupil_id"
        ),
        {"pk": "bigint", "concern_id": "uuid", "pupil_id": "uuid"},
    ),
    Source(
        "base_versions",
        ConcernVersion,
        lambda: ConcernVersion.objects.values_list("id", "concern_id", "number", "written_at"),
        {"pk": "bigint", "concern_id": "uuid", "number": "int", "written": "epoch"},
    ),
    Source(
        "base_version_categories",
        _Through,
        lambda: _Through.objects.values_list("id", "concernversion_id", "category_id"),
        {"pk": "bigint", "version_id": "bigint", "category_id": "uuid"},
    ),
    Source(
        "base_decisions",
        Decision,
        lambda: Decision.objects.values_list(
            "id", "concern_id", "outcome", "decided_at", "review_date"
        ),
        {
            "pk": "uuid",
            "concern_id": "uuid",
            "outcome": "text",
            "decided": "epoch",
            "review_date": "date",
        },
    ),
    Source(
        "base_actions",
        Action,
        lambda: Action.objects.values_list("id", "concern_id", "due_on", "created_at"),
        {"pk": "uuid", "concern_id": "uuid", "due_on": "date", "created": "epoch"},
    ),
    Source(
        "base_completions",
        ActionCompletion,
        lambda: ActionCompletion.objects.values_list("id", "action_id", "completed_at"),
        {"pk": "bigint", "action_id": "uuid", "completed": "epoch"},
    ),
    Source(
        "base_factors",
        KnownFactor,
        lambda: KnownFactor.objects.values_list(
            "id", "school_id", "pupil_id", "code", "known_from", "recorded_at"
        ),
        {
            "pk": "uuid",
            "school_id": "uuid",
            "pupil_id": "uuid",
            "code": "text",
            "known_from": "date",
            "recorded": "epoch",
        },
    ),
    Source(
        "base_factor_withdrawals",
        KnownFactorWithdrawal,
        lambda: KnownFactorWithdrawal.objects.values_list("id", "factor_id", "withdrawn_at"),
        {"pk": "bigint", "factor_id": "uuid", "withdrawn": "epoch"},
    ),
    Source(
        "base_encompass",
        _EncompassPupils,
        lambda: _EncompassPupils.objects.values_list(
            "id",
            "encompassnotification__school_id",
            "pupil_id",
            "encompassnotification__occurred_at",
        ),
        {"pk": "bigint", "school_id": "uuid", "pupil_id": "uuid", "occurred": "epoch"},
    ),
)


def roll_marker() -> tuple[int, int]:
    """Where the roll's change log stands (migration analytics/0002): any committed change to
    pupils or enrolments moves it. Read before the roll is, so a change committed in between
    is seen by the next dashboard."""
    row = RollChange.objects.aggregate(count=Count("id"), newest=Max("id"))
    return int(row["count"]), int(row["newest"] or 0)


def _position_sql(model: type[Model]) -> str:
    """Where a row sits in insertion order, as SQL on the model's own table."""
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        return f"{table}.xmin::text::bigint"
    return f"{table}.rowid"


def _high_water(model: type[Model]) -> int:
    """A position at or before every row not yet committed, read before the rows are."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The oldest transaction still running: its rows, and every later one's, are read
            # next time. Row xmin is the 32-bit transaction id.
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            return int(cursor.fetchone()[0]) % (1 << 32)
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}")
        return int(cursor.fetchone()[0])


# How the engine writes a queryset's rows into a new DuckDB table: (db, name, rows, columns).
Loader = Callable[[duckdb.DuckDBPyConnection, str, QuerySet[Any], dict[str, str]], None]


DERIVED_KEPT = 8


@dataclass
class _TableState:
    count: int = -1
    position: int | None = None


@dataclass
class RefreshReport:
    """What the last refresh read: table name -> 'kept', 'added N' or 'reloaded N'."""

    tables: dict[str, str]


class Store:
    """The process's copy. `refresh()` under the lock; readers use `cursor()`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # held by a reader of a derived table, too
        self.db = duckdb.connect()
        self.state = {source.name: _TableState() for source in SOURCES}
        self.last = RefreshReport(tables={})
        self.derived_tables: dict[tuple[object, ...], str] = {}
        self.derived_names: list[tuple[object, ...]] = []
        self.derived_made = 0

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.db.cursor()

    def derived(self, key: tuple[object, ...], sql: Callable[[], str]) -> str:
        """The name of a table holding `sql`'s result, made once per `key` and kept for the
        next dashboard (the newest few are kept). The key must name everything the result
        depends on: e.g. the attendance copies' file names, which change with every import."""
        return self.kept(key, lambda name: self.db.execute(f"CREATE TABLE {name} AS {sql()}"))

    def kept(self, key: tuple[object, ...], build: Callable[[str], object]) -> str:
        """The name of a table `build(name)` made once per `key` in this copy and kept for the
        next dashboard (the newest few are kept); see `derived`."""
        with self.lock:
            name = self.derived_tables.get(key)
            if name is None:
                name = f"derived_{self.derived_made}"
                self.derived_made += 1
                build(name)
                self.derived_tables[key] = name
                self.derived_names.append(key)
                while len(self.derived_names) > DERIVED_KEPT:
                    self._drop(self.derived_names[0])
            return name

    def forget(self, stale: Callable[[tuple[object, ...]], bool]) -> None:
        """Drop the kept tables whose key `stale` says can no longer be asked for."""
        with self.lock:
            for key in [k for k in self.derived_names if stale(k)]:
                self._drop(key)

    def _drop(self, key: tuple[object, ...]) -> None:
        self.derived_names.remove(key)
        self.db.execute(f"DROP TABLE {self.derived_tables.pop(key)}")

    def refresh(self, load: "Loader") -> RefreshReport:
        """Bring every table up to the database's rows. `load(db, name, queryset, columns)`
        writes a queryset's rows into a new DuckDB table (the engine's typed loader)."""
        report: dict[str, str] = {}
        with self.lock:
            for source in SOURCES:
                report[source.name] = self._refresh_one(source, load)
            self.last = RefreshReport(tables=report)
        return self.last

    def _refresh_one(self, source: Source, load: "Loader") -> str:
        state = self.state[source.name]
        count = source.rows().count()
        if count == state.count:
            return "kept"
        if state.position is not None and count > state.count:
            position = _high_water(source.model)
            delta = (
                source.rows()
                .alias(_position=RawSQL(_position_sql(source.model), ()))  # noqa: S611
                .filter(_position__gte=state.position)
            )
            load(self.db, "delta", delta, source.columns)
            before = state.count
            self.db.execute(
                f"INSERT INTO {source.name} SELECT * FROM delta "
                f"WHERE pk NOT IN (SELECT pk FROM {source.name})"
            )
            self.db.execute("DROP TABLE delta")
            have = self._count(source.name)
            if have == count:
                state.count, state.position = count, position
                return f"added {count - before}"
        position = _high_water(source.model)
        self.db.execute(f"DROP TABLE IF EXISTS {source.name}")
        load(self.db, source.name, source.rows(), source.columns)
        state.count, state.position = self._count(source.name), position
        return f"reloaded {state.count}"

    def _count(self, name: str) -> int:
        row = self.db.execute(f"SELECT count(*) FROM {name}").fetchone()
        assert row is not None
        return int(row[0])


_STORE: Store | None = None
_STORE_LOCK = threading.Lock()


def store() -> Store:
    """This process's copy, made on first use."""
    global _STORE  # noqa: PLW0603 (one copy per process, by design)
    with _STORE_LOCK:
        if _STORE is None:
            _STORE = Store()
        return _STORE


def warm_in_background() -> threading.Thread | None:
    """Read the copy on a background thread (a gunicorn worker's start; config/gunicorn.py).

    A dashboard that arrives meanwhile waits on the lock and then finds the copy read."""
    if not settings.CAIRN_ANALYTICS_WARM_ON_START:
        return None

    def warm() -> None:
        from analytics.engine import load_rows  # the engine imports this module

        try:
            store().refresh(load_rows)
        except Exception:
            logger.exception(
                "reading the analytics copy at start-up failed; the first "
                "dashboard will read it instead"
            )
        finally:
            connection.close()

    thread = threading.Thread(target=warm, name="cairn-analytics-warm", daemon=True)
    thread.start()
    return thread


def reset() -> None:
    """Forget the copy (tests roll back their records; benchmarks measure a cold start)."""
    global _STORE  # noqa: PLW0603
    with _STORE_LOCK:
        if _STORE is not None:
            _STORE.db.close()
        _STORE = None


__all__ = [
    "SOURCES",
    "RefreshReport",
    "Source",
    "Store",
    "reset",
    "roll_marker",
    "store",
    "warm_in_background",
]
