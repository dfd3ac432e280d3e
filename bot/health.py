"""Is the bot fit to serve? For `cekfakta health` (the container's HEALTHCHECK) and `/healthz`.

Healthy means: the database file opens (read-only, so a check never creates or changes it), passes
SQLite's quick check and holds active facts; with the Bot API check, `getMe` also answers.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.store import reports
from bot.store.backup import folder_problem


@dataclass(frozen=True)
class Health:
    """The outcome of a check, with one line saying what was found."""

    ok: bool
    message: str
    facts: int = 0


def check_database(path: Path) -> Health:
    """Open the database read-only, run the quick check, count the active facts."""
    path = Path(path)
    if path.is_dir():
        return Health(False, folder_problem(path))
    if not path.is_file():
        return Health(False, f"no database at {path} (start the bot or run `cekfakta kb load` once)")
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as e:
        return Health(False, f"cannot open the database {path}: {e}")
    try:
        db = Database(connection)
        verdict = reports.quick_check(db)
        if verdict != "ok":
            return Health(False, f"the database {path} is damaged: {' '.join(verdict.split())}")
        facts = reports.active_fact_count(db)
    except sqlite3.Error as e:
        return Health(False, f"the database {path} cannot be read: {e}")
    finally:
        connection.close()
    if facts == 0:
        return Health(False, f"the database {path} holds no active facts (run `cekfakta kb load`)")
    return Health(True, f"database ok: {facts} active facts in {path}", facts)


def writable_problem(db_path: Path) -> str | None:
    """Why the database's folder cannot be written, or None.

    SQLite creates journal files beside the database, so the folder itself must be writable; a
    bind mount owned by root, with the container running as another user, is the usual cause.
    """
    folder = Path(db_path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".cekfakta-write-test-"):
            pass
        if Path(db_path).exists() and not os.access(db_path, os.R_OK | os.W_OK):
            raise PermissionError(f"{db_path} is not writable")
    except OSError as e:
        who = f"user id {os.getuid()}" if hasattr(os, "getuid") else "this user"
        return (f"cannot write to {folder} as {who} ({e.strerror or e}). The database and its journal need a "
                f"writable folder: with Docker, use a named volume (-v cekfakta:/data) or give the host folder "
                f"to that user (chown {os.getuid() if hasattr(os, 'getuid') else 'USER'} FOLDER)")
    return None
