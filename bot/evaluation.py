"""Scoring a query set: how often the top answer is right, and how often a question that must not be
answered gets an answer anyway. Used by `cekfakta eval` and by the tests, so both measure alike.

A query set has one JSON object a line: `q` (the message), `expect` (strings of which the top
answer's JSON must contain at least one; empty when no fact may be presented as the answer) and
`kind` (a label for grouping, optional).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot import messages
from bot.core import Checker
from bot.models import Answer


@dataclass
class Score:
    """What a query set scored."""

    hits: int = 0
    inscope: int = 0
    false_answers: int = 0
    outscope: int = 0
    misses: list[str] = field(default_factory=list)  # one line per miss or false answer

    @property
    def accuracy(self) -> float:
        """Top-1 accuracy on the queries that must be answered."""
        return self.hits / self.inscope if self.inscope else 1.0

    @property
    def false_rate(self) -> float:
        """Share of the queries that must not be answered that were."""
        return self.false_answers / self.outscope if self.outscope else 0.0


def read_rows(lines: Iterable[str]) -> list[dict]:
    """The rows of a query set; a ValueError names the first bad line."""
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"line {number}: not JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("q"), str) or not isinstance(row.get("expect"), list):
            raise ValueError(f"line {number}: needs \"q\" (text) and \"expect\" (a list)")
        rows.append(row)
    return rows


def score(checker: Checker, rows: Iterable[dict], reply_lang: Callable[[Answer], str],
          ignore_case: bool = False) -> Score:
    """Check every row's message and compare the top answer (in its reply language) with `expect`."""
    result = Score()
    for row in rows:
        answer = checker.check(row["q"])
        if row["expect"]:
            result.inscope += 1
            top = json.dumps(messages.match_json(answer.matches[0], reply_lang(answer)), ensure_ascii=False) \
                if answer.answered else ""
            wanted = row["expect"]
            if ignore_case:
                top, wanted = top.lower(), [e.lower() for e in wanted]
            if any(e in top for e in wanted):
                result.hits += 1
            else:
                got = answer.matches[0].fact.id if answer.matches else "-"
                result.misses.append(f"MISS  {row['q']!r}: expected {row['expect']}, "
                                     f"got {got if answer.answered else 'no answer'} ({got})")
        else:
            result.outscope += 1
            if answer.answered:
                result.false_answers += 1
                result.misses.append(f"FALSE {row['q']!r}: answered {answer.matches[0].fact.id} "
                                     f"(confidence {answer.matches[0].confidence})")
    return result
