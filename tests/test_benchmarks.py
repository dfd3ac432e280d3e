"""The benchmarks' own bookkeeping (the measurements themselves run in `benchmarks/run.py`)."""

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_a_base_without_synthetic_facts_reports_no_time_a_fact(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setenv("CEKFAKTA_BENCH_CACHE", str(tmp_path))
    for name in ("bases", "synthetic"):
        sys.modules.pop(name, None)
    import bases

    lines: list[str] = []
    path, elapsed = bases.build(0, log=lines.append)
    assert path.exists() and elapsed is not None
    assert lines[-1].startswith("built in ") and "a fact" not in lines[-1]
