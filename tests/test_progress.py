"""Progress for long jobs: a bar in a terminal, nothing otherwise; loading in batches loses nothing."""

import os
import pty
import shutil
import subprocess
import sys

from bot.knowledge import FACTS_DIR, load_facts, load_topics
from bot.loading import import_in_batches
from bot.store import Store


def _run_with_terminal_stderr(args: list[str], env: dict, cwd) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal; (exit code, stdout, what the terminal showed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "bot", *args], stdout=subprocess.PIPE, stderr=follower,
                               env=env, cwd=cwd, text=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    stdout = process.stdout.read()
    process.wait(timeout=60)
    return process.returncode, stdout, shown.decode(errors="replace")


def _env(db_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env["CEKFAKTA_DB"] = str(db_path)
    return env


def test_kb_load_draws_a_bar_in_a_terminal(tmp_path, db_path, knowledge_dir):
    code, stdout, shown = _run_with_terminal_stderr(["kb", "load", "--from", str(knowledge_dir)], _env(db_path),
                                                     tmp_path)
    assert code == 0, shown
    assert "kb load:" in shown and "/44 [" in shown  # the bar, with the number of facts
    assert stdout.startswith("added 0, updated 0, unchanged 44")


def test_kb_export_draws_a_bar_in_a_terminal(tmp_path, db_path):
    code, _, shown = _run_with_terminal_stderr(["kb", "export", "--to", "out"], _env(db_path), tmp_path)
    assert code == 0 and "kb export:" in shown and "/44 [" in shown


def test_no_bar_when_stderr_is_not_a_terminal(run_cli, knowledge_dir):
    result = run_cli("kb", "load", "--from", str(knowledge_dir))
    assert result.returncode == 0 and result.stderr == ""
    assert run_cli("kb", "export", "--to", "out").stderr == ""


def test_loading_in_batches_reports_like_one_import(tmp_path, analyzer, knowledge_dir):
    folder = tmp_path / "edited"
    shutil.copytree(knowledge_dir, folder)
    path = folder / FACTS_DIR / "satpel-pvp-kupang.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Pada 2024", "Pada tahun 2024"), encoding="utf-8")
    (folder / FACTS_DIR / "padat-karya-ntt.toml").unlink()
    reports = []
    for name, batched in (("one.db", False), ("batches.db", True)):
        store = Store.open(tmp_path / name, analyzer)
        store.import_facts(load_facts(knowledge_dir, load_topics(knowledge_dir)))
        blk = store.get("blk-komunitas-ntt-2022")
        store.save(blk.with_changes(note="changed in the bot"), "mod:1", "edit")  # a conflict to be
        facts = load_facts(folder, load_topics(folder))
        if batched:
            steps = []
            reports.append(import_in_batches(store, facts, batch=7, progress=steps.append))
            assert sum(steps) == len(facts) and len(steps) == -(-len(facts) // 7)
        else:
            reports.append(store.import_facts(facts))
        reports[-1].texts = sorted(f.statement for f in store.facts(status=None))
    one, batches = reports
    assert (batches.added, batches.updated, batches.conflicts, batches.kept) == \
           (one.added, one.updated, one.conflicts, one.kept) == ([], ["satpel-pvp-kupang"],
                                                                 ["blk-komunitas-ntt-2022"], ["padat-karya-ntt"])
    assert sorted(batches.unchanged) == sorted(one.unchanged) and batches.texts == one.texts
