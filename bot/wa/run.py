"""Running the WhatsApp edge: alone (no Telegram token), or beside the Telegram bot in one process, its
webhook a route of the same web server as Telegram's webhook, `/healthz` and `/metrics`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.citizens import Citizens, Retention
from bot.config import Settings
from bot.health import Health, check_database
from bot.metrics import Metrics
from bot.service import Service, open_service
from bot.wa import web
from bot.wa.edge import WhatsAppEdge
from bot.wa.notices import WhatsAppOutbox
from bot.web import Routes, WebServer, web_app

logger = logging.getLogger(__name__)

PURGE_SECONDS = 24 * 3600  # the retention job, when WhatsApp runs without Telegram (whose job does it)


class WhatsAppRuntime:
    """The edge and its outbox sender, started and stopped inside the running event loop."""

    def __init__(self, service: Service, settings: Settings, citizens: Citizens):
        settings.check_whatsapp()
        self.edge = WhatsAppEdge(service, citizens, settings)
        self.outbox = WhatsAppOutbox(self.edge)
        self.path = settings.wa_path

    def routes(self) -> Routes:
        """The webhook route for the web server."""
        return web.routes(self.edge, self.path)

    async def start(self) -> None:
        """Start sending notices."""
        self.outbox.start()
        logger.info("WhatsApp webhook served at %s", self.path)

    async def stop(self) -> None:
        """Stop sending, close the HTTP client and the worker thread."""
        await self.outbox.stop()
        await self.edge.close()


def retention_of(settings: Settings) -> Retention:
    """How long citizens' records are kept, from the settings."""
    return Retention(queries=settings.keep_queries_days, feedback=settings.keep_feedback_days,
                     questions=settings.keep_questions_days, deliveries=settings.keep_deliveries_days)


def run_whatsapp(settings: Settings, listen: str | None = None, port: int | None = None) -> int:
    """Serve the WhatsApp webhook (with /healthz and /metrics) on `listen`:`port` (default: the webhook
    settings) until SIGINT or SIGTERM."""
    asyncio.run(_serve(settings, listen or settings.webhook_listen, port or settings.webhook_port))
    return 0


async def _serve(settings: Settings, listen: str, port: int) -> None:
    service = open_service(settings)
    citizens = Citizens(service.store, settings.salt, settings.key_file, retention_of(settings))
    runtime = WhatsAppRuntime(service, settings, citizens)
    metrics = Metrics(queue_size=service.store.people.open_question_count, backlog=service.store.newsroom.backlog)

    async def probe() -> Health:
        return await asyncio.to_thread(check_database, settings.db_path)

    server = WebServer(web_app(probe, metrics, runtime.routes()), listen, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    purge = loop.create_task(_purge_daily(runtime.edge))
    try:
        await runtime.start()
        await server.start()
        logger.info("Serving WhatsApp on %s:%d", listen, port)
        await stopping.wait()
    finally:
        purge.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await purge
        await server.stop()
        await runtime.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    logger.info("WhatsApp server stopped")


async def _purge_daily(edge: WhatsAppEdge) -> None:
    while True:
        try:
            counts = await edge.off_loop(edge.citizens.purge)
            logger.info("Retention: %s", counts)
        except Exception:
            logger.exception("The retention job failed")
        await asyncio.sleep(PURGE_SECONDS)
