"""Synthetic knowledge bases for the benchmarks, built once and kept.

A base is the 44 bundled facts plus `size` synthetic ones (`synthetic.py`), in a database file built
through the real `Store.import_facts`, so that its index is exactly what `kb load` writes. Building
100,000 facts takes minutes, so each base is kept in a cache folder under a name that says what
built it: the size, the seed, the generator's version and the index version (the lexicon's
fingerprint and `ANALYSIS_VERSION`). Code that indexes differently gets a base of its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import synthetic

from bot.analysis import Analyzer
from bot.config import Settings
from bot.knowledge import bundled_knowledge_dir
from bot.lexicon import load_lexicon
from bot.service import knowledge_fingerprint, open_service
from bot.store.facts import ANALYSIS_VERSION

SEED = 7
CACHE_ENV = "CEKFAKTA_BENCH_CACHE"


def cache_dir() -> Path:
    """Where built bases are kept: $CEKFAKTA_BENCH_CACHE, else ~/.cache/cekfakta-bench."""
    folder = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "cekfakta-bench"
    return Path(folder)


def index_version() -> str:
    """What a base depends on: the bundled facts and lexicon, and the analyzer's output version."""
    folder = bundled_knowledge_dir()
    lexicon = load_lexicon(folder)
    key = f"{lexicon.fingerprint}:{knowledge_fingerprint(folder)}:{ANALYSIS_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def base_path(size: int, seed: int = SEED) -> Path:
    """The file a base of `size` synthetic facts is kept in."""
    return cache_dir() / f"base-{size}-s{seed}-g{synthetic.GENERATOR}-i{index_version()}.db"


def build(size: int, seed: int = SEED, log: Callable[[str], None] = print) -> tuple[Path, float | None]:
    """The base with `size` synthetic facts, built unless kept; returns its path and the seconds the
    build took (None when it was kept from an earlier run)."""
    path = base_path(size, seed)
    if path.exists():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    log(f"building a base of {size:,} synthetic facts (kept in {path.parent})")
    start = time.perf_counter()
    service = open_service(Settings(db_path=partial))
    if size:
        synthetic.add_to(service.store, size, seed, progress=_progress(size, log))
    service.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    service.store.db.conn.close()
    elapsed = time.perf_counter() - start
    shutil.move(partial, path)
    for leftover in path.parent.glob(partial.name + "-*"):  # the -wal and -shm files, empty now
        leftover.unlink()
    per_fact = f" ({elapsed / size * 1000:.1f} ms a fact)" if size else ""  # the bundled facts alone: no rate
    log(f"built in {elapsed:.0f} s{per_fact}")
    return path, elapsed


def _progress(size: int, log: Callable[[str], None]) -> Callable[[int], None]:
    start = time.perf_counter()
    step = max(size // 10, 1)

    def report(done: int) -> None:
        if done % step < synthetic.BATCH or done == size:
            rate = done / max(time.perf_counter() - start, 1e-9)
            log(f"  {done:,} of {size:,} facts ({rate:.0f} a second)")

    return report


def analyzer() -> Analyzer:
    """The analyzer of the bundled lexicon."""
    return Analyzer(load_lexicon(bundled_knowledge_dir()))


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(build(int(arg))[0])
