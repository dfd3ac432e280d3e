"""What every part of the store shares: the clock and write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another writer's lock before "database is locked"


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the database file, set up for many writers (WAL, a busy timeout)."""
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
    connection.execute("PRAGMA recursive_triggers=on")
    return connection


class ThreadDatabase(Database):
    """A sqlite-utils Database with one connection per thread.

    The bot reads on its event loop's thread and writes on a worker thread (`bot.tg.blocking`). A
    connection's transaction (and sqlite-utils' savepoint around each query) belongs to the whole
    connection, so two threads must never share one: each gets its own, to the same file.
    """

    def __init__(self, path: Path):
        self._path = path
        self._local = threading.local()
        super().__init__(connect(path))

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        connection = getattr(self._local, "conn", None)
        if connection is None:
            connection = self._local.conn = connect(self._path)
        return connection

    @conn.setter
    def conn(self, connection: sqlite3.Connection) -> None:
        self._local.conn = connection


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def days_ago(days: float, now: datetime | None = None) -> str:
    """An ISO UTC time `days` before now."""
    return ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """A write transaction that takes the database's write lock at once (BEGIN IMMEDIATE), so that it
    never fails half-way on a lock another writer holds; nested blocks become savepoints."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")


def insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert a row; returns its integer primary key."""
    key = db.table(table).insert(row).last_pk
    assert key is not None
    return int(key)
