"""Logs: a level, text or JSON (one line per event), and time stamps with their UTC offset."""

import io
import json
import logging
import re
from zoneinfo import ZoneInfo

import pytest

from bot.logs import setup_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_json_format_writes_one_object_a_line_with_extra_fields_and_tracebacks(restore_logging):
    stream = io.StringIO()
    setup_logging("INFO", "json", ZoneInfo("Asia/Makassar"), stream)
    log = logging.getLogger("cekfakta.test")
    log.info("question user=%s", "ab12", extra={"event": "question", "facts": ["a", "b"], "latency_ms": 2.5})
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        log.exception("Exception while handling an update:")
    log.debug("not at INFO")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # one per event, the traceback inside its line
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "question user=ab12" and first["level"] == "INFO" and first["logger"] == "cekfakta.test"
    assert first["event"] == "question" and first["facts"] == ["a", "b"] and first["latency_ms"] == 2.5
    assert first["time"].endswith("+08:00")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_text_format_carries_the_time_zone_offset(restore_logging):
    stream = io.StringIO()
    setup_logging("INFO", "text", ZoneInfo("Asia/Jayapura"), stream)
    logging.getLogger("cekfakta.test").warning("hello")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00 WARNING cekfakta\.test: hello\n",
                        stream.getvalue())


def test_the_level_filters_and_httpx_stays_quiet(restore_logging):
    stream = io.StringIO()
    setup_logging("WARNING", "text", None, stream)
    logging.getLogger("cekfakta.test").info("hidden")
    setup_logging("DEBUG", "text", None, stream)
    logging.getLogger("httpx").info("POST https://api.telegram.org/bot123:secret/getMe")
    logging.getLogger("cekfakta.test").debug("shown")
    assert "hidden" not in stream.getvalue() and "secret" not in stream.getvalue()
    assert "shown" in stream.getvalue()


def test_the_command_honours_log_level_and_format(run_cli):
    # `kb stats` seeds the database, which logs a line at INFO: shown as JSON when asked for.
    result = run_cli("--log-format", "json", "kb", "stats", env={"CEKFAKTA_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert any(e["message"].startswith("Knowledge loaded") for e in events)
    assert all(re.search(r"[+-]\d\d:\d\d$", e["time"]) for e in events)
    assert run_cli("kb", "stats").stderr == ""  # outside the bot, INFO stays out of the terminal
