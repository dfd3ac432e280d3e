"""The bot's web server as an operator meets it: the `cekfakta run` process with /healthz, /metrics
and the webhook on one port, and /healthz and /metrics beside long polling."""

import json
import time
import urllib.error
import urllib.request

import pytest
from fakes import Updates
from test_tg_run import _env, _free_port, running, stop

pytestmark = pytest.mark.e2e
SECRET = "s3cret-token-from-the-environment"


def get(url: str, attempts: int = 100) -> tuple[int, bytes, str]:
    """GET `url`, waiting for the server to start; (status, body, content type)."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers.get("Content-Type", "")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"nothing answers at {url}")


def post(url: str, payload: dict | bytes, secret: str | None) -> int:
    """POST an update as Telegram does; the HTTP status."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def metric(body: bytes, line_start: str) -> float:
    """The value of the first exposition line starting with `line_start`."""
    for line in body.decode().splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {line_start} in the metrics")


def test_webhook_server_answers_healthz_metrics_and_updates_on_one_port(bot_api, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _env(bot_api, tmp_path, CEKFAKTA_WEBHOOK_SECRET=SECRET, CEKFAKTA_LOG_FORMAT="json")
    with running("run", "--webhook-url", f"{base}/hook", "--port", str(port), env=env, cwd=tmp_path) as process:
        [registered] = bot_api.wait_for("setWebhook", 1, timeout=30)
        assert registered["secret_token"] == SECRET
        status, body, content_type = get(f"{base}/healthz")
        assert status == 200 and content_type.startswith("application/json")
        health = json.loads(body)
        assert health["status"] == "ok" and health["facts"] == 44

        updates = Updates()
        assert post(f"{base}/hook", updates.message("BSU hoaks"), secret=None) == 403
        assert post(f"{base}/hook", updates.message("BSU hoaks"), secret="wrong") == 403
        # An update the library cannot parse is skipped (200, so Telegram does not resend it forever)...
        poison = updates.message("rahasia Maria", user_id=5)
        poison["message"]["date"] = "not a date"
        assert post(f"{base}/hook", poison, SECRET) == 200
        # ...and the next one is answered.
        assert post(f"{base}/hook", updates.message("BSU hoaks"), SECRET) == 200
        [reply] = bot_api.wait_for("sendMessage", 1, timeout=30)
        assert "BSU" in reply["text"]

        status, body, content_type = get(f"{base}/metrics")
        assert status == 200 and content_type.startswith("text/plain")
        assert metric(body, 'cekfakta_questions_total{outcome="answered"}') == 1
        assert metric(body, "cekfakta_match_seconds_count") == 1
        assert metric(body, "cekfakta_queue_size") == 0
        assert metric(body, "cekfakta_outbox_backlog") == 0
        assert metric(body, 'cekfakta_bot_api_errors_total{kind="forbidden"}') == 0
        assert get(f"{base}/nothing")[0] == 404
        stderr = stop(process)
    assert process.returncode == 0, stderr
    events = [json.loads(line) for line in stderr.splitlines()]  # every line is one JSON event
    started = [e for e in events if e.get("event") == "webhook_started"]
    assert started and started[0]["message"] == f"Webhook listening on 127.0.0.1:{port} at path /hook for {base}/hook"
    skipped = [e for e in events if "could not be read" in e["message"]]
    assert len(skipped) == 1 and "Maria" not in stderr and "rahasia" not in stderr
    assert [e for e in events if e.get("event") == "question"][0]["facts"]


def test_webhook_without_a_configured_secret_uses_a_random_one(bot_api, tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    args = ("run", "--webhook-url", url, "--port", str(port))
    with running(*args, env=_env(bot_api, tmp_path), cwd=tmp_path) as process:
        [registered] = bot_api.wait_for("setWebhook", 1, timeout=30)
        assert len(registered["secret_token"]) >= 32
        get(f"http://127.0.0.1:{port}/healthz")
        assert post(url, Updates().message("BSU hoaks"), secret=None) == 403
        assert post(url, Updates().message("BSU hoaks"), secret=registered["secret_token"]) == 200
        bot_api.wait_for("sendMessage", 1, timeout=30)
        stderr = stop(process)
    assert "CEKFAKTA_WEBHOOK_SECRET is not set: using a random secret" in stderr
    assert registered["secret_token"] not in stderr


def test_polling_serves_healthz_and_metrics_on_the_metrics_port(bot_api, tmp_path):
    port = _free_port()
    env = _env(bot_api, tmp_path, CEKFAKTA_METRICS_PORT=str(port))
    with running(env=env, cwd=tmp_path) as process:
        bot_api.wait_for("setMyCommands", 2, timeout=30)
        # The server starts before the Application does: 503 "not running" until then.
        status, body = 0, b""
        for _ in range(100):
            status, body, _ = get(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                break
            assert json.loads(body)["detail"] == "the bot is not running"
            time.sleep(0.05)
        assert status == 200 and json.loads(body)["status"] == "ok"
        bot_api.push_update(Updates().message("jadwal kapal ferry kupang ke rote minggu depan"))
        bot_api.wait_for("sendMessage", 1, timeout=30)
        status, body, _ = get(f"http://127.0.0.1:{port}/metrics")
        assert metric(body, 'cekfakta_questions_total{outcome="declined"}') == 1
        stderr = stop(process)
    assert process.returncode == 0, stderr
    assert f"Serving /healthz and /metrics on 127.0.0.1:{port}" in stderr


def test_healthz_is_unhealthy_without_a_database(tmp_path):
    import asyncio

    from bot.config import Settings
    from bot.tg.web import health_probe

    class Stopped:
        running = False

    probe = health_probe(Stopped(), Settings(db_path=tmp_path / "missing.db"))
    health = asyncio.run(probe())
    assert not health.ok and "no database" in health.message


def test_healthz_is_unhealthy_while_the_bot_is_not_running(seeded_service):
    import asyncio

    from bot.tg.web import health_probe

    class Stopped:
        running = False

    health = asyncio.run(health_probe(Stopped(), seeded_service.settings)())
    assert not health.ok and health.message == "the bot is not running" and health.facts == 44
