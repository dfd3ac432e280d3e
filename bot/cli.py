"""The `cekfakta` command: the bot, a local console chat, `ask`, `kb` and `eval`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from bot import messages
from bot.claimreview import claim_reviews
from bot.config import Settings
from bot.errors import ConfigError, KnowledgeError, StoreError, UserError
from bot.evaluation import read_rows, score
from bot.knowledge import TOPICS_FILE, write_facts
from bot.lexicon import LANGUAGE_DIR, LEXICON_FILE
from bot.models import Answer
from bot.service import Service, open_service

logger = logging.getLogger("cekfakta")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cekfakta",
        description="Keyword fact-check hotline. With TELEGRAM_BOT_TOKEN set, runs the Telegram bot; "
                    "otherwise opens a local console chat.")
    parser.add_argument("--lang", choices=messages.LANGS, help="reply language (default: CEKFAKTA_LANG or id)")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="run the Telegram bot (console chat when no token is set)")
    run.add_argument("--webhook-url", help="public HTTPS URL for webhook mode (default: long polling)")
    run.add_argument("--listen", help="webhook listen address (default 127.0.0.1)")
    run.add_argument("--port", type=int, help="webhook listen port (default 8443)")
    run.add_argument("--secret-token", help="webhook secret token")

    sub.add_parser("console", help="chat with the bot in this terminal, without Telegram")

    ask = sub.add_parser("ask", help="answer one query as a citizen would read it")
    ask.add_argument("query", nargs="?", default=None, help="the query text")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read one query a line on stdin, print JSON lines")

    kb = sub.add_parser("kb", help="knowledge base: load, export, stats")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    load = kb_sub.add_parser("load", help="import knowledge files; never drops facts added in the bot")
    load.add_argument("--from", dest="source", type=Path, help="knowledge folder (default: configured/bundled)")
    load.add_argument("--force", action="store_true", help="overwrite facts changed in the bot since the last load")
    export = kb_sub.add_parser("export", help="write the database's facts back as knowledge files")
    export.add_argument("--to", dest="target", type=Path, default=None,
                        help="folder to write (default: ./knowledge); with --format claimreview, a file "
                             "(default: standard output)")
    export.add_argument("--format", choices=("toml", "claimreview"), default="toml",
                        help="toml: knowledge files; claimreview: schema.org ClaimReview JSON-LD")
    kb_sub.add_parser("stats", help="counts of facts, versions, audit rows")

    ev = sub.add_parser("eval", help="score a query set (JSON lines: q, expect, kind)")
    ev.add_argument("file", type=Path)
    _add_backup_commands(sub)
    return parser


def _add_backup_commands(sub: argparse._SubParsersAction) -> None:
    """`cekfakta backup PATH` and `cekfakta restore PATH`."""
    backup = sub.add_parser("backup", help="copy the database to a new file, consistently, while the bot runs")
    backup.add_argument("path", type=Path, help="the backup file to create")
    restore = sub.add_parser("restore", help="replace the database with a backup, after checking the backup")
    restore.add_argument("path", type=Path, help="the backup file")


def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    """`cekfakta backup PATH` | `cekfakta restore PATH` (see `bot.store.backup`)."""
    from bot.store.backup import backup, restore

    if args.command == "backup":
        backup(settings.db_path, args.path)
        print(f"backed up {settings.db_path} to {args.path}")
        return 0
    kept = restore(args.path, settings.db_path)
    print(f"restored {settings.db_path} from {args.path}" + (f"; the previous database is {kept}" if kept else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cekfakta` command; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines include the bot token
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "ask":
        # A query may itself look like an option ("-x"): the words belong to the query.
        args.query = " ".join(w for w in [args.query, *extra] if w)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = Settings.from_env()
        return _dispatch(args, settings)
    except (ConfigError, KnowledgeError, UserError, StoreError) as e:
        print(f"cekfakta: {e}", file=sys.stderr)
        return 2
    except sqlite3.OperationalError as e:  # e.g. locked past the busy timeout by another writer
        from bot.store.facts import describe_error

        print(f"cekfakta: {describe_error(settings.db_path, e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `cekfakta ask ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


ReplyLanguage = Callable[[Answer], str]


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command in ("backup", "restore"):
        return backup_command(args, settings)
    if command == "run" and settings.token:
        settings.check_token()
        from bot.tg.app import run_bot  # Telegram is only imported when it is used

        return run_bot(settings, args)
    logging.getLogger().setLevel(logging.WARNING)  # keep the terminal for the conversation
    service = open_service(settings)
    lang = args.lang or settings.lang

    def reply_lang(answer: Answer) -> str:
        # --lang decides; otherwise an English message gets an English reply.
        return messages.reply_language(answer, args.lang, settings.lang)

    if command in ("run", "console"):
        return console(service, lang, reply_lang)
    if command == "ask":
        return ask(service, args, reply_lang)
    if command == "kb":
        return kb(service, args)
    if command == "eval":
        return evaluate(service, args.file, reply_lang)
    raise AssertionError(command)


def console(service: Service, lang: str, reply_lang: ReplyLanguage) -> int:
    """An interactive chat in the terminal, on the same core as the Telegram bot."""
    print(messages.t("console.welcome", lang, facts=len(service.store.facts())))
    while True:
        try:
            line = input("> ")
        except EOFError:
            print()
            return 0
        if not line.strip():
            return 0
        answer = service.checker.check(line)
        print(messages.render_answer(answer, reply_lang(answer), messages.TEXT))
        print()


def ask(service: Service, args: argparse.Namespace, reply_lang: ReplyLanguage) -> int:
    """`cekfakta ask`: one query (plain or --json), or many with --jsonl."""
    if args.jsonl:
        out = sys.stdout
        for line in sys.stdin:
            answer = service.checker.check(line.rstrip("\n"))
            out.write(json.dumps(messages.answer_json(answer, reply_lang(answer)), ensure_ascii=False) + "\n")
        out.flush()
        return 0
    query = args.query if args.query is not None else sys.stdin.read()
    answer = service.checker.check(query)
    if args.json:
        print(json.dumps(messages.answer_json(answer, reply_lang(answer)), ensure_ascii=False, indent=2))
    else:
        print(messages.render_answer(answer, reply_lang(answer), messages.TEXT))
    return 0


def kb(service: Service, args: argparse.Namespace) -> int:
    """`cekfakta kb load|export|stats`."""
    store = service.store
    if args.kb_command == "load":
        report = service.load_knowledge(args.source, force=args.force)
        print(f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
              f"kept (only in the database) {len(report.kept)}, conflicts {len(report.conflicts)}")
        for fact_id in report.conflicts:
            print(f"  conflict: {fact_id} was changed in the bot since the last load; "
                  "export it first, or load with --force")
        return 1 if report.conflicts else 0
    if args.kb_command == "export" and args.format == "claimreview":
        text = json.dumps(claim_reviews(store.facts()), ensure_ascii=False, indent=2) + "\n"
        if args.target is None:
            sys.stdout.write(text)
        else:
            args.target.write_text(text, encoding="utf-8")
        return 0
    if args.kb_command == "export":
        target = args.target or Path("knowledge")
        facts = [f for f in store.facts(status=None) if f.status != "proposed"]
        changed = write_facts(facts, target)
        for name in (TOPICS_FILE, LEXICON_FILE, LANGUAGE_DIR):
            source = service.knowledge_dir / name
            if not source.exists() or source.resolve() == (target / name).resolve():
                continue
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, target / name)
        print(f"exported {len(facts)} facts to {target} ({len(changed)} files changed)")
        return 0
    print(json.dumps({"database": str(service.settings.db_path), **store.stats()}, indent=2))
    return 0


def evaluate(service: Service, path: Path, reply_lang: ReplyLanguage) -> int:
    """`cekfakta eval`: top-1 accuracy on in-scope queries, false-answer rate on the rest."""
    try:
        rows = read_rows(path.read_text(encoding="utf-8").splitlines())
    except OSError as e:
        raise UserError("cli.unreadable", path=str(path), problem=e.strerror or str(e)) from None
    except ValueError as e:
        raise UserError("cli.bad_eval_file", path=str(path), problem=str(e)) from None
    result = score(service.checker, rows, reply_lang)
    for miss in result.misses:
        print(miss)
    print(f"in-scope: {result.hits}/{result.inscope} top-1 accuracy {result.accuracy:.3f}")
    print(f"out-of-scope: {result.false_answers}/{result.outscope} false-answer rate {result.false_rate:.3f}")
    return 0
