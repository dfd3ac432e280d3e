"""The benchmarks, with one command: bases built, matching and end-to-end measured, RESULTS.md written.

    python benchmarks/run.py                      # 44, 10,000 and 100,000 facts; writes benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 0,10000,100000,1000000 --compare benchmarks/results/main-35b14e1.json
    python benchmarks/run.py --quick              # under a minute; what CI runs

What it does:
1. Builds the synthetic bases (`bases.py`, `synthetic.py`): the 44 bundled facts plus 10,000,
   100,000 (and with `--sizes`, 1,000,000) synthetic ones, deterministic from the seed, kept in a
   cache folder between runs.
2. Times matching on each base, each measurement in a fresh process (`matching.py`): cekfakta's
   `Checker.check` against the raw FTS5 OR-of-tokens baseline and rapidfuzz's `extractOne` with
   WRatio over every fact; and precision (dev accuracy, false answers) at every size.
3. Times a cold `cekfakta ask`, lists what it imports, and times `kb load` on the largest base.
4. Runs the real bot and a minimal python-telegram-bot echo bot through the local fake Bot API,
   with and without PTB's rate limiter (`endtoend.py`).
5. Writes the raw figures (`benchmarks/results/*.json`) and the report (`RESULTS.md`): machine,
   date, versions, tables, ratios to the baselines, and each target met or missed.

Timing runs are repeated (`--repeat`) and each figure is the median of the runs, because other
work on the machine disturbs single runs. The query set is every query in the shared dev set (when
it is there: it is read only to measure) and in tests/regression/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import bases
import report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
REGRESSION = ROOT / "tests" / "regression"
FULL_SIZES = (0, 10_000, 100_000)
QUICK_SIZES = (0, 500)
QUICK_TIMED = 150  # timed queries in --quick: a sample, evenly spread
# Queries timed for the brute-force baseline: it scans every fact, so at scale a sample says enough.
FUZZ_QUERIES = {0: 0, 500: 40, 2_000: 40, 10_000: 100, 100_000: 30, 1_000_000: 8}
PACKAGES = ("python-telegram-bot", "rapidfuzz", "sqlite-utils", "httpx", "PySastrawi", "matplotlib")
PROBE_MODULES = ("numpy", "matplotlib", "httpx", "telegram", "tornado", "dateparser", "prometheus_client")


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def query_sets() -> dict[str, Any]:
    """The timed texts and the scored sets: the dev set (if present) and the project's regression sets."""
    sets: dict[str, list[dict]] = {}
    if DEV_SET.exists():
        sets["dev"] = _rows(DEV_SET)
    for path in sorted(REGRESSION.glob("*.jsonl")):
        sets[path.stem] = _rows(path)
    timed = [row["q"] for rows in sets.values() for row in rows]
    scored = {name: rows for name, rows in sets.items() if name in ("dev", "queries")}
    return {"timed": timed, "scored": scored}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_json(args: list[str], env: dict[str, str] | None = None, timeout: float = 7200) -> dict[str, Any]:
    """Run a benchmark script in a fresh Python process; its last stdout line is JSON."""
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    if result.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Numbers: the median over runs; anything else: the first run's."""
    merged: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = statistics.median(r[key] for r in runs)
        else:
            merged[key] = value
    merged["runs"] = len(runs)
    return merged


def measure_matching(size: int, db: Path, queries_file: Path, repeat: int) -> dict[str, Any]:
    """cekfakta and both baselines on one base."""
    script = str(HERE / "matching.py")
    common = [script, "--db", str(db), "--queries", str(queries_file)]
    out: dict[str, Any] = {}
    log(f"  cekfakta x{repeat}")
    out["cekfakta"] = median_of([run_json([*common, "--method", "cekfakta"]) for _ in range(repeat)])
    log(f"  raw FTS5 x{repeat}")
    out["fts"] = median_of([run_json([*common, "--method", "fts"]) for _ in range(repeat)])
    limit = FUZZ_QUERIES.get(size, 10)
    log(f"  rapidfuzz WRatio, {limit or 'all'} queries")
    out["fuzz"] = run_json([*common, "--method", "fuzz", "--limit", str(limit)])
    return out


def measure_startup(db: Path, query: str, runs: int = 5) -> dict[str, Any]:
    """A cold `cekfakta ask` (a new process, start to exit) and what it imports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env["CEKFAKTA_DB"] = str(db)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", query], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    probe = ("import sys, time, contextlib, io\n"
             "t = time.perf_counter()\n"
             "import bot.cli\n"
             "imported = time.perf_counter() - t\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             f"    bot.cli.main(['ask', {query!r}])\n"
             f"print(imported, ','.join(m for m in {PROBE_MODULES!r} if m in sys.modules))\n")
    probed = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    imported, _, modules = probed.stdout.strip().splitlines()[-1].partition(" ")
    return {"ask_s": statistics.median(times), "import_cli_s": float(imported),
            "imports": [m for m in modules.split(",") if m]}


def measure_kb_load(db: Path) -> dict[str, Any]:
    """`cekfakta kb load` of the bundled files into a copy of a large base: nothing to add, everything
    else kept (what a newsroom runs after editing one file)."""
    work = Path(tempfile.mkdtemp(prefix="cekfakta-kbload-"))
    try:
        copy = work / "kb.db"
        shutil.copyfile(db, copy)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
        env["CEKFAKTA_DB"] = str(copy)
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "kb", "load"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        output = process.stdout.read().decode() if process.stdout else ""
        if status:
            raise RuntimeError(f"kb load failed: {process.stderr.read().decode() if process.stderr else ''}")
        return {"seconds": elapsed, "peak_rss_mb": usage.ru_maxrss / 1024, "output": output.strip()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_endtoend(texts_file: Path, updates: int, limited_updates: int, repeat: int) -> list[dict[str, Any]]:
    """Echo bot and cekfakta, with and without the rate limiter, and cekfakta with concurrent updates."""
    script = str(HERE / "endtoend.py")
    configs = [("echo", False, False), ("cekfakta", False, False), ("echo", True, False), ("cekfakta", True, False),
               ("echo", False, True), ("cekfakta", False, True)]
    rows = []
    for bot, limited, concurrent in configs:
        count = limited_updates if limited else updates
        args = [script, "--bot", bot, "--updates", str(count), "--texts", str(texts_file)]
        args += [] if limited else ["--no-rate-limiter"]
        args += ["--concurrent"] if concurrent else []
        log(f"  {bot}, rate limiter {'on' if limited else 'off'}{', concurrent' if concurrent else ''} x{repeat}")
        rows.append(median_of([run_json(args) for _ in range(repeat)]))
    return rows


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "-"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "bot"], capture_output=True,
                           text=True).stdout.strip()
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "platform": platform.platform(),
            "cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "packages": versions,
            "commit": commit + (" (with uncommitted changes to bot/)" if dirty else ""),
            "load_before": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small bases, one run each: under a minute")
    parser.add_argument("--sizes", help="synthetic facts per base, comma-separated (0: the 44 bundled facts only)")
    parser.add_argument("--repeat", type=int, help="runs per timing (default 3; --quick 1)")
    parser.add_argument("--updates", type=int, help="updates per end-to-end run (default 300; --quick 60)")
    parser.add_argument("--compare", type=Path, help="an earlier results JSON to show as 'before'")
    parser.add_argument("--out", type=Path, help="the report (default benchmarks/RESULTS.md; --quick: "
                                                 "benchmarks/results/quick.md)")
    parser.add_argument("--no-endtoend", action="store_true", help="skip the end-to-end comparison")
    parser.add_argument("--label", help="name of the raw results file (default: the commit)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else FULL_SIZES)
    repeat = args.repeat or (1 if args.quick else 3)
    updates = args.updates or (40 if args.quick else 300)
    out = args.out or (HERE / "results" / "quick.md" if args.quick else HERE / "RESULTS.md")
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick, "repeat": repeat, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="cekfakta-bench-") as tmp:
        queries = query_sets()
        if args.quick:  # a sample to time; precision is still scored on every query
            step = max(1, len(queries["timed"]) // QUICK_TIMED)
            queries["timed"] = queries["timed"][::step]
        queries_file = Path(tmp) / "queries.json"
        queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        results["queries"] = {"timed": len(queries["timed"]),
                              "scored": {name: len(rows) for name, rows in queries["scored"].items()}}
        for size in sizes:
            log(f"base: 44 + {size:,} synthetic facts")
            db, built = bases.build(size, log=log)
            entry = measure_matching(size, db, queries_file, repeat)
            entry["build_s"] = built
            entry["db_mb"] = db.stat().st_size / 1e6
            results["sizes"][str(size)] = entry
        largest, _ = bases.build(max(sizes), log=log)
        smallest, _ = bases.build(min(sizes), log=log)
        log("start-up of `cekfakta ask`")
        runs = 2 if args.quick else 5
        results["startup"] = {"small": measure_startup(smallest, queries["timed"][0], runs),
                              "large": measure_startup(largest, queries["timed"][0], runs), "large_size": max(sizes)}
        log(f"kb load into 44 + {max(sizes):,} facts")
        results["kb_load"] = {"size": max(sizes), **measure_kb_load(largest)}
        if not args.no_endtoend:
            log("end to end")
            texts_file = Path(tmp) / "texts.json"
            texts_file.write_text(json.dumps(queries["timed"], ensure_ascii=False), encoding="utf-8")
            results["endtoend"] = measure_endtoend(texts_file, updates, max(updates // 2, 90), repeat)
    results["machine"]["load_after"] = os.getloadavg()[0]
    results["seconds"] = time.perf_counter() - started
    before = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    label = args.label or ("quick" if args.quick else results["machine"]["commit"].split()[0])
    raw = HERE / "results" / f"{label}.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.render(results, before), encoding="utf-8")
    log(f"wrote {out} and {raw} in {results['seconds']:.0f} s")


if __name__ == "__main__":
    main()
