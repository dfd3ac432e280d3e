"""Logging, configured once: a level, a format (text or one JSON object a line) and a time zone.

Timestamps carry their UTC offset (`2025-03-01T09:30:00.120+08:00`), in the configured zone. The
JSON format writes every event on one line, a traceback included, with the record's `extra` fields
(`event`, `user`, `facts`, ...) as keys, so a log shipper needs no multi-line parsing.

Privacy: above DEBUG, log calls carry hashed user ids only, never raw ids or message texts.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", (), None))) | {"message", "asctime"}


class _Zoned(logging.Formatter):
    def __init__(self, fmt: str | None, tz: ZoneInfo):
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        """ISO 8601 with milliseconds and the zone's UTC offset."""
        return datetime.fromtimestamp(record.created, self.tz).isoformat(timespec="milliseconds")


class TextFormatter(_Zoned):
    """`2025-03-01T09:30:00.120+08:00 INFO bot.tg.app: message key=value ...`."""

    def __init__(self, tz: ZoneInfo):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", tz)


class JsonFormatter(_Zoned):
    """One JSON object a line: time, level, logger, message, the `extra` fields, and any traceback."""

    def __init__(self, tz: ZoneInfo):
        super().__init__(None, tz)

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        data = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO", fmt: str = "text", tz: ZoneInfo | None = None,
                  stream: TextIO | None = None) -> logging.Handler:
    """Configure the root logger once (replacing earlier handlers); returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    zone = tz or ZoneInfo("UTC")
    handler.setFormatter(JsonFormatter(zone) if fmt == "json" else TextFormatter(zone))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Their request lines include the bot token, and a line per request says nothing an operator needs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    return handler
