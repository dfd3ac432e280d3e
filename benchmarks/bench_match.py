"""Speed of matching, measured (not asserted in tests).

    python benchmarks/bench_match.py                  # 1,000 queries through `cekfakta ask --jsonl`
    python benchmarks/bench_match.py --facts 100000   # also: per-query time on 100,000 synthetic facts

The first part runs the real command once (start-up included) and reports the per-query time.
The second builds a database of synthetic facts made from the bundled knowledge's words and times
the core's `check` directly, reporting median and 95th percentile.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY_FILES = [HERE.parent / "tests" / "regression" / "queries.jsonl",
               HERE.parent.parent / "shared" / "eval" / "dev.jsonl"]


def queries(count: int) -> list[str]:
    """`count` realistic queries, cycling through the project's query files."""
    base = [json.loads(line)["q"] for path in QUERY_FILES if path.exists()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [base[i % len(base)] for i in range(count)]


def bench_command(count: int, db: Path) -> None:
    lines = "\n".join(queries(count)) + "\n"
    env = {"CEKFAKTA_DB": str(db), "PATH": str(Path(sys.executable).parent)}
    subprocess.run([sys.executable, "-m", "bot", "kb", "stats"], env=env, capture_output=True, check=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--jsonl"], input=lines, env=env,
                            capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    answered = sum(json.loads(line)["answered"] for line in result.stdout.splitlines())
    print(f"cekfakta ask --jsonl: {count} queries in {elapsed:.2f} s including start-up "
          f"({elapsed / count * 1000:.2f} ms/query), {answered} answered")


def bench_scale(facts: int, count: int, db: Path) -> None:
    from bot.config import Settings
    from bot.models import Fact, Source
    from bot.service import open_service

    service = open_service(Settings(db_path=db))
    real = service.store.facts()
    words = sorted({w for f in real for w in f.statement.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(7)
    start = time.perf_counter()
    source = Source(publisher="Sintetis", url="https://example.org/", published="2024-01-01")
    batch = []
    for n in range(facts):
        statement = " ".join(rng.choices(words, k=rng.randint(12, 40))) + f" nomor{n}."
        batch.append(Fact(id=f"sintetis-{n:06d}", topic=real[n % len(real)].topic, statement=statement,
                          keywords=(" ".join(rng.choices(words, k=3)),), sources=(source,), as_of="2024-01-01"))
        if len(batch) == 5000:
            service.store.import_facts(batch, actor="bench")
            batch = []
    if batch:
        service.store.import_facts(batch, actor="bench")
    print(f"built {facts} synthetic facts in {time.perf_counter() - start:.0f} s")
    service.checker.check("warm up")
    times = []
    for query in queries(count):
        t0 = time.perf_counter()
        service.checker.check(query)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"{len(real) + facts} facts: median {statistics.median(times):.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms per query ({count} queries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--facts", type=int, default=0, help="also time a database with this many synthetic facts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_command(args.queries, Path(tmp) / "bench.db")
        if args.facts:
            bench_scale(args.facts, args.queries, Path(tmp) / "scale.db")


if __name__ == "__main__":
    main()
