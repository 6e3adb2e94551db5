"""SQLite as Cairn runs it: writers in one process queue for the database in turn.

SQLite lets one writer in at a time (every transaction starts `BEGIN IMMEDIATE`: settings). A
writer that finds the database busy is left to SQLite's busy handler, which sleeps and tries
again with growing sleeps (up to 100 ms each), in no order: with 16 gunicorn threads recording
at once, a request could lose the race again and again and wait seconds while others went
through. Here the threads of one process wait for the write lock in a queue of their own first,
so only one per process asks at a time; and that one takes an advisory file lock beside the
database (`<database>.writers`, `flock`) before `BEGIN`, so the processes (gunicorn's workers,
the background worker, a command) take turns too. The database is handed from writer to writer
as each commits, without sleeps (docs/performance.md, "Recording a concern"). A process that
dies lets go of the file lock with it. An in-memory database (the tests) is left as it was.

A statement that writes outside a transaction (an autocommit UPDATE or INSERT: the background
worker marking a task done, its heartbeat) takes its turn the same way for as long as it runs:
left to the busy handler, it found the database free only by chance between two queued
writers and could wait seconds while the web threads went through in turn.
"""

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_WRITERS = threading.Lock()
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_FILES: dict[str, int] = {}
_FILES_LOCK = threading.Lock()


def _lock_file(database: str) -> int:
    """This process's descriptor of the database's writers' lock file (opened once)."""
    with _FILES_LOCK:
        if database not in _FILES:
            _FILES[database] = os.open(f"{database}.writers", os.O_RDWR | os.O_CREAT, 0o600)
        return _FILES[database]


def _flock(fd: int, deadline: float) -> bool:
    """Take the file lock, waiting in the kernel; give up at `deadline` (monotonic)."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)


class _Cursor(base.SQLiteCursorWrapper):
    """Django's SQLite cursor, whose writes outside a transaction take the writers' turn."""

    wrapper: "DatabaseWrapper"

    def execute(self, query: str, params: Any = None) -> Any:
        with self.wrapper._autocommit_write_turn(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self.wrapper._autocommit_write_turn(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_lock = False

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.wrapper = self
        return cursor

    def _writer_lock_take(self) -> None:
        """Wait for this process's turn, then the other processes'; OperationalError after the
        connection's timeout."""
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        if not _WRITERS.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for the other writers)")
        self._holds_writer_lock = True
        try:
            fd = _lock_file(str(self.settings_dict["NAME"]))
            if not _flock(fd, deadline):
                raise OperationalError("database is locked (waited for the other processes)")
        except BaseException:
            self._writer_lock_release()
            raise

    @contextmanager
    def _autocommit_write_turn(self, query: str) -> Iterator[None]:
        """A statement that writes outside a transaction (SQLite commits it by itself) runs in
        the writers' turn; anything else runs as it is."""
        if (
            self._holds_writer_lock
            or self.connection.in_transaction
            or not query.lstrip()[:7].upper().startswith(_WRITES)
            or self.is_in_memory_db()
        ):
            yield
            return
        self._writer_lock_take()
        try:
            yield
        finally:
            self._writer_lock_release()

    def _start_transaction_under_autocommit(self) -> None:
        self.ensure_connection()
        if self.is_in_memory_db():
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        self._writer_lock_take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            # Interrupted (a worker's SIGTERM lands anywhere): no half-begun transaction is left
            # on the connection for the next atomic block to trip over.
            try:
                if self.connection is not None and self.connection.in_transaction:
                    self.connection.rollback()
            finally:
                self._writer_lock_release()
            raise

    def _writer_lock_release(self) -> None:
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            fcntl.flock(_lock_file(str(self.settings_dict["NAME"])), fcntl.LOCK_UN)
            _WRITERS.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._writer_lock_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._writer_lock_release()

    def close(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().close(*args, **kwargs)
        finally:
            self._writer_lock_release()
