"""Checking, backing up and restoring the database file, with SQLite's online backup API.

- `check_database` runs at every start: a folder, a file that is not SQLite, a SQLite file of another
  application, or a corrupt one is refused with one clear line, and never written to.
- `backup` copies the live database (the bot may be running) into a new file, consistently.
- `restore` checks a copy thoroughly before anything is replaced, keeps the current database beside
  it, then copies the checked file in, again through the backup API so that a running bot's
  write-ahead log stays consistent.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import StoreError, UserError

MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' record of applied migrations
MIGRATIONS_NAME = "cekfakta"


def folder_problem(path: Path) -> str:
    """What is wrong when the database path is a folder (said alike by every command)."""
    return f"{path} is a folder, not a database file (set CEKFAKTA_DB to a file)"


def check_database(path: Path, thorough: bool = False) -> None:
    """Raise StoreError unless `path` is absent, empty, or a healthy cekfakta database.
    A quick check by default (pages and structure); `thorough` runs the full integrity check."""
    if path.is_dir():
        raise StoreError(folder_problem(path))
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with open(path, "rb") as file:
            header = file.read(16)
    except OSError as e:
        raise StoreError(f"cannot read {path}: {e.strerror or e}") from None
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a SQLite database; it was left untouched")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as e:
        raise StoreError(f"cannot open {path}: {e}") from None
    try:
        verdict = connection.execute(f"PRAGMA {'integrity_check' if thorough else 'quick_check'}").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"{path} is damaged ({verdict}); restore a backup with `cekfakta restore`")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and (MIGRATIONS_TABLE not in tables or not connection.execute(
                f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATIONS_NAME]).fetchone()):
            raise StoreError(f"{path} is a SQLite database of another application; it was left untouched")
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path} is damaged ({e}); restore a backup with `cekfakta restore`") from None
    finally:
        connection.close()


def backup(database: Path, target: Path) -> None:
    """Copy the live database to `target` (a new file), consistently, while others may write."""
    if target.exists():  # a bad command line, not a configuration error
        raise UserError("cli.backup_exists", path=str(target))
    check_database(database)
    if not database.exists():
        raise StoreError(f"{database} does not exist; nothing to back up")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file: no -wal or -shm beside it
        finally:
            copy.close()
    except sqlite3.Error as e:
        target.unlink(missing_ok=True)
        raise StoreError(f"backup failed: {e}") from None
    finally:
        source.close()
    check_database(target, thorough=True)


def restore(copy: Path, database: Path) -> Path | None:
    """Replace the database with a checked copy; returns where the previous database was kept."""
    # A bad copy is a bad command line (exit 2); a bad database (CEKFAKTA_DB) is a configuration error.
    if not copy.is_file():
        raise UserError("cli.bad_backup", problem=f"{copy} is not a file")
    if copy.stat().st_size == 0:
        raise UserError("cli.bad_backup", problem=f"{copy} is empty; it is not a backup")
    try:
        check_database(copy, thorough=True)
    except StoreError as e:
        raise UserError("cli.bad_backup", problem=str(e)) from None
    check_database(database)
    kept = None
    if database.exists() and database.stat().st_size:
        kept = database.with_name(f"{database.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        backup(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as e:
        raise StoreError(f"restore failed ({e}); the previous database is in {kept}") from None
    finally:
        source.close()
    return kept
