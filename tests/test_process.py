"""The `cekfakta` process under attack and faults: the webhook's secret, repeated and poison updates,
a token revoked while running."""

import json
import subprocess
import sys
import time

import pytest
from conftest import OWNER
from fakes import POISON_POLL, Updates, post_webhook
from test_tg_run import _env, _free_port, running, stop

from bot.errors import EXIT_CONFIG, EXIT_TEMPFAIL, EXIT_USAGE

pytestmark = pytest.mark.e2e


def post(url: str, payload: dict, secret: str | None) -> int:
    return post_webhook(url, json.dumps(payload).encode(), secret)


def test_the_webhook_always_has_a_secret_and_handles_each_update_once(bot_api, tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = _env(bot_api, tmp_path, CEKFAKTA_OWNER_IDS=str(OWNER))
    updates = Updates()
    with running("run", "--webhook-url", url, "--port", str(port), env=env, cwd=tmp_path) as process:
        [registered] = bot_api.wait_for("setWebhook", 1, timeout=30)
        secret = registered["secret_token"]
        assert len(secret) >= 32  # none configured: one was generated
        assert set(json.loads(registered["allowed_updates"]) if isinstance(registered["allowed_updates"], str)
                   else registered["allowed_updates"]) == {"message", "edited_message", "callback_query"}
        forged = updates.message("/mod tambah 31337", user_id=OWNER)
        assert post(url, forged, None) == 403 and post(url, forged, "guess") == 403
        poison = {"update_id": 900, **POISON_POLL}
        assert post(url, poison, secret) == 200  # read as an empty update: not repeated by Telegram
        question = updates.message("BSU hoaks", user_id=55)
        assert post(url, question, secret) == 200
        assert post(url, question, secret) == 200  # Telegram re-posts after a timeout
        bot_api.wait_for("sendMessage", 1, timeout=30)
        time.sleep(1.0)
        stderr = stop(process)
    assert process.returncode == 0, stderr
    sent = bot_api.sent()
    assert len(sent) == 1 and "BSU" in sent[0]["text"]  # once, and nothing for the forged command
    assert "31337" not in json.dumps(sent)
    assert stderr.count("could not be read") == 1 and "Benar" not in stderr


def test_a_poison_update_is_skipped_and_polling_goes_on(bot_api, tmp_path):
    with running(env=_env(bot_api, tmp_path), cwd=tmp_path) as process:
        bot_api.wait_for("setMyCommands", 2, timeout=30)
        bot_api.push_update(POISON_POLL)
        updates = Updates()
        for n in range(5):
            bot_api.push_update(updates.message("BSU hoaks", user_id=60 + n))
        assert len(bot_api.wait_for("sendMessage", 5, timeout=30)) == 5
        stderr = stop(process)
    assert stderr.count("could not be read") == 1 and "Benar" not in stderr and "Warga" not in stderr


def test_a_token_revoked_while_running_ends_the_process_non_zero(bot_api, tmp_path):
    with running(env=_env(bot_api, tmp_path), cwd=tmp_path) as process:
        bot_api.wait_for("setMyCommands", 2, timeout=30)
        bot_api.token = "987654321:AAF-the-token-was-revoked-by-botfather"  # every call now answers 401
        started = time.monotonic()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            raise AssertionError("the process stayed up with a revoked token") from None
        stderr = process.stderr.read()
    assert process.returncode == EXIT_CONFIG and time.monotonic() - started < 20  # EX_CONFIG: a restart will not help
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in stderr


def test_cli_backup_and_restore(run_cli, tmp_path, db_path):
    assert run_cli("kb", "stats").returncode == 0
    copy = tmp_path / "copies" / "backup.db"
    made = run_cli("backup", str(copy))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in copy.parent.iterdir()) == ["backup.db"]  # one file, no -wal or -shm
    again = run_cli("backup", str(copy))
    assert again.stderr.strip() == f"cekfakta: {copy} exists; choose a new file name for the backup"
    assert again.returncode == EXIT_USAGE  # a bad command line, not the configuration
    assert run_cli("restore", str(tmp_path / "missing.db")).returncode == EXIT_USAGE
    foreign = tmp_path / "foreign.db"
    subprocess.run([sys.executable, "-c", f"import sqlite3; sqlite3.connect({str(foreign)!r}).execute('create table t(x)')"],
                   check=True)
    refused = run_cli("restore", str(foreign))
    assert refused.returncode == EXIT_USAGE and "another application" in refused.stderr and "Traceback" not in refused.stderr
    restored = run_cli("restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "previous database" in restored.stdout
    kept = [p.name for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and not kept[0].endswith(("-wal", "-shm"))  # the saved copy is one file


@pytest.mark.parametrize("content, problem", [
    (b"this is not a database at all" * 10, "is not a SQLite database"),
    (None, "is a folder"),
])
def test_a_bad_database_file_is_one_line_and_left_untouched(run_cli, db_path, content, problem):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        db_path.mkdir()
    else:
        db_path.write_bytes(content)
    result = run_cli("ask", "BSU hoaks")
    assert result.returncode == EXIT_CONFIG and problem in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    if content is not None:
        assert db_path.read_bytes() == content


def test_a_corrupt_database_is_refused_at_start(run_cli, db_path):
    assert run_cli("kb", "stats").returncode == 0
    data = bytearray(db_path.read_bytes())
    data[4096 * 3: 4096 * 3 + 200] = b"\xff" * 200  # damage a page
    db_path.write_bytes(bytes(data))
    result = run_cli("kb", "stats")
    assert result.returncode == EXIT_CONFIG and "damaged" in result.stderr and "Traceback" not in result.stderr


def test_ask_into_a_closed_pipe_is_not_a_traceback(run_cli, tmp_path, db_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env["CEKFAKTA_DB"] = str(db_path)
    result = subprocess.run(f"{sys.executable} -m bot ask --jsonl < /dev/stdin | head -c 10", shell=True,
                            input="BSU hoaks\n" * 3000, capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=120)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_a_write_that_cannot_get_the_lock_is_one_line(run_cli, db_path, tmp_path):
    import sqlite3

    assert run_cli("kb", "stats").returncode == 0
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        result = run_cli("kb", "load", "--force", timeout=120)
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == EXIT_TEMPFAIL, result.stderr
    assert result.stderr.strip() == f"cekfakta: the database {db_path} is locked by another process; try again in a moment"


def test_legacy_plain_chat_ids_are_encrypted_at_start(service, tmp_path):
    from bot.citizens import Citizens

    db = service.store.db
    with db.conn:
        db.execute("INSERT INTO deliveries (at, chat_id, user_hash, fact_id, revision) "
                   "VALUES (datetime('now'), 123456789012, 'h', 'blk-kupang', 1)")
    citizens = Citizens(service.store, "", tmp_path / "k.key")
    assert db.execute("SELECT chat_id FROM deliveries").fetchone()[0] is None
    assert service.store.people.delivered_before("blk-kupang", 2) == [(123456789012, "h")]
    assert b"123456789012" not in b"".join(p.read_bytes() for p in service.settings.db_path.parent.glob("*.db*"))
    assert citizens.hash(1)
