"""One measurement of matching on one base, in a process of its own (so that start-up, the first query
and peak memory are what a freshly started bot would see). Prints one JSON object.

    python benchmarks/matching.py --db BASE.db --queries QUERIES.json --method cekfakta
    python benchmarks/matching.py --db BASE.db --queries QUERIES.json --method fts --limit 200
    python benchmarks/matching.py --db BASE.db --queries QUERIES.json --method fuzz --limit 20

Methods:
- `cekfakta`: `Checker.check`, the whole path a citizen's message takes (reading, correction, FTS5
  candidates, re-ranking, checks), timed per query; then precision on each scored query set.
- `fts`: the raw baseline, one FTS5 query per message: its lower-cased words OR-ed together, best
  BM25 first, the top 10 rows.
- `fuzz`: the brute-force baseline, rapidfuzz `process.extractOne` with `WRatio` over every fact's
  text (claim, statement and keywords, pre-processed once), as the style guide warns against.

Each query is timed by the wall clock (`time.perf_counter`) and by this thread's CPU time
(`time.thread_time`), which other processes on a shared machine disturb less. The first query
after start is timed on its own and also counted among the rest.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

_WORD = re.compile(r"\w+")
FTS_LIMIT = 10


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share 0.5 for the median, 0.99 for p99)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(times_ms: list[float], cpu_ms: list[float]) -> dict[str, float]:
    """p50, p99 and the maximum of per-query wall-clock times, and p50 and p99 of CPU times."""
    return {"p50": percentile(times_ms, 0.5), "p99": percentile(times_ms, 0.99), "max": max(times_ms),
            "cpu_p50": percentile(cpu_ms, 0.5), "cpu_p99": percentile(cpu_ms, 0.99), "count": len(times_ms)}


class Clock:
    """Times one query at a time: wall clock and this thread's CPU time, in milliseconds."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall.append((time.perf_counter() - self._wall) * 1000)
        self.cpu.append((time.thread_time() - self._cpu) * 1000)

    def summary(self) -> dict[str, float]:
        """The times' percentiles."""
        return summary(self.wall, self.cpu)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_cekfakta(db: Path, queries: list[str], scored: dict[str, list[dict]]) -> dict[str, Any]:
    """Start-up, first query, per-query times, precision and peak memory of the real checker."""
    start = time.perf_counter()
    from bot import messages
    from bot.config import Settings
    from bot.evaluation import score
    from bot.service import open_service

    imported = time.perf_counter()
    service = open_service(Settings(db_path=db))
    opened = time.perf_counter()
    service.checker.check(queries[0])
    first = time.perf_counter() - opened
    clock = Clock()
    for query in queries:
        with clock:
            service.checker.check(query)
    precision = {}
    for name, rows in scored.items():
        result = score(service.checker, rows, lambda a: messages.reply_language(a, None, "id"))
        # A false answer names its fact in `misses` ("FALSE 'question': answered ID (...)").
        synthetic = sum(1 for miss in result.misses if miss.startswith("FALSE") and ": answered sintetis-" in miss)
        precision[name] = {"hits": result.hits, "inscope": result.inscope, "false": result.false_answers,
                           "false_synthetic": synthetic, "outscope": result.outscope}
    documents = service.store.db.execute("SELECT count(*) FROM facts WHERE status = 'active'").fetchone()[0]
    return {"method": "cekfakta", "facts": documents, "import_s": imported - start, "open_s": opened - imported,
            "first_query_s": first, **clock.summary(), "precision": precision, "peak_rss_mb": peak_rss_mb()}


def measure_fts(db: Path, queries: list[str]) -> dict[str, Any]:
    """The raw FTS5 baseline: each message's words OR-ed, best BM25 first."""
    connection = sqlite3.connect(str(db))
    sql = f"SELECT rowid FROM facts_fts WHERE facts_fts MATCH ? ORDER BY rank LIMIT {FTS_LIMIT}"
    clock = Clock()
    for query in queries:
        with clock:
            words = dict.fromkeys(_WORD.findall(query.lower()))
            expression = " OR ".join(f'"{w}"' for w in words)
            if expression:
                connection.execute(sql, [expression]).fetchall()
    return {"method": "fts", **clock.summary(), "peak_rss_mb": peak_rss_mb()}


def measure_fuzz(db: Path, queries: list[str]) -> dict[str, Any]:
    """The brute-force baseline: rapidfuzz extractOne with WRatio over every active fact's text."""
    from rapidfuzz import fuzz, process, utils

    connection = sqlite3.connect(str(db))
    t0 = time.perf_counter()
    choices = [utils.default_process(" ".join(part or "" for part in row)) for row in connection.execute(
        "SELECT claim, statement, keywords FROM facts WHERE status = 'active'")]
    loaded = time.perf_counter() - t0
    clock = Clock()
    for query in queries:
        with clock:
            process.extractOne(utils.default_process(query), choices, scorer=fuzz.WRatio, processor=None)
    return {"method": "fuzz", "load_s": loaded, **clock.summary(), "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True,
                        help='JSON: {"timed": [texts], "scored": {name: [rows]}}')
    parser.add_argument("--method", choices=("cekfakta", "fts", "fuzz"), default="cekfakta")
    parser.add_argument("--limit", type=int, default=0, help="time only the first LIMIT queries (0: all)")
    args = parser.parse_args(argv)
    data = json.loads(args.queries.read_text(encoding="utf-8"))
    queries = data["timed"][: args.limit or None]
    if args.method == "cekfakta":
        result = measure_cekfakta(args.db, queries, data.get("scored", {}))
    elif args.method == "fts":
        result = measure_fts(args.db, queries)
    else:
        result = measure_fuzz(args.db, queries)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
