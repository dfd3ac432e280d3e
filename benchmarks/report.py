"""RESULTS.md from the raw figures of `run.py` (and, optionally, an earlier run shown as "before").

The tables and the verdict on each target are computed here; the prose that explains them is kept
by hand in `notes.md` and included as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NOTES = HERE / "notes.md"
BUNDLED = 44  # facts in the bundled knowledge base


@dataclass(frozen=True)
class Target:
    """One target of issue 12: a figure that must stay at or below a limit."""

    name: str
    limit: float
    unit: str
    size: int | None  # synthetic facts of the base it is measured on (None: not per base)
    figure: str  # key into the measurement


TARGETS = (
    Target("matching p50 at 100,000 facts", 5, "ms", 100_000, "p50"),
    Target("matching p99 at 100,000 facts", 25, "ms", 100_000, "p99"),
    Target("matching p99 at 1,000,000 facts", 150, "ms", 1_000_000, "p99"),
    Target("first query after start at 100,000 facts", 0.3, "s", 100_000, "first_query_s"),
    Target("peak memory at 100,000 facts", 250, "MB", 100_000, "peak_rss_mb"),
    Target("CPU per update, as a multiple of the echo bot's", 1.5, "×", None, "cpu_ratio"),
)


def facts(size: int | str) -> str:
    """A base's size as written in the tables: bundled plus synthetic facts."""
    return f"{BUNDLED + int(size):,}"


def ms(value: float | None) -> str:
    """Milliseconds, with the precision that matters at that size."""
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def figure(results: dict[str, Any] | None, target: Target) -> float | None:
    """A target's figure in one run's results, or None when that run did not measure it."""
    if results is None:
        return None
    if target.figure == "cpu_ratio":
        return cpu_ratio(results.get("endtoend") or [])
    entry = results.get("sizes", {}).get(str(target.size))
    if entry is None:
        return None
    return entry["cekfakta"].get(target.figure)


def cpu_ratio(rows: list[dict[str, Any]]) -> float | None:
    """cekfakta's CPU per update over the echo bot's, without the rate limiter, one update at a time."""
    cpu = {r["bot"]: r["cpu_ms_per_update"] for r in rows if not r["rate_limiter"] and not r["concurrent"]}
    return cpu["cekfakta"] / cpu["echo"] if {"cekfakta", "echo"} <= cpu.keys() else None


def shown(value: float | None, target: Target) -> str:
    """A target's figure with its unit."""
    if value is None:
        return "not measured"
    if target.unit == "ms":
        return f"{ms(value)} ms"
    if target.unit == "s":
        return f"{value:.2f} s"
    if target.unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f}×"


def verdict(value: float | None, target: Target) -> str:
    """Met, or missed by how much."""
    if value is None:
        return "not measured in this run"
    if value <= target.limit:
        return "**met**"
    over = value - target.limit
    return f"**missed** by {shown(over, target)} ({over / target.limit:+.0%})"


def render(results: dict[str, Any], before: dict[str, Any] | None = None) -> str:
    """The whole report."""
    m = results["machine"]
    lines = ["# Benchmarks", ""]
    lines += [
        f"Measured {m['date']} on {m['cpu'] or 'an unknown CPU'}, {m['cores']} cores ({m['platform']}); "
        f"Python {m['python']}, SQLite {m['sqlite']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + f". Commit {m['commit']}.",
        "",
        f"Every timing is the median of {results['repeat']} runs, each in a fresh process, on one core "
        f"(matching is single-threaded). The machine was shared with other work: its load average was "
        f"{m['load_before']:.1f} before and {m.get('load_after', float('nan')):.1f} after, on {m['cores']} cores, "
        f"so wall-clock figures carry noise; CPU-time figures, shown beside them, carry less.",
        "",
        f"Queries: {results['queries']['timed']} messages (the shared dev set, read only to measure, and "
        f"tests/regression/), each timed once per run after start-up. Bases: the 44 bundled facts plus "
        f"synthetic facts (`benchmarks/synthetic.py`, seed 7): Zipfian Indonesian words, real provinces and "
        f"regencies, aid programmes, figures with units, months and years, rated hoax claims.",
        "",
        "Regenerate with `python benchmarks/run.py` (this file) or `python benchmarks/run.py --quick` "
        "(under a minute, small bases; CI runs it).",
        "",
    ]
    if results.get("quick"):
        lines += ["> **Quick run**: small bases and one run each. It shows the benchmarks work; its figures "
                  "are not the targets' measurements.", ""]
    lines += _targets(results, before) + _matching(results, before) + _precision(results) + _startup(results)
    lines += _endtoend(results, before)
    if NOTES.exists():
        lines += ["", NOTES.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def _targets(results: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    lines = ["## Targets (issue 12)", ""]
    header = "| target | limit | before | now | verdict |" if before else "| target | limit | now | verdict |"
    lines += [header, "|---|---|---|---|---|" if before else "|---|---|---|---|"]
    for target in TARGETS:
        now = figure(results, target)
        limit = f"≤ {shown(target.limit, target)}"
        cells = [target.name, limit] + ([shown(figure(before, target), target)] if before else [])
        lines.append("| " + " | ".join([*cells, shown(now, target), verdict(now, target)]) + " |")
    lines.append("")
    if before:
        lines += [f"*Before*: commit {before['machine']['commit']} measured with these same benchmarks "
                  f"({before['machine']['date']}).", ""]
    return lines


def _matching(results: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    lines = ["## Matching speed", "",
             "Milliseconds per query, p50 / p99 (wall clock; CPU time in brackets). Raw FTS5: the message's "
             "words OR-ed in one FTS5 query, best BM25 first, top 10. rapidfuzz: `extractOne` with `WRatio` "
             "over every fact's text (timed on a sample of queries at scale; p50 only).", "",
             "| facts | cekfakta | raw FTS5 | rapidfuzz | cekfakta ÷ FTS5 (p50, p99) | cekfakta ÷ rapidfuzz (p50) "
             "| first query after start | open | peak memory | base built in |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for size, entry in results["sizes"].items():
        c, f, z = entry["cekfakta"], entry["fts"], entry["fuzz"]
        built = f"{entry['build_s']:.0f} s" if entry.get("build_s") else "kept"
        lines.append(
            f"| {facts(size)} | {ms(c['p50'])} / {ms(c['p99'])} ({ms(c['cpu_p50'])} / {ms(c['cpu_p99'])}) "
            f"| {ms(f['p50'])} / {ms(f['p99'])} | {ms(z['p50'])} "
            f"| {c['p50'] / f['p50']:.2f}, {c['p99'] / f['p99']:.2f} | {c['p50'] / z['p50']:.3f} "
            f"| {c['first_query_s'] * 1000:.0f} ms | {c['open_s'] * 1000:.0f} ms | {c['peak_rss_mb']:.0f} MB "
            f"| {built} |")
    lines.append("")
    if before:
        lines += ["Before (same benchmarks on the earlier commit):", "",
                  "| facts | cekfakta p50 / p99 | CPU p50 / p99 | first query after start | peak memory |",
                  "|---|---|---|---|---|"]
        for size, entry in before["sizes"].items():
            c = entry["cekfakta"]
            lines.append(f"| {facts(size)} | {ms(c['p50'])} / {ms(c['p99'])} | {ms(c['cpu_p50'])} / "
                         f"{ms(c['cpu_p99'])} | {c['first_query_s'] * 1000:.0f} ms | {c['peak_rss_mb']:.0f} MB |")
        lines.append("")
    return lines


def _precision(results: dict[str, Any]) -> list[str]:
    lines = ["## Precision at every size", "",
             "The same scoring as `cekfakta eval`: top-1 accuracy on the questions that must be answered, and "
             "false answers on those that must not. `dev` is the shared dev set; `queries` is "
             "tests/regression/queries.jsonl. Synthetic facts are distractors: other places, periods and "
             "programmes. (Both baselines always name a fact: every question that must not be answered "
             "gets a false answer from them.)", "",
             "| facts | " + " | ".join(f"{name} accuracy | {name} false answers"
                                       for name in _scored(results)) + " |",
             "|---|" + "---|---|" * len(_scored(results))]
    for size, entry in results["sizes"].items():
        cells = []
        for name in _scored(results):
            p = entry["cekfakta"]["precision"][name]
            synthetic = f" ({p['false_synthetic']} by a synthetic fact)" if p.get("false_synthetic") else ""
            cells += [f"{p['hits']}/{p['inscope']} ({p['hits'] / p['inscope']:.2f})",
                      f"{p['false']}/{p['outscope']}{synthetic}"]
        lines.append(f"| {facts(size)} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _scored(results: dict[str, Any]) -> list[str]:
    first = next(iter(results["sizes"].values()))
    return list(first["cekfakta"]["precision"])


def _startup(results: dict[str, Any]) -> list[str]:
    s, k = results["startup"], results["kb_load"]
    lines = ["## Start-up and `kb load`", "",
             "| | 44 facts | " + f"{facts(s['large_size'])} facts |", "|---|---|---|",
             f"| `cekfakta ask \"…\"`, a new process from start to exit | {s['small']['ask_s']:.2f} s "
             f"| {s['large']['ask_s']:.2f} s |",
             f"| of which importing `bot.cli` | {s['small']['import_cli_s'] * 1000:.0f} ms "
             f"| {s['large']['import_cli_s'] * 1000:.0f} ms |",
             f"| heavy modules loaded by `ask` | {', '.join(s['small']['imports']) or 'none'} "
             f"| {', '.join(s['large']['imports']) or 'none'} |", "",
             f"`cekfakta kb load` of the bundled files into {facts(k['size'])} facts (nothing new; every "
             f"other fact listed as kept): {k['seconds']:.1f} s, peak memory {k['peak_rss_mb']:.0f} MB.", ""]
    return lines


def _endtoend(results: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    rows = results.get("endtoend")
    if not rows:
        return []
    echo = {(r["rate_limiter"], r["concurrent"]): r for r in rows if r["bot"] == "echo"}
    lines = ["## End to end, through the local fake Bot API", "",
             "Each bot polls the fake Bot API (`tests/fakes.py`, in a process of its own) for queued messages "
             "from 50 citizens and replies to each; the bot's database is the bundled 44 facts. CPU is the bot "
             "process's CPU time per update (every thread). With PTB's rate limiter both are held to Telegram's "
             "own cap of 30 messages a second.", "",
             "| bot | rate limiter | updates | updates a second (steady) | CPU per update | ÷ echo bot (speed, CPU) |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        base = echo.get((r["rate_limiter"], r["concurrent"]))
        ratio = ""
        if base and r["bot"] != "echo":
            ratio = (f"{r['per_second'] / base['per_second']:.2f}, "
                     f"{r['cpu_ms_per_update'] / base['cpu_ms_per_update']:.2f}")
        mode = ("on" if r["rate_limiter"] else "off") + (", concurrent updates" if r["concurrent"] else "")
        lines.append(f"| {r['bot']} | {mode} | {r['updates']:.0f} | {r['per_second']:.1f} | "
                     f"{r['cpu_ms_per_update']:.1f} ms | {ratio} |")
    lines.append("")
    if before and before.get("endtoend"):
        old = {(r["bot"], r["rate_limiter"], r["concurrent"]): r for r in before["endtoend"]}
        lines += ["Before: " + "; ".join(
            f"{bot} {'with' if limited else 'without'} the limiter{' (concurrent)' if conc else ''} "
            f"{r['per_second']:.1f}/s, {r['cpu_ms_per_update']:.1f} ms CPU"
            for (bot, limited, conc), r in old.items()) + ".", ""]
    return lines
