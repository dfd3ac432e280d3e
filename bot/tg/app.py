"""Builds and runs the Telegram bot.

    TELEGRAM_BOT_TOKEN=123:abc cekfakta                     # long polling
    cekfakta run --webhook-url https://example.org/telegram   # webhook, behind a reverse proxy
                                                            # (with /healthz and /metrics; see bot.tg.web)
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
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import messages
from bot.citizens import Citizens
from bot.config import Settings
from bot.editorial import Editorial
from bot.errors import EXIT_CONFIG, EXIT_TEMPFAIL
from bot.remote import LinkChecker, parse_networks
from bot.service import Service, open_service
from bot.tg import charts, handlers, moderation, observe, web

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3  # a 429 is waited out and retried this many times before giving up
COMMANDS = ("start", "help", "topik", "bahasa")
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
        .token(settings.token)
        .base_url(settings.bot_api_url)
        .base_file_url(file_url(settings.bot_api_url))
        .request(observe.CountingRequest(metrics, connection_pool_size=256))  # PTB's default pool sizes
        .get_updates_request(observe.CountingRequest(metrics, connection_pool_size=1))
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    citizens = Citizens(service.store, settings.salt)
    editorial = Editorial(service.store, citizens, service.analyzer, service.topics, settings.owner_ids,
                          settings.review, settings.timezone)
    application.bot_data[handlers.SERVICE] = service
    application.bot_data[handlers.CITIZENS] = citizens
    application.bot_data[moderation.EDITORIAL] = editorial
    application.bot_data[moderation.LINKS] = LinkChecker(httpx.AsyncClient(), parse_networks(settings.allowed_networks))
    observe.install(application, metrics, citizens.hash)  # times, counts and logs every question
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
    application.add_error_handler(handlers.on_error)
    return application


async def _post_init(application: Application) -> None:
    """Registers the command menu in Indonesian (default) and English; starts sending the outbox."""
    moderation.start_notices(application)
    for lang in messages.LANGS:
        commands = [BotCommand(name, messages.t(f"tg.cmd.{name}", lang)) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=None if lang == "id" else lang)


async def _check_token(settings: Settings) -> None:
    """Asks the Bot API who we are (getMe), so that a bad token ends in one line, not a traceback."""
    async with Bot(settings.token, base_url=settings.bot_api_url):
        pass


async def _post_shutdown(application: Application) -> None:
    """Closes the link checker's HTTP client."""
    await application.bot_data[moderation.LINKS].client.aclose()


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    """Runs the bot until SIGINT/SIGTERM: long polling, or a webhook with --webhook-url."""
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
    try:
        if webhook_url:
            port = getattr(args, "port", None) or settings.webhook_port
            web.run_webhook(application, web.server_factory(application, settings, listen, port), webhook_url,
                            web.webhook_secret(settings.webhook_secret))
        else:
            if settings.metrics_port:
                server = web.server_factory(application, settings, listen, settings.metrics_port)(None)
                web.serve_beside_polling(application, server)
            logger.info("Polling %s for updates", settings.bot_api_url)
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:  # revoked while starting
        print("cekfakta: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?)", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as e:  # setWebhook could not reach the Bot API
        print(f"cekfakta: cannot reach the Bot API at {settings.bot_api_url}: {e}", file=sys.stderr)
        return EXIT_TEMPFAIL
    return 0
