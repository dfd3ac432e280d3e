"""`cekfakta health`: healthy, no database, an empty one, a corrupt file, and the Bot API down.

The exit code is what Docker's HEALTHCHECK reads: 0 healthy, 1 not; either way one line says why.
"""

import os
import socket
import sqlite3

import pytest
from fakes import TOKEN

from bot.health import check_database, writable_problem


def _one_line(text: str) -> str:
    assert text.strip().count("\n") == 0, text
    assert "Traceback" not in text
    return text.strip()


def test_healthy_when_the_database_is_seeded(run_cli, db_path):
    run_cli("kb", "stats")  # first use seeds the database
    result = run_cli("health")
    assert result.returncode == 0, result.stderr
    assert _one_line(result.stdout).startswith("database ok: 44 active facts in")


def test_no_database_is_unhealthy_and_not_created(run_cli, db_path):
    result = run_cli("health")
    assert result.returncode == 1
    expected = f"cekfakta: no database at {db_path} (start the bot or run `cekfakta kb load` once)"
    assert _one_line(result.stderr) == expected
    assert not db_path.exists() and not db_path.parent.exists()


def test_a_folder_is_named_as_a_folder_as_every_command_does(run_cli, tmp_path):
    result = run_cli("health", env={"CEKFAKTA_DB": str(tmp_path)})
    assert result.returncode == 1  # unhealthy, as Docker's HEALTHCHECK reads it
    assert _one_line(result.stderr) == f"cekfakta: {tmp_path} is a folder, not a database file (set CEKFAKTA_DB to a file)"
    assert f"{tmp_path} is a folder, not a database file" in run_cli("ask", "blk", env={"CEKFAKTA_DB": str(tmp_path)}).stderr


@pytest.mark.parametrize("make", ["empty file", "schema without facts"])
def test_an_empty_database_is_unhealthy(run_cli, db_path, make):
    db_path.parent.mkdir(parents=True)
    if make == "empty file":
        db_path.write_bytes(b"")
    else:
        connection = sqlite3.connect(db_path)
        connection.execute("CREATE TABLE facts (id TEXT, status TEXT)")
        connection.commit()
        connection.close()
    result = run_cli("health")
    assert result.returncode == 1
    assert "holds no active facts" in _one_line(result.stderr)


def test_a_file_that_is_not_a_database_is_unhealthy(run_cli, db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not SQLite " * 500)
    result = run_cli("health")
    assert result.returncode == 1
    assert "cannot be read: file is not a database" in _one_line(result.stderr)


def test_a_database_damaged_inside_is_unhealthy(run_cli, db_path):
    run_cli("kb", "stats")
    size = db_path.stat().st_size
    with db_path.open("r+b") as f:  # overwrite pages in the middle, leaving the header intact
        f.seek(size // 2)
        f.write(os.urandom(16384))
    result = run_cli("health")
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert "damaged" in line or "cannot be read" in line, line


def test_the_check_does_not_change_a_healthy_database(seeded_service):
    path = seeded_service.settings.db_path
    before = path.stat().st_mtime_ns
    health = check_database(path)
    assert health.ok and health.facts == 44
    assert path.stat().st_mtime_ns == before


def test_bot_api_check_passes_when_getme_answers(run_cli, bot_api):
    run_cli("kb", "stats")
    result = run_cli("health", "--bot-api", env={"TELEGRAM_BOT_TOKEN": TOKEN, "CEKFAKTA_BOT_API_URL": bot_api.base_url})
    assert result.returncode == 0, result.stderr
    assert _one_line(result.stdout).endswith("Bot API ok: @cekfakta_test_bot")
    assert bot_api.calls_to("getMe")


def test_bot_api_down_is_unhealthy(run_cli):
    run_cli("kb", "stats")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the check: nothing listens there
    result = run_cli("health", "--bot-api", env={"TELEGRAM_BOT_TOKEN": TOKEN,
                                                 "CEKFAKTA_BOT_API_URL": f"http://127.0.0.1:{port}/bot"})
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert line.startswith(f"cekfakta: cannot reach the Bot API at http://127.0.0.1:{port}/bot") and TOKEN not in line


def test_bot_api_answering_with_errors_is_unhealthy(run_cli, bot_api):
    run_cli("kb", "stats")
    bot_api.fail_next("getMe", 502, "Bad Gateway")
    result = run_cli("health", "--bot-api", env={"TELEGRAM_BOT_TOKEN": TOKEN, "CEKFAKTA_BOT_API_URL": bot_api.base_url})
    assert result.returncode == 1
    assert "cannot reach the Bot API" in _one_line(result.stderr)


def test_a_rejected_token_is_unhealthy(run_cli, bot_api):
    run_cli("kb", "stats")
    other = "987654321:AAF-another-token-the-server-does-not-know"
    result = run_cli("health", "--bot-api", env={"TELEGRAM_BOT_TOKEN": other, "CEKFAKTA_BOT_API_URL": bot_api.base_url})
    assert result.returncode == 1
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in _one_line(result.stderr) and other not in result.stderr


# -- a database folder the bot cannot write ---------------------------------------------------------

NOBODY = 65534


def _as_other_user(check, *args) -> str | None:
    """Run `check(*args)` in a child process as an unprivileged user (root may write anywhere)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, run the check, report, leave without cleanup
        try:
            os.close(read)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            answer = check(*args) or ""
            os.write(write, answer.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return answer or None


@pytest.fixture
def root_owned_folder(tmp_path):
    """A folder like a bind mount that root owns and others may only read, as /data in the issue."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    tmp_path.chmod(0o755)
    return folder


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_folder_the_user_cannot_write_is_named_with_the_fix(root_owned_folder):
    if os.geteuid() == 0:
        problem = _as_other_user(writable_problem, root_owned_folder / "cekfakta.db")
        uid = NOBODY
    else:
        root_owned_folder.chmod(0o555)
        problem = writable_problem(root_owned_folder / "cekfakta.db")
        uid = os.getuid()
    assert problem is not None
    assert problem.startswith(f"cannot write to {root_owned_folder} as user id {uid}")
    assert "chown" in problem and "-v cekfakta:/data" in problem


def test_a_writable_folder_passes(tmp_path):
    assert writable_problem(tmp_path / "new" / "cekfakta.db") is None
    assert not [p for p in (tmp_path / "new").iterdir()]  # the probe file is gone


def test_the_command_stops_with_a_configuration_error_when_the_folder_is_not_writable(run_cli, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    result = run_cli("ask", "BSU", env={"CEKFAKTA_DB": str(blocker / "cekfakta.db")})
    assert result.returncode == 78
    assert _one_line(result.stderr).startswith(f"cekfakta: CEKFAKTA_DB: cannot write to {blocker}")
