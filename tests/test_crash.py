"""Kill -9 in the middle of a moderator's conversation: nothing half-written, nothing committed lost."""

import signal
import sqlite3

import pytest
from conftest import OWNER
from fakes import Updates
from test_tg_run import _env, running, stop

pytestmark = pytest.mark.e2e


def test_sigkill_mid_conversation_then_restart(bot_api, tmp_path):
    updates = Updates()
    env = _env(bot_api, tmp_path, CEKFAKTA_OWNER_IDS=str(OWNER))
    with running(env=env, cwd=tmp_path) as bot:
        bot_api.wait_for("setMyCommands", 2, timeout=30)
        bot_api.push_update(updates.message("/cabut padat-karya-ntt Angka perlu dicek ulang", user_id=OWNER))
        bot_api.wait_for("sendMessage", 1, timeout=30)  # the retraction is committed and confirmed
        bot_api.push_update(updates.message("/tambah", user_id=OWNER))
        bot_api.push_update(updates.message("Nelayan Pulau Semau menerima bantuan perahu motor pada 2024.",
                                            user_id=OWNER))
        bot_api.wait_for("sendMessage", 3, timeout=30)  # asked for the verdict: mid-conversation
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)

    db_file = tmp_path / "run.db"
    with sqlite3.connect(db_file) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO facts_fts(facts_fts) VALUES('integrity-check')")
        assert db.execute("SELECT status FROM facts WHERE id = 'padat-karya-ntt'").fetchone()[0] == "retracted"
        assert db.execute("SELECT count(*) FROM facts WHERE statement LIKE '%Semau%'").fetchone()[0] == 0
        facts, versions = db.execute("SELECT count(*), sum(revision) FROM facts").fetchone()
        assert db.execute("SELECT count(*) FROM fact_versions").fetchone()[0] == versions
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'retract'").fetchone()[0] == 1

    with running(env=env, cwd=tmp_path) as restarted:
        bot_api.wait_for("setMyCommands", 4, timeout=30)
        before = len(bot_api.sent())
        bot_api.push_update(updates.message("padat karya NTT", user_id=77))
        reply = bot_api.wait_for("sendMessage", before + 1, timeout=30)[-1]
        assert "45.000" not in reply["text"]  # the retracted fact stays retracted after the restart
        stderr = stop(restarted)
        assert restarted.returncode == 0, stderr
    with sqlite3.connect(db_file) as db:
        assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == facts
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
