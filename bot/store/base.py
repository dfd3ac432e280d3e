"""What every part of the store shares: the clock and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database


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
