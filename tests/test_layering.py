"""The core knows no channel: only the edges (`bot/tg/`, the command line) import Telegram or the
Telegram edge; only `bot/store/` holds SQL."""

import ast
from pathlib import Path

import bot

PACKAGE = Path(bot.__file__).parent
EDGE_MODULES = ("telegram", "bot.tg", "pywa", "bot.wa")
EDGES = ("tg", "wa", "cli.py", "__main__.py")


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_no_channel():
    core = [p for p in PACKAGE.rglob("*.py") if not set(EDGES) & set(p.relative_to(PACKAGE).parts)]
    assert len(core) > 10
    offenders = {str(p.relative_to(PACKAGE)): sorted(n for n in imported(p) if n.startswith(EDGE_MODULES))
                 for p in core}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_store_writes_sql():
    sql_words = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ")
    outside = [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts]
    offenders = [str(p.relative_to(PACKAGE)) for p in outside
                 if any(word in p.read_text(encoding="utf-8") for word in sql_words)]
    assert offenders == []
