"""The bot's web server (tornado, which PTB's webhook extra already brings): the Telegram webhook,
`/healthz` and `/metrics` on one port.

PTB's own `run_webhook` serves the webhook path only, so webhook mode runs here instead, the way
PTB's "custom webhook" example does: updates go into `application.update_queue`. In polling mode the
same server, without the webhook route, answers `/healthz` and `/metrics` on CEKFAKTA_METRICS_PORT.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import signal
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.health import Health, check_database
from bot.metrics import Metrics
from bot.tg.intake import read_update
from bot.web import HealthHandler, HealthProbe, MetricsHandler, QuietHandler, Routes, WebServer

__all__ = ["HealthHandler", "MetricsHandler", "WebServer", "WebhookHandler", "web_app"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookHandler(QuietHandler):
    """POST <webhook path>: an update from Telegram, checked against the secret token."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_application: Application, secret: str) -> None:
        """Tornado's per-request set-up."""
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        """Queue the update for the Application; refuse requests without the secret."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            data = json.loads(self.request.body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        bot = self.bot_application.bot
        try:
            # A poison update is logged once, without its content (the sender's name and text), and
            # becomes an empty update: answering 200 stops Telegram from delivering it again and again.
            update = read_update(data, bot)
        except ValueError:
            return
        if update is not None:
            bot.insert_callback_data(update)
            await self.bot_application.update_queue.put(update)


def web_app(probe: HealthProbe, metrics: Metrics, webhook: tuple[str, Application, str] | None = None,
            extra: Routes = ()) -> tornado.web.Application:
    """The routes: /healthz, /metrics, the webhook path when given (path, application, secret), and
    `extra` routes (the WhatsApp webhook, when it runs in the same process)."""
    routes: list = [(r"/healthz", HealthHandler, {"probe": probe}),
                    (r"/metrics", MetricsHandler, {"metrics": metrics}), *extra]
    if webhook is not None:
        path, application, secret = webhook
        target = {"bot_application": application, "secret": secret}
        routes.append((rf"/{re.escape(path.strip('/'))}/?", WebhookHandler, target))
    return tornado.web.Application(routes, log_function=lambda handler: None)


ServerFactory = Callable[..., WebServer]


def health_probe(application: Application, settings: Settings) -> HealthProbe:
    """/healthz's check: the database (in a worker thread, on its own read-only connection) and the bot running."""

    async def probe() -> Health:
        health = await asyncio.to_thread(check_database, settings.db_path)
        if health.ok and not application.running:
            return Health(False, "the bot is not running", health.facts)
        return health

    return probe


def server_factory(application: Application, settings: Settings, listen: str, port: int,
                   extra: Routes = ()) -> ServerFactory:
    """Builds the web server for a webhook path and secret (path None: /healthz and /metrics only), with
    `extra` routes (the WhatsApp webhook)."""
    from bot.tg.observe import METRICS

    def build(path: str | None, secret: str = "") -> WebServer:
        webhook = (path, application, secret) if path is not None else None
        return WebServer(web_app(health_probe(application, settings), application.bot_data[METRICS], webhook,
                                 extra), listen, port)

    return build


def serve_beside_polling(application: Application, server: WebServer) -> None:
    """Run `server` for as long as `application.run_polling` runs (chained to its post_init and post_stop)."""
    post_init, post_stop = application.post_init, application.post_stop

    async def start(app: Application) -> None:
        if post_init:
            await post_init(app)
        await server.start()
        logger.info("Serving /healthz and /metrics on %s:%d", server.listen, server.port)

    async def stop(app: Application) -> None:
        await server.stop()
        if post_stop:
            await post_stop(app)

    application.post_init, application.post_stop = start, stop


def webhook_secret(configured: str) -> str:
    """The configured secret, or a fresh one: a webhook without a secret would accept forged updates."""
    if configured:
        return configured
    logger.warning("CEKFAKTA_WEBHOOK_SECRET is not set: using a random secret for this run")
    return secrets.token_urlsafe(32)


STOPPING = "web_stopping"  # bot_data key of the event that ends the webhook server


def stop(application: Application) -> None:
    """End the webhook server's run (a fatal error while serving)."""
    event = application.bot_data.get(STOPPING)
    if event is not None:
        event.set()


def run_webhook(application: Application, server_for: ServerFactory, webhook_url: str,
                secret: str, allowed_updates: list[str] | None = None) -> None:
    """Serve the webhook until SIGINT or SIGTERM: start the Application, listen, register the URL.

    `server_for(path, secret)` builds the web server for the webhook's path. Errors from `setWebhook`
    (a rejected token, an unreachable Bot API) propagate after everything is shut down.
    """
    asyncio.run(_serve_webhook(application, server_for, webhook_url, secret, allowed_updates))


async def _serve_webhook(application: Application, server_for: ServerFactory, webhook_url: str,
                         secret: str, allowed_updates: list[str] | None = None) -> None:
    stopping = asyncio.Event()
    application.bot_data[STOPPING] = stopping
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    path = urlparse(webhook_url).path or "/"
    server = server_for(path, secret)
    try:
        async with application:  # initialize ... shutdown
            if application.post_init:
                await application.post_init(application)
            await application.start()
            await server.start()
            try:
                await application.bot.set_webhook(webhook_url, secret_token=secret,
                                                  allowed_updates=allowed_updates or Update.ALL_TYPES)
                logger.info("Webhook listening on %s:%d at path %s for %s", server.listen, server.port, path,
                            webhook_url, extra={"event": "webhook_started"})
                await stopping.wait()
            finally:
                await server.stop()
                await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if application.post_shutdown:
            await application.post_shutdown(application)
    logger.info("Webhook server stopped")
