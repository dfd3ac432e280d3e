"""Updates answered a second, end to end: the real bot against a minimal python-telegram-bot echo bot,
each polling the local fake Bot API (`tests/fakes.py`), which runs in a process of its own so that
its work is not counted as the bot's. Prints one JSON object.

    python benchmarks/endtoend.py --bot echo --updates 300
    python benchmarks/endtoend.py --bot cekfakta --updates 300 --db BASE.db --no-rate-limiter

The fake server queues every update before the bot starts polling. Updates a second are counted over
the second half of the replies: PTB's rate limiter lets a first burst of 30 through at once, and the
steady rate after it is what a busy bot sustains. Both bots log as the real bot does (INFO, to a file). CPU is this
process's CPU time over the same span (`time.process_time`: every thread, the bot's database writes
included), divided by the updates answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
USERS = 50  # distinct citizens writing, each in a private chat

SERVER = """
import json, sys
from http.server import ThreadingHTTPServer
sys.path.insert(0, sys.argv[1])
from fakes import FakeBotAPI, Updates
ThreadingHTTPServer.request_queue_size = 256  # concurrent updates open many connections at once
texts = json.load(open(sys.argv[2], encoding="utf-8"))
count, users = int(sys.argv[3]), int(sys.argv[4])
api = FakeBotAPI().start()
updates = Updates()
for n in range(count):
    api.push_update(updates.message(texts[n % len(texts)], user_id=10_000 + n % users))
print(api.port, flush=True)
sys.stdin.read()  # serve until the benchmark closes our stdin
api.stop()
"""


class Counter:
    """Counts the bot's sendMessage calls and says when `target` were made."""

    def __init__(self, target: int):
        self.target = target
        self.sent = 0
        self.failed = 0
        self.half = 0.0  # when half the replies were sent: the rate after it is the steady one
        self.first_poll: float | None = None
        self.done = asyncio.Event()
        self.cpu_start = 0.0
        self.cpu_end = 0.0
        self.end = 0.0

    def count(self, ok: bool) -> None:
        """One sendMessage answered (or failed: a run with failures still ends, and says so)."""
        self.sent += 1
        self.failed += not ok
        if self.sent == self.target // 2:
            self.half = time.perf_counter()
        if self.sent == self.target:
            self.end = time.perf_counter()
            self.cpu_end = time.process_time()
            self.done.set()

    def install(self) -> None:
        """Wrap PTB's HTTP request (whichever subclass a bot uses) to count calls by Bot API method."""
        from telegram.request import HTTPXRequest

        original = HTTPXRequest.do_request
        counter = self

        async def do_request(request: Any, url: str, *args: Any, **kwargs: Any) -> Any:
            if counter.first_poll is None and url.endswith("/getUpdates"):
                counter.first_poll = time.perf_counter()
                counter.cpu_start = time.process_time()
            ok = False
            try:
                result = await original(request, url, *args, **kwargs)
                ok = True
                return result
            finally:
                if url.endswith("/sendMessage"):
                    counter.count(ok)

        HTTPXRequest.do_request = do_request  # type: ignore[method-assign]


def no_rate_limiter() -> Any:
    """A rate limiter that passes every request straight through (to measure the bot without one)."""
    from telegram.ext import BaseRateLimiter

    class NoLimit(BaseRateLimiter):
        async def initialize(self) -> None:
            pass

        async def shutdown(self) -> None:
            pass

        async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: ANN001
            return await callback(*args, **kwargs)

    return NoLimit()


def echo_application(base_url: str, token: str, rate_limited: bool, concurrent: bool) -> Any:
    """The minimal echo bot of python-telegram-bot's examples."""
    from telegram import Update
    from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echo the user message."""
        await update.message.reply_text(update.message.text)

    builder = Application.builder().token(token).base_url(base_url).concurrent_updates(concurrent)
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter())
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


def cekfakta_application(base_url: str, token: str, db: Path, rate_limited: bool, concurrent: bool) -> Any:
    """The real bot, as `cekfakta run` builds it, on `db`."""
    import bot.tg.app as app_module
    from bot.config import Settings
    from bot.service import open_service

    if not rate_limited:  # the bot's one sending path (`bot.tg.delivery.Delivery`) holds PTB's rate limiter slot
        app_module.Delivery = lambda *args, **kwargs: no_rate_limiter()  # type: ignore[assignment,misc]
    settings = Settings(token=token, db_path=db, bot_api_url=base_url, salt="benchmark-salt")
    application = app_module.build_application(open_service(settings), settings)
    if concurrent:
        application._update_processor = _concurrent_processor()  # noqa: SLF001 - as the builder would set it
    return application


def _concurrent_processor() -> Any:
    from telegram.ext import SimpleUpdateProcessor

    return SimpleUpdateProcessor(256)


async def drive(application: Any, counter: Counter, timeout: float) -> None:
    """Poll until every reply was sent, then stop as a SIGTERM would."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    await application.start()
    try:
        await asyncio.wait_for(counter.done.wait(), timeout)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def measure(bot: str, updates: int, texts: list[str], db: Path | None, rate_limited: bool, concurrent: bool,
            timeout: float) -> dict[str, Any]:
    """Run one bot against a fresh fake server holding `updates` queued messages."""
    from fakes import TOKEN

    from bot.logs import setup_logging

    work = Path(tempfile.mkdtemp(prefix="cekfakta-e2e-"))
    try:
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(TESTS), str(texts_file), str(updates), str(USERS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(server.stdout.readline())
            base_url = f"http://127.0.0.1:{port}/bot"
            log = open(os.environ.get("CEKFAKTA_BENCH_LOG") or work / "bot.log", "w", encoding="utf-8")  # noqa: SIM115
            setup_logging("INFO", stream=log)
            counter = Counter(updates)
            counter.install()
            if bot == "echo":
                application = echo_application(base_url, TOKEN, rate_limited, concurrent)
            else:
                copy = work / "bot.db"
                if db is not None:
                    shutil.copyfile(db, copy)
                application = cekfakta_application(base_url, TOKEN, copy, rate_limited, concurrent)
            asyncio.run(drive(application, counter, timeout))
            log.close()
        finally:
            server.stdin.close()
            server.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = counter.end - (counter.first_poll or counter.end)
    cpu = counter.cpu_end - counter.cpu_start
    steady = (updates - updates // 2) / (counter.end - counter.half) if counter.end > counter.half else float("nan")
    return {"bot": bot, "updates": updates, "rate_limiter": rate_limited, "concurrent": concurrent,
            "seconds": seconds, "per_second": steady, "overall_per_second": updates / seconds if seconds else 0,
            "cpu_ms_per_update": cpu / updates * 1000, "failed": counter.failed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bot", choices=("echo", "cekfakta"), required=True)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--texts", type=Path, required=True, help="JSON list of message texts to cycle through")
    parser.add_argument("--db", type=Path, help="cekfakta: a base to copy (default: a fresh database)")
    parser.add_argument("--no-rate-limiter", action="store_true")
    parser.add_argument("--concurrent", action="store_true", help="handle updates concurrently")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    os.environ.pop("TELEGRAM_BOT_TOKEN", None)
    texts = json.loads(args.texts.read_text(encoding="utf-8"))
    result = measure(args.bot, args.updates, texts, args.db, not args.no_rate_limiter, args.concurrent,
                     args.timeout)
    logging.shutdown()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
