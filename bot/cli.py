"""The `cekfakta` command: the bot, a local console chat, `ask`, `kb`, `eval`, `stats` and `health`.

Errors are translated into one line and an exit code here, at the edge (see `bot.errors`):
78 for configuration, 75 for a temporary failure, 2 for a bad command line or input file,
1 for a check that failed (health, eval below the bar, kb load conflicts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__, messages
from bot.claimreview import claim_reviews
from bot.config import VARIABLES, Settings, absolute_url
from bot.errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_TEMPFAIL,
    EXIT_USAGE,
    ConfigError,
    KnowledgeError,
    StoreError,
    TemporaryError,
    UserError,
)
from bot.evaluation import read_rows, score
from bot.knowledge import TOPICS_FILE, load_facts, load_topics, write_facts
from bot.lexicon import LANGUAGE_DIR, LEXICON_FILE
from bot.logs import setup_logging
from bot.models import Answer
from bot.progress import bar, progress
from bot.service import Service, open_service

if TYPE_CHECKING:
    from bot.citizens import Citizens

logger = logging.getLogger("cekfakta")

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a writer whose reader went away


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def _epilog() -> str:
    width = max(len(v.name) for v in VARIABLES)
    lines = ["environment variables (also read from a .env file; see .env.example):"]
    lines += [f"  {v.name:<{width}}  {v.meaning} [default: {v.default}]".replace("`", "") for v in VARIABLES]
    lines += ["", "exit codes: 0 ok, 1 a check failed, 2 bad command line or input, 75 temporary failure "
              "(retry), 78 configuration error"]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    # Options every command accepts, before or after the command's name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=messages.LANGS, default=argparse.SUPPRESS,
                        help="reply language (default: CEKFAKTA_LANG or id)")
    common.add_argument("--log-format", choices=("text", "json"), default=argparse.SUPPRESS,
                        help="log lines as text or one JSON object a line (default: CEKFAKTA_LOG_FORMAT or text)")
    parser = argparse.ArgumentParser(
        prog="cekfakta", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_epilog(),
        description="Keyword fact-check hotline. With TELEGRAM_BOT_TOKEN set, runs the Telegram bot; with "
                    "CEKFAKTA_WA_TOKEN and CEKFAKTA_WA_PHONE_ID, the WhatsApp edge; with both, both in one "
                    "process; otherwise opens a local console chat.")
    parser.add_argument("--version", action="version", version=f"cekfakta {__version__}")
    sub = parser.add_subparsers(dest="command")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    run = command("run", "run the bot: Telegram with TELEGRAM_BOT_TOKEN, WhatsApp with CEKFAKTA_WA_TOKEN and "
                         "CEKFAKTA_WA_PHONE_ID, or both; with neither it stops (exit 78)")
    run.add_argument("--webhook-url", help="Telegram's public HTTPS webhook URL (default: long polling)")
    run.add_argument("--listen", help="web server listen address (default: CEKFAKTA_WEBHOOK_LISTEN or 127.0.0.1)")
    run.add_argument("--port", type=int, help="web server port for the webhooks (default: CEKFAKTA_WEBHOOK_PORT "
                                              "or 8443)")
    run.add_argument("--secret-token", help=argparse.SUPPRESS)  # refused: see _dispatch

    command("console", "chat with the bot in this terminal, without Telegram")

    ask = command("ask", "answer one query as a citizen would read it")
    ask.add_argument("query", nargs="?", default=None, help="the query text")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read one query a line on stdin, print JSON lines")

    kb = command("kb", "knowledge base: load, export, publish, stats")
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
    export.add_argument("--base-url", help="with claimreview: where the fact pages are (default: CEKFAKTA_PUBLIC_URL)")
    publish = kb_sub.add_parser("publish", help="write the public database and fact pages into a folder")
    publish.add_argument("folder", type=Path, help="output folder (created; its pages are replaced)")
    publish.add_argument("--base-url", help="where the folder is served (default: CEKFAKTA_PUBLIC_URL)")
    kb_sub.add_parser("stats", help="counts of facts, versions, audit rows")

    ev = command("eval", "score a query set (JSON lines: q, expect, kind)")
    ev.add_argument("file", type=Path)
    ev.add_argument("--min-accuracy", type=_fraction, metavar="A", help="exit 1 when top-1 accuracy is below A")
    ev.add_argument("--max-false", type=_fraction, metavar="F", help="exit 1 when the false-answer rate exceeds F")

    stats = command("stats", "questions per day and top unanswered words, as JSON or a PNG chart")
    stats.add_argument("--png", type=Path, metavar="FILE", help="write the moderators' chart to FILE")

    health = command("health", "exit 0 when the database opens, passes a quick check and holds facts")
    health.add_argument("--bot-api", action="store_true", help="also check that the Bot API answers getMe")
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
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "ask":
        # A query may itself look like an option ("-x"): the words belong to the query.
        args.query = " ".join(w for w in [args.query, *extra] if w)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = Settings.from_env()
        if getattr(args, "log_format", None):
            settings = replace(settings, log_format=args.log_format)
        setup_logging(settings.log_level, settings.log_format, settings.tz)
        if settings.unknown:
            logger.warning("Unknown variables ignored (typos?): %s", ", ".join(settings.unknown))
        return _dispatch(args, settings)
    except (ConfigError, KnowledgeError) as e:
        return _fail(str(e), EXIT_CONFIG)
    except StoreError as e:
        return _fail(str(e), EXIT_CONFIG)
    except TemporaryError as e:
        return _fail(str(e), EXIT_TEMPFAIL)
    except UserError as e:
        return _fail(str(e), EXIT_USAGE)
    except sqlite3.OperationalError as e:  # e.g. locked past the busy timeout by another writer
        from bot.store.facts import describe_error

        locked = "locked" in str(e) or "busy" in str(e)
        return _fail(describe_error(settings.db_path, e), EXIT_TEMPFAIL if locked else EXIT_CONFIG)
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int) -> int:
    print(f"cekfakta: {message}", file=sys.stderr)
    return code


ReplyLanguage = Callable[[Answer], str]


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    chosen_lang = getattr(args, "lang", None)
    if command in ("backup", "restore"):
        return backup_command(args, settings)
    if command == "health":
        return health(settings, args.bot_api)
    if command == "run" and settings.whatsapp and not settings.token:  # WhatsApp alone
        settings.check_whatsapp()
        ensure_writable(settings.db_path)
        from bot.wa.run import run_whatsapp  # pywa is only imported when it is used

        return run_whatsapp(settings, getattr(args, "listen", None), getattr(args, "port", None))
    if command == "run" and (settings.token or args.command == "run"):
        settings.check_whatsapp()
        if getattr(args, "secret_token", None):
            raise ConfigError("--secret-token is refused: a command line is visible to every user in `ps`; "
                              "set CEKFAKTA_WEBHOOK_SECRET in the environment instead")
        settings.check_token()
        ensure_writable(settings.db_path)
        from bot.tg.app import run_bot  # Telegram is only imported when it is used

        return run_bot(settings, args)
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)  # keep the terminal for the conversation
    ensure_writable(settings.db_path)
    service = open_service(settings)
    lang = chosen_lang or settings.lang

    def reply_lang(answer: Answer) -> str:
        # --lang decides; otherwise an English message gets an English reply.
        return messages.reply_language(answer, chosen_lang, settings.lang)

    if command in ("run", "console"):
        return console(service, lang, chosen_lang)
    if command == "ask":
        return ask(service, args, chosen_lang)
    if command == "kb":
        return kb(service, args)
    if command == "eval":
        return evaluate(service, args, reply_lang)
    if command == "stats":
        return stats(service, args.png, lang)
    raise AssertionError(command)


def ensure_writable(db_path: Path) -> None:
    """Raise ConfigError naming CEKFAKTA_DB when the database's folder cannot be written."""
    from bot.health import writable_problem

    problem = writable_problem(db_path)
    if problem:
        raise ConfigError(f"CEKFAKTA_DB: {problem}")


def health(settings: Settings, bot_api: bool) -> int:
    """`cekfakta health`: one line; exit 0 when healthy, 1 when not (as Docker's HEALTHCHECK expects)."""
    from bot.health import check_database
    from bot.tg.botapi import check_bot_api

    checks = [check_database(settings.db_path)]
    if bot_api and checks[0].ok:
        if not settings.token:
            return _fail("TELEGRAM_BOT_TOKEN is not set, so the Bot API cannot be checked", EXIT_FAILED)
        checks.append(asyncio.run(check_bot_api(settings.token, settings.bot_api_url)))
    failed = next((c for c in checks if not c.ok), None)
    if failed:
        return _fail(failed.message.replace(settings.token, "<token>") if settings.token else failed.message,
                     EXIT_FAILED)
    print("; ".join(c.message for c in checks))
    return 0


def console(service: Service, lang: str, chosen_lang: str | None) -> int:
    """An interactive chat in the terminal, through the same hotline service as Telegram and WhatsApp:
    its questions count in the statistics like any channel's."""
    from bot.citizens import Citizens
    from bot.hotline import CONSOLE, Hotline, command_of

    try:
        citizens: Citizens | None = Citizens(service.store, service.settings.salt, service.settings.key_file)
    except ConfigError as e:  # no key file can be made here: chat all the same, without statistics
        logging.getLogger(__name__).warning("Console questions are not counted: %s", e)
        citizens = None
    hotline = Hotline(service, citizens)
    who = citizens.hash(CONSOLE) if citizens is not None else ""
    print(messages.t("console.welcome", lang, facts=len(service.store.facts())))
    while True:
        try:
            line = input("> ")
        except EOFError:
            print()
            return 0
        if not line.strip():
            return 0
        words = line.split()
        command = command_of(line)
        if command is None and len(words) > 1 and words[-1].lower() in messages.LANGS:
            command = "language" if command_of(" ".join(words[:-1])) == "language" else None  # "bahasa en"
        if command is None and line.strip().startswith("/"):
            command = "unknown"  # as Telegram does: a short help, never a question
        if command == "language":
            chosen_lang = _console_language(line, chosen_lang, lang)
            lang = chosen_lang or lang
            continue
        if command is not None:
            _console_command(command, service, citizens, who, lang)
            print()
            continue
        reply = hotline.ask(line, who, chosen_lang)
        print(messages.render_answer(reply.answer, reply.lang, messages.TEXT))
        print()
        hotline.record(reply, None, CONSOLE)  # no chat to write back to: no delivery, no correction


def _console_language(line: str, chosen: str | None, lang: str) -> str | None:
    """`bahasa` lists the languages; `bahasa en` (or `language id`) chooses one for the rest of the chat."""
    words = line.split()
    code = words[-1].lower() if len(words) > 1 else ""
    if code in messages.LANGS:
        print(messages.t("tg.language_set", code) + "\n")
        return code
    print(messages.t("tg.language_prompt", lang))
    for option in messages.LANGS:
        name = messages.t(f"wa.language_{option}", lang)
        print("  " + messages.t("console.language_option", lang, code=option, name=name))
    print()
    return chosen


def _console_command(command: str, service: Service, citizens: Citizens | None, who: str, lang: str) -> None:
    """A citizen command typed in the console (see `bot.hotline.COMMANDS`), with the texts Telegram's
    commands reply with, as plain text: nothing of it is logged as a question."""
    from collections import Counter

    if command == "topics":
        counts = Counter(f.topic for f in service.store.facts())
        print(messages.t("tg.topics", lang))
        for key, labels in service.topics.items():
            if counts.get(key):
                print(f"  • {labels.get(lang) or labels['id']} ({counts[key]})")
    elif command == "forget":
        print(messages.t("tg.forget_prompt", lang))
        print(messages.t("console.forget_confirm", lang))
        try:
            confirmed = input("> ").strip().lower() in ("ya", "yes", "y")
        except EOFError:
            confirmed = False
        if confirmed and citizens is not None:
            citizens.forget(who)
        print(messages.t("tg.forgotten" if confirmed else "tg.forget_cancelled", lang))
    else:
        key = {"help": "tg.help", "start": "tg.start"}.get(command, "tg.unknown_command")
        print(messages.html_to_text(messages.t(key, lang)))


def ask(service: Service, args: argparse.Namespace, chosen_lang: str | None) -> int:
    """`cekfakta ask`: one query (plain or --json), or many with --jsonl. The reply is the hotline's, as
    every channel composes it; nothing is recorded (a tool for editors and scripts, not a citizen)."""
    from bot.hotline import Hotline

    hotline = Hotline(service)
    if args.jsonl:
        out = sys.stdout
        for line in sys.stdin:
            reply = hotline.ask(line.rstrip("\n"), fixed_lang=chosen_lang)
            out.write(json.dumps(messages.answer_json(reply.answer, reply.lang), ensure_ascii=False) + "\n")
        out.flush()
        return 0
    query = args.query if args.query is not None else sys.stdin.read()
    reply = hotline.ask(query, fixed_lang=chosen_lang)
    if args.json:
        print(json.dumps(messages.answer_json(reply.answer, reply.lang), ensure_ascii=False, indent=2))
    else:
        print(messages.render_answer(reply.answer, reply.lang, messages.TEXT))
    sys.stdout.flush()  # a closed pipe is reported here, inside main's handler
    return 0


def kb(service: Service, args: argparse.Namespace) -> int:
    """`cekfakta kb load|export|publish|stats`."""
    store = service.store
    settings = service.settings
    if args.kb_command == "load":
        from bot.loading import import_in_batches

        folder = args.source or service.knowledge_dir
        facts = load_facts(folder, load_topics(folder))
        with bar(len(facts), "kb load") as advance:
            report = import_in_batches(store, facts, force=args.force, progress=advance)
        print(f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
              f"kept (only in the database) {len(report.kept)}, conflicts {len(report.conflicts)}")
        for fact_id in report.conflicts:
            print(f"  conflict: {fact_id} was changed in the bot since the last load; "
                  "export it first, or load with --force")
        return EXIT_FAILED if report.conflicts else 0
    if args.kb_command == "export" and args.format == "claimreview":
        base = absolute_url(args.base_url or "", "--base-url") or settings.public_url
        reviews = claim_reviews(store.facts(), base.rstrip("/"), settings.publisher)
        text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
        if args.target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            args.target.write_text(text, encoding="utf-8")
        return 0
    if args.kb_command == "export":
        target = args.target or Path("knowledge")
        facts = [f for f in store.facts(status=None) if f.status != "proposed"]
        changed = write_facts(progress(facts, len(facts), "kb export"), target)
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
    if args.kb_command == "publish":
        return publish(service, args.folder, args.base_url)
    print(json.dumps({"database": str(settings.db_path), **store.stats()}, indent=2))
    return 0


def publish(service: Service, folder: Path, base_url: str | None) -> int:
    """`cekfakta kb publish DIR`: the public database, fact pages, index and ClaimReviews."""
    from bot.publish import DATABASE_NAME
    from bot.publish import publish as write_site

    settings = service.settings
    base = absolute_url(base_url, "--base-url").rstrip("/") if base_url else settings.public_url
    result = write_site(service.store, service.topics, folder, base, settings.publisher, settings.tz, progress)
    print(f"published {result.facts} facts to {folder}: {DATABASE_NAME}, index.html, "
          f"{len(result.changed)} files changed, {len(result.removed)} pages removed")
    if base:
        print(f"{result.reviews} ClaimReviews in claimreview.json, pages at {base}/")
    else:
        print("no CEKFAKTA_PUBLIC_URL (or --base-url): pages link relatively, without ClaimReview")
    return 0


def evaluate(service: Service, args: argparse.Namespace, reply_lang: ReplyLanguage) -> int:
    """`cekfakta eval`: top-1 accuracy on in-scope queries, false-answer rate on the rest; exit 1 below the bar."""
    path: Path = args.file
    try:
        rows = read_rows(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as e:
        problem = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise UserError("cli.unreadable", path=str(path), problem=problem) from None
    except ValueError as e:
        raise UserError("cli.bad_eval_file", path=str(path), problem=str(e)) from None
    if not rows:
        raise UserError("cli.bad_eval_file", path=str(path), problem="no queries in it")
    result = score(service.checker, rows, reply_lang)
    for miss in result.misses:
        print(miss)
    print(f"in-scope: {result.hits}/{result.inscope} top-1 accuracy {result.accuracy:.3f}")
    print(f"out-of-scope: {result.false_answers}/{result.outscope} false-answer rate {result.false_rate:.3f}")
    below = []
    if args.min_accuracy is not None and result.accuracy < args.min_accuracy:
        below.append(f"top-1 accuracy {result.accuracy:.3f} is below {args.min_accuracy}")
    if args.max_false is not None and result.false_rate > args.max_false:
        below.append(f"false-answer rate {result.false_rate:.3f} is above {args.max_false}")
    if below:
        sys.stdout.flush()
        return _fail("below the bar: " + "; ".join(below), EXIT_FAILED)
    return 0


def stats(service: Service, png: Path | None, lang: str) -> int:
    """`cekfakta stats`: questions per day and top unanswered words (JSON), or the chart with --png."""
    from bot.trends import ignored_words, trends

    lexicon = service.analyzer.lexicon
    data = trends(service.store.db, ignored_words(lexicon.stopwords, lexicon.smalltalk), service.settings.tz)
    if png is None:
        print(json.dumps({"days": [d.isoformat() for d in data.days], "answered": data.answered, "near": data.near,
                          "unanswered": data.unanswered, "top_unanswered": data.top_unanswered,
                          "tells_near": data.tells_near}, ensure_ascii=False))
        return 0
    from bot.charts import render_png

    png.write_bytes(render_png(data, lang))
    print(f"wrote {png}: {data.total} questions in {len(data.days)} days")
    return 0
