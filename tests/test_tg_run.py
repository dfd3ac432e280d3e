"""Running the bot for real: long polling against the fake server, and the `cekfakta` process itself."""

import os
import signal
import subprocess
import sys
from contextlib import contextmanager

import pytest
from fakes import TOKEN, Updates, post_webhook

from bot.service import open_service
from bot.tg.app import RedactToken, build_application, file_url

pytestmark = pytest.mark.e2e


async def test_long_polling_fetches_updates_with_offsets_and_replies(bot_api, tg_settings):
    app = build_application(open_service(tg_settings), tg_settings)
    updates = Updates()
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        bot_api.push_update(updates.message("BSU hoaks"))
        bot_api.push_update(updates.message("selamat pagi"))
        first, second = await bot_api.until("sendMessage", 2)
        assert "BSU" in first["text"] and second["text"].startswith("Halo!")
        bot_api.push_update(updates.message("inpres kemiskinan ekstrem"))
        third = (await bot_api.until("sendMessage", 3))[2]
        assert "Inpres" in third["text"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    offsets = [int(c.get("offset") or 0) for c in bot_api.calls_to("getUpdates")]
    assert offsets == sorted(offsets) and offsets[-1] >= 4  # every update acknowledged once
    assert len(bot_api.sent()) == 3


def _env(bot_api, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "CEKFAKTA_BOT_API_URL": bot_api.base_url,
                "CEKFAKTA_DB": str(tmp_path / "run.db"), "CEKFAKTA_KEY_FILE": str(tmp_path / "config" / "secret.key"),
                "PYTHONIOENCODING": "utf-8"}, **extra)
    return env


@contextmanager
def running(*args: str, env: dict, cwd):
    """`python -m bot ARGS` as a process; killed at the end if a test left it running."""
    process = subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop(process: subprocess.Popen) -> str:
    """SIGTERM, then wait; returns what the process wrote on stderr."""
    process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=30)[1]


def test_the_cekfakta_command_polls_answers_and_stops_on_sigterm(bot_api, tmp_path):
    with running(env=_env(bot_api, tmp_path), cwd=tmp_path) as process:
        bot_api.wait_for("setMyCommands", 2, timeout=30)
        bot_api.push_update(Updates().message("kabupaten prioritas kemiskinan ekstrem NTT"))
        [reply] = bot_api.wait_for("sendMessage", 1, timeout=30)
        assert "Manggarai Timur" in reply["text"]
        stderr = stop(process)
    assert process.returncode == 0, stderr
    assert TOKEN not in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("token", ["not-a-token", "123:short"])
def test_a_malformed_token_is_one_line_not_a_traceback(bot_api, tmp_path, token):
    result = subprocess.run([sys.executable, "-m", "bot"], env=_env(bot_api, tmp_path, TELEGRAM_BOT_TOKEN=token),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 78
    assert result.stderr.strip().startswith("cekfakta: TELEGRAM_BOT_TOKEN is malformed")
    assert result.stderr.strip().count("\n") == 0


def test_a_token_the_server_rejects_is_one_line(bot_api, tmp_path):
    other = "987654321:AAF-another-token-the-server-does-not-know"
    result = subprocess.run([sys.executable, "-m", "bot"], env=_env(bot_api, tmp_path, TELEGRAM_BOT_TOKEN=other),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 78, result.stderr
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr and other not in result.stderr


def test_token_is_redacted_from_log_records():
    import logging

    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST %s", (f"http://x/bot{TOKEN}/getMe",), None)
    RedactToken(TOKEN).filter(record)
    assert TOKEN not in record.getMessage() and "<token>" in record.getMessage()


def test_file_url_follows_the_bot_api_url():
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_mode_registers_the_url_and_answers_posted_updates(bot_api, tmp_path):
    import json

    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    args = ("run", "--webhook-url", url, "--listen", "127.0.0.1", "--port", str(port))
    with running(*args, env=_env(bot_api, tmp_path, CEKFAKTA_WEBHOOK_SECRET="s3cret-token"), cwd=tmp_path) as process:
        [registered] = bot_api.wait_for("setWebhook", 1, timeout=30)
        assert registered["url"] == url and registered["secret_token"] == "s3cret-token"
        update = json.dumps(Updates().message("BSU hoaks")).encode()

        def post(secret: str) -> int:
            return post_webhook(url, update, secret, tries=50)

        assert post("wrong") == 403
        assert post("s3cret-token") == 200
        [reply] = bot_api.wait_for("sendMessage", 1, timeout=30)
        assert "BSU" in reply["text"]
        stderr = stop(process)
    assert process.returncode == 0, stderr
