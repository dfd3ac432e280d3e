"""Start-up loads what a command needs and no more: `cekfakta ask` answers without the libraries that
only the Telegram edge, the link checker or the charts use (they cost every start about a third of
its import time; `benchmarks/RESULTS.md` measures it)."""

import json
import os
import subprocess
import sys

PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    main(["ask", "BSU minta NIK hoaks?"])
print(json.dumps({"reply": out.getvalue(), "loaded": sorted(m for m in sys.modules if "." not in m)}))
"""


def test_ask_answers_without_numpy_httpx_or_telegram(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env["CEKFAKTA_DB"] = str(tmp_path / "ask.db")
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert "HOAKS" in probe["reply"]
    assert not {"numpy", "pandas", "httpx", "telegram", "matplotlib"} & set(probe["loaded"])


def test_numpy_stays_importable_after_the_store():
    """The store hides numpy from sqlite-utils only while sqlite-utils loads; the charts still get it."""
    code = "import bot.store, numpy, sqlite_utils.db; print(numpy.zeros(2).sum(), sqlite_utils.db.np)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.0", "None"]
