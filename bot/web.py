"""The bot's web server, channel-free: `/healthz`, `/metrics` and whatever webhook routes the edges add
(Telegram's in `bot.tg.web`, WhatsApp's in `bot.wa.web`), all on one port."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.web

from bot.health import Health
from bot.metrics import Metrics

logger = logging.getLogger(__name__)

HealthProbe = Callable[[], Awaitable[Health]]
Routes = Sequence[tuple[str, Any, dict[str, Any]]]


class QuietHandler(tornado.web.RequestHandler):
    """A handler whose errors are logged without the request (its body may be a citizen's message)."""

    def log_exception(self, typ, value, tb) -> None:  # noqa: ANN001 (tornado's signature)
        """Log handler errors without the request (its body may be a citizen's message)."""
        if isinstance(value, tornado.web.HTTPError):
            return
        logger.error("Error in the web server's %s handler", type(self).__name__, exc_info=(typ, value, tb))


class HealthHandler(QuietHandler):
    """GET /healthz: 200 with {"status": "ok"} when healthy, else 503 and what is wrong."""

    def initialize(self, probe: HealthProbe) -> None:
        """Tornado's per-request set-up."""
        self.probe = probe

    async def get(self) -> None:
        """Answer the probe."""
        health = await self.probe()
        self.set_status(HTTPStatus.OK if health.ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Cache-Control", "no-store")
        self.write({"status": "ok" if health.ok else "unhealthy", "detail": health.message, "facts": health.facts})


class MetricsHandler(QuietHandler):
    """GET /metrics: Prometheus' text format."""

    def initialize(self, metrics: Metrics) -> None:
        """Tornado's per-request set-up."""
        self.metrics = metrics

    def get(self) -> None:
        """Answer a scrape."""
        body, content_type = self.metrics.exposition()
        self.set_header("Content-Type", content_type)
        self.write(body)


class WebServer:
    """The tornado server, started and stopped inside the running event loop."""

    def __init__(self, app: tornado.web.Application, listen: str, port: int):
        self.app = app
        self.listen = listen
        self.port = port
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> None:
        """Bind and serve."""
        self._server = tornado.httpserver.HTTPServer(self.app, xheaders=True)
        self._server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def web_app(probe: HealthProbe, metrics: Metrics, routes: Routes = ()) -> tornado.web.Application:
    """/healthz, /metrics and `routes`."""
    return tornado.web.Application([(r"/healthz", HealthHandler, {"probe": probe}),
                                    (r"/metrics", MetricsHandler, {"metrics": metrics}), *routes],
                                   log_function=lambda handler: None)
