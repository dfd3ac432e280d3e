"""Many writers on one database: `kb load` looping in other processes, a moderator writing, citizens asking.
No write may fail with "database is locked", and citizens keep getting answers quickly."""

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from conftest import OWNER, start_telegram, stop_telegram

pytestmark = pytest.mark.e2e

SECONDS = float(os.environ.get("CEKFAKTA_WRITERS_SECONDS", "30"))  # the full run: 60
KEPT = "padat-karya-ntt"  # left out of the loaded folders: only moderators write it


def knowledge_variants(source, tmp_path):
    """Two knowledge folders that differ in 20 statements, so that every load updates facts."""
    folders = []
    for variant in ("a", "b"):
        folder = tmp_path / f"kb-{variant}"
        shutil.copytree(source, folder)
        (folder / "facts" / f"{KEPT}.toml").unlink()
        for path in sorted((folder / "facts").glob("*.toml"))[:20]:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace('statement = "', f'statement = "({variant}) ', 1), encoding="utf-8")
        folders.append(folder)
    return folders


def load_loop(folders, env, stop_at: float, results: list) -> None:
    n = 0
    while time.monotonic() < stop_at:
        result = subprocess.run([sys.executable, "-m", "bot", "kb", "load", "--from", str(folders[n % 2])],
                                env=env, capture_output=True, text=True, timeout=120)
        results.append((result.returncode, result.stderr))
        n += 1


async def test_kb_load_loops_while_the_bot_serves_and_a_moderator_writes(bot_api, tg_settings, knowledge_dir,
                                                                      tmp_path, caplog):
    harness = await start_telegram(bot_api, tg_settings)
    folders = knowledge_variants(knowledge_dir, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env.update({"CEKFAKTA_DB": str(tg_settings.db_path), "PYTHONIOENCODING": "utf-8"})
    loads: list = []
    stop_at = time.monotonic() + SECONDS
    loader = threading.Thread(target=load_loop, args=(folders, env, stop_at, loads), daemon=True)
    latencies, moderator_replies = [], []
    questions = ["BSU hoaks", "blk kupang", "kabupaten prioritas kemiskinan ekstrem NTT", "harga cengkeh"]
    try:
        with caplog.at_level(logging.WARNING):
            loader.start()
            n = 0
            while time.monotonic() < stop_at:
                started = time.monotonic()
                replies = await harness.say(questions[n % len(questions)], user_id=90_000 + n % 50)
                latencies.append(time.monotonic() - started)
                assert len(replies) == 1
                if n % 5 == 0:  # the moderator writes: retract and restore, teach a word
                    command = [f"/cabut {KEPT} Diperiksa ulang", f"/pulihkan {KEPT}", f"/kata sonde{n} = tidak"][n // 5 % 3]
                    moderator_replies += await harness.say(command, user_id=OWNER)
                n += 1
                await asyncio.sleep(0.05)
            await asyncio.get_running_loop().run_in_executor(None, loader.join, 180)
    finally:
        await stop_telegram(harness)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    logging.getLogger(__name__).warning("writers: %d loads, %d questions, p95 %.3f s, max %.3f s, %d moderator writes",
                                        len(loads), len(latencies), p95, latencies[-1], len(moderator_replies))
    assert len(loads) >= 3
    assert [(code, err) for code, err in loads if code != 0 or "locked" in err] == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert all("⛔" not in r["text"] and "❗" not in r["text"] for r in moderator_replies)
    assert p95 < 1.0
