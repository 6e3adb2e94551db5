"""SQLite's writers take turns (config/sqlite/base.py): the threads of a process queue for the
write lock, and processes take a file lock beside the database, so nobody is left to SQLite's
sleeping busy handler. Real connections to a real database file."""

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from config.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_files(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path, *, timeout: float = 5) -> DatabaseWrapper:
    settings = {
        **connection.settings_dict,
        "ENGINE": "config.sqlite",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
    }
    return DatabaseWrapper(settings, alias=f"writers-{path.name}")


def _begin_in_thread(
    path: Path, *, timeout: float = 5
) -> tuple[threading.Thread, threading.Event, list[Any]]:
    """Another thread (its own connection, as each gunicorn thread has) writing one row."""
    began = threading.Event()
    errors: list[Any] = []

    def run() -> None:
        db = _wrapper(path, timeout=timeout)
        try:
            db._start_transaction_under_autocommit()
            began.set()
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")
            db.commit()
        except Exception as error:
            errors.append(error)
        finally:
            db.close()

    thread = threading.Thread(target=run)
    return thread, began, errors


def _table(path: Path) -> None:
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    db.close()


def _rows(path: Path) -> list[int]:
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        rows = [row[0] for row in cursor.fetchall()]
    db.close()
    return rows


def test_a_second_writer_in_the_process_waits_its_turn_then_goes_in(tmp_path):
    path = tmp_path / "turns.sqlite3"
    _table(path)
    first = _wrapper(path)
    first._start_transaction_under_autocommit()
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    thread, began, errors = _begin_in_thread(path)
    thread.start()
    assert not began.wait(0.3)  # queued behind the first writer, not inside SQLite
    first.commit()
    thread.join(5)
    assert began.is_set()
    assert not errors
    first.close()
    assert _rows(path) == [1, 2]


@pytest.mark.parametrize("ending", ["rollback", "close"])
def test_a_writer_that_rolls_back_or_closes_lets_the_next_in(tmp_path, ending):
    path = tmp_path / f"{ending}.sqlite3"
    _table(path)
    first = _wrapper(path)
    first._start_transaction_under_autocommit()
    thread, began, errors = _begin_in_thread(path)
    thread.start()
    assert not began.wait(0.2)
    getattr(first, ending)()
    thread.join(5)
    assert began.is_set()
    assert not errors
    assert _rows(path) == [2]


def test_another_process_holding_the_file_lock_is_waited_for(tmp_path):
    path = tmp_path / "processes.sqlite3"
    _table(path)
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)  # a separate open file: another process, to flock
    thread, began, errors = _begin_in_thread(path)
    thread.start()
    assert not began.wait(0.3)
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    thread.join(5)
    assert began.is_set()
    assert not errors
    assert _rows(path) == [2]


def test_a_writer_waiting_too_long_is_told_the_database_is_locked(tmp_path):
    path = tmp_path / "timeout.sqlite3"
    _table(path)
    first = _wrapper(path)
    first._start_transaction_under_autocommit()
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        thread, _began, errors = _begin_in_thread(path, timeout=0.2)
        thread.start()
        thread.join(5)
        assert len(errors) == 1
        assert isinstance(errors[0], OperationalError)
        assert "waited for the other writers" in str(errors[0])
    finally:
        first.rollback()
        first.close()
    fcntl.flock(other, fcntl.LOCK_EX)  # a process, not a thread, holds it now
    try:
        db = _wrapper(path, timeout=0.2)
        with pytest.raises(OperationalError, match="waited for the other processes"):
            db._start_transaction_under_autocommit()
        db.close()
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    db = _wrapper(path)  # the refused writer let go of the process's turn
    db._start_transaction_under_autocommit()
    db.rollback()
    db.close()


def test_an_in_memory_database_is_left_to_sqlite(tmp_path):
    db = _wrapper(Path(":memory:"))
    db._start_transaction_under_autocommit()
    assert not db._holds_writer_lock
    db.rollback()
    db.close()


def _autocommit_write_in_thread(path: Path, *, timeout: float = 5):
    """Another thread writing one row outside any transaction (SQLite commits it by itself),
    as the background worker marks a task done."""
    done = threading.Event()
    errors: list[Any] = []

    def run() -> None:
        db = _wrapper(path, timeout=timeout)
        try:
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (3)")
            done.set()
        except Exception as error:
            errors.append(error)
        finally:
            db.close()

    return threading.Thread(target=run), done, errors


def test_a_write_outside_a_transaction_takes_its_turn_too(tmp_path):
    path = tmp_path / "autocommit.sqlite3"
    _table(path)
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)  # another process's writer has the turn
    thread, done, errors = _autocommit_write_in_thread(path)
    thread.start()
    assert not done.wait(0.3)  # waiting in turn, not slipped in while the turn is taken
    fcntl.flock(other, fcntl.LOCK_UN)
    thread.join(5)
    assert done.is_set()
    assert not errors
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # and it gave the turn back
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    assert _rows(path) == [3]


def test_a_write_outside_a_transaction_waiting_too_long_is_refused(tmp_path):
    path = tmp_path / "autocommit-timeout.sqlite3"
    _table(path)
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        thread, done, errors = _autocommit_write_in_thread(path, timeout=0.2)
        thread.start()
        thread.join(5)
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    assert not done.is_set()
    assert len(errors) == 1
    assert "waited for the other processes" in str(errors[0])
    assert _rows(path) == []
    thread, done, errors = _autocommit_write_in_thread(path)  # the turn was let go
    thread.start()
    thread.join(5)
    assert done.is_set()


def test_reads_and_writes_inside_a_transaction_do_not_ask_again(tmp_path):
    path = tmp_path / "inside.sqlite3"
    _table(path)
    db = _wrapper(path)
    db._start_transaction_under_autocommit()
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")  # in the transaction's turn
        cursor.execute("SELECT n FROM t")
        assert cursor.fetchall() == [(1,)]
    db.commit()
    assert not db._holds_writer_lock
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)  # a read outside a transaction needs no turn
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone() == (1,)
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    with db.cursor() as cursor:
        cursor.executemany("INSERT INTO t VALUES (%s)", [(2,), (3,)])
    db.close()
    assert _rows(path) == [1, 2, 3]
