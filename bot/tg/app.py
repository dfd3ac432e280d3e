"""Builds and runs the Telegram bot.

    TELEGRAM_BOT_TOKEN=123:abc cekfakta                     # long polling
    cekfakta run --webhook-url https://example.org/telegram   # webhook, behind a reverse proxy
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import httpx
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import messages
from bot.citizens import Citizens, Retention
from bot.config import Settings
from bot.editorial import Editorial
from bot.errors import EXIT_CONFIG, EXIT_TEMPFAIL
from bot.metrics import Metrics
from bot.remote import LinkChecker, parse_networks
from bot.service import Service, open_service
from bot.tg import charts, handlers, moderation, observe, retention, web
from bot.tg.blocking import start_worker, stop_worker
from bot.tg.delivery import Delivery
from bot.tg.flood import GATE, FloodGate, limit_citizens
from bot.tg.intake import ALLOWED_UPDATES, ChatOrdered, HotlineBot, drop_repeats

logger = logging.getLogger(__name__)

COMMANDS = ("start", "help", "topik", "bahasa", "hapusdata")
CONCURRENT_UPDATES = 64  # updates handled at once (one at a time per chat)
CONNECTIONS = 64  # HTTP connections to the Bot API
FATAL = "fatal_error"  # set when the Bot API refused the token: the process exits non-zero
# Messages that carry no text to check: answered with a request for text keywords.
NON_TEXT = (filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE | filters.LOCATION
            | filters.VENUE | filters.CONTACT | filters.Dice.ALL | filters.POLL | filters.ANIMATION
            | ((filters.PHOTO | filters.VIDEO | filters.Document.ALL) & ~filters.CAPTION))


class RedactToken(logging.Filter):
    """Replaces the bot token in every log record, whatever library wrote it."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


def file_url(bot_api_url: str) -> str:
    """The file-download URL that goes with a Bot API URL (".../bot" -> ".../file/bot")."""
    if bot_api_url.endswith("/bot"):
        return bot_api_url[: -len("bot")] + "file/bot"
    return bot_api_url


def build_application(service: Service, settings: Settings) -> Application:
    """The real PTB Application, wired to the core; nothing is loaded per message."""
    metrics = observe.metrics_for(service)
    application = (
        Application.builder()
        .bot(make_bot(settings, metrics))
        .concurrent_updates(ChatOrdered(CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot._on_fatal = application.bot.rate_limiter.on_fatal = lambda error: _fatal(application, error)
    start_worker(application)
    citizens = Citizens(service.store, settings.salt, settings.key_file, retention_of(settings))
    editorial = Editorial(service.store, citizens, service.analyzer, service.topics, settings.owner_ids,
                          settings.review, settings.timezone)
    application.bot_data[handlers.SERVICE] = service
    application.bot_data[handlers.CITIZENS] = citizens
    application.bot_data[moderation.EDITORIAL] = editorial
    application.bot_data[moderation.LINKS] = LinkChecker(httpx.AsyncClient(), parse_networks(settings.allowed_networks))
    add_guards(application, settings)
    observe.install(application, metrics, citizens.log_id)  # times, counts and logs every question
    charts.add_handlers(application, settings)  # /statistik grafik (before /statistik) and the daily digest
    # Before the citizens' handlers: a moderator mid-draft is not asking a question.
    moderation.add_handlers(application, editorial, settings.draft_timeout)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["help", "bantuan"], handlers.help_command))
    application.add_handler(CommandHandler(["topik", "topics"], handlers.topics_command))
    application.add_handler(CommandHandler(["bahasa", "language"], handlers.language_command))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    text = (filters.TEXT & ~filters.COMMAND) | filters.CAPTION
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGES & text, handlers.on_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGES & NON_TEXT, handlers.on_other))
    application.add_handler(CommandHandler(["hapusdata", "hapus_data", "deletedata", "delete_data", "lupakan",
                                            "forget"], handlers.forget_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGES & filters.COMMAND, handlers.unknown_command))
    application.add_error_handler(handlers.on_error)
    return application


def make_bot(settings: Settings, metrics: Metrics) -> HotlineBot:
    """The bot, sending through the one sending path (`delivery.Delivery`) over a pool of connections,
    each failed Bot API call counted in `metrics`."""
    return HotlineBot(
        settings.token,
        base_url=settings.bot_api_url,
        base_file_url=file_url(settings.bot_api_url),
        request=observe.CountingRequest(metrics, connection_pool_size=CONNECTIONS, pool_timeout=5.0),
        get_updates_request=observe.CountingRequest(metrics),
        rate_limiter=Delivery(settings.send_deadline, settings.send_rate),
    )


def retention_of(settings: Settings) -> Retention:
    """How long citizens' records are kept, from the settings."""
    return Retention(queries=settings.keep_queries_days, feedback=settings.keep_feedback_days,
                     questions=settings.keep_questions_days, deliveries=settings.keep_deliveries_days)


def add_guards(application: Application, settings: Settings) -> None:
    """Before every handler: each update once (group -2), then the citizens' flood limit (group -1)."""
    application.bot_data[GATE] = FloodGate(settings.flood_limit)
    application.add_handler(TypeHandler(Update, drop_repeats), group=-2)
    application.add_handler(TypeHandler(Update, limit_citizens), group=-1)


def _fatal(application: Application, error: Exception) -> None:
    """The Bot API refused the token: stop, so that run_bot exits non-zero and a supervisor notices."""
    if FATAL not in application.bot_data:
        application.bot_data[FATAL] = error
        logger.critical("Telegram refused the bot token (%s); stopping", type(error).__name__)
        web.stop(application)  # the webhook server, when it serves
        if application.running:
            application.stop_running()


async def _post_init(application: Application) -> None:
    """Registers the command menu in Indonesian (default) and English; starts sending the outbox."""
    moderation.start_notices(application)
    retention.start(application)
    for lang in messages.LANGS:
        commands = [BotCommand(name, messages.t(f"tg.cmd.{name}", lang)) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=None if lang == "id" else lang)


async def _check_token(settings: Settings) -> None:
    """Asks the Bot API who we are (getMe), so that a bad token ends in one line, not a traceback."""
    async with Bot(settings.token, base_url=settings.bot_api_url):
        pass


async def _post_shutdown(application: Application) -> None:
    """Closes the link checker's HTTP client and ends the worker thread."""
    await application.bot_data[moderation.LINKS].client.aclose()
    stop_worker(application)


def with_whatsapp(application: Application, settings: Settings) -> list:
    """When WhatsApp is configured too, its edge joins this process: its webhook is a route of the same
    web server (returned), and it starts and stops with the Application. It shares the hotline, the
    citizens' records and the metrics; moderators' /jawab reaches WhatsApp askers through its outbox."""
    if not settings.whatsapp:
        return []
    from bot.wa.run import WhatsAppRuntime

    runtime = WhatsAppRuntime(application.bot_data[handlers.SERVICE], settings,
                              application.bot_data[handlers.CITIZENS])
    post_init, post_shutdown = application.post_init, application.post_shutdown

    async def start(app: Application) -> None:
        if post_init:
            await post_init(app)
        await runtime.start()

    async def stop(app: Application) -> None:
        await runtime.stop()
        if post_shutdown:
            await post_shutdown(app)

    application.post_init, application.post_shutdown = start, stop
    return list(runtime.routes())


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    """Runs the bot until SIGINT/SIGTERM: long polling, or a webhook with --webhook-url (the web server
    also answers /healthz and /metrics; in polling mode they are served on CEKFAKTA_METRICS_PORT)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(settings.token))
    try:
        asyncio.run(_check_token(settings))
    except InvalidToken:
        print("cekfakta: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?)", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as e:
        print(f"cekfakta: cannot reach the Bot API at {settings.bot_api_url}: {e}", file=sys.stderr)
        return EXIT_TEMPFAIL
    service = open_service(settings)
    application = build_application(service, settings)
    webhook_url = getattr(args, "webhook_url", None) or settings.webhook_url
    listen = getattr(args, "listen", None) or settings.webhook_listen
    port = getattr(args, "port", None) or settings.webhook_port
    extra = with_whatsapp(application, settings)
    try:
        if webhook_url:
            web.run_webhook(application, web.server_factory(application, settings, listen, port, extra), webhook_url,
                            web.webhook_secret(settings.webhook_secret), ALLOWED_UPDATES)
        else:
            if settings.metrics_port or extra:  # WhatsApp's webhook needs the server in polling mode too
                server = web.server_factory(application, settings, listen, settings.metrics_port or port, extra)(None)
                web.serve_beside_polling(application, server)
            logger.info("Polling %s for updates", settings.bot_api_url)
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:  # revoked while starting
        print("cekfakta: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?)", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as e:  # setWebhook could not reach the Bot API
        print(f"cekfakta: cannot reach the Bot API at {settings.bot_api_url}: {e}", file=sys.stderr)
        return EXIT_TEMPFAIL
    if FATAL in application.bot_data:
        print("cekfakta: Telegram rejected TELEGRAM_BOT_TOKEN while running (revoked?)", file=sys.stderr)
        return EXIT_CONFIG
    return 0
