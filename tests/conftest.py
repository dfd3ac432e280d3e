"""Shared fixtures: the real bundled knowledge, a real SQLite file per test, the real core."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.analysis import Analyzer
from bot.config import Settings
from bot.knowledge import bundled_knowledge_dir
from bot.lexicon import load_lexicon
from bot.service import Service, open_service
from bot.store import Store

# Key files created by the code under test (no CEKFAKTA_SALT) go to a scratch folder, never the real one.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cekfakta-config-")


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return bundled_knowledge_dir()


@pytest.fixture(scope="session")
def analyzer(knowledge_dir: Path) -> Analyzer:
    return Analyzer(load_lexicon(knowledge_dir))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cekfakta.db"


@pytest.fixture
def store(db_path: Path, analyzer: Analyzer) -> Store:
    return Store.open(db_path, analyzer)


@pytest.fixture
def service(db_path: Path) -> Service:
    """The whole core on a fresh database seeded from the bundled knowledge."""
    return open_service(Settings(db_path=db_path))


@pytest.fixture(scope="session")
def seeded_service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    """A seeded core shared by read-only tests (faster than seeding per test)."""
    return open_service(Settings(db_path=tmp_path_factory.mktemp("shared") / "cekfakta.db"))


@pytest.fixture
def run_cli(tmp_path: Path, db_path: Path):
    """Run `python -m bot ...` in a clean folder with its own database; returns the result."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
        full_env.update({"CEKFAKTA_DB": str(db_path), "PYTHONIOENCODING": "utf-8"})
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "bot", *args], input=input, capture_output=True,
                              text=True, cwd=tmp_path, env=full_env, timeout=timeout)

    return run


class TelegramHarness:
    """The real PTB Application wired to the core, talking HTTP to the local fake Bot API."""

    def __init__(self, app, api, service):
        from fakes import Updates

        self.app = app
        self.api = api
        self.service = service
        self.updates = Updates()

    async def send(self, payload: dict) -> list[dict]:
        """Feed one update to the bot; return the messages it sent in reply."""
        from telegram import Update

        before = len(self.api.sent())
        self.api.remember(payload)
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        return self.api.sent()[before:]

    async def say(self, text: str, **kwargs) -> list[dict]:
        """A citizen writes `text` in a private chat (or as kwargs say)."""
        return await self.send(self.updates.message(text, **kwargs))

    async def press(self, data: str, message: dict, user_id: int = 4242) -> list[dict]:
        """A citizen presses the button with `data` under `message`."""
        current = self.api.message(message["chat"]["id"], message["message_id"]) or message
        return await self.send(self.updates.callback(data, current, user_id))

    def message_of(self, sent: dict) -> dict:
        """The message the fake server created for a sendMessage call, as it is now."""
        return self.api.message(int(sent["chat_id"]), sent["_message_id"])


@pytest.fixture
def bot_api():
    from fakes import FakeBotAPI

    api = FakeBotAPI().start()
    yield api
    api.stop()


OWNER = 1001  # the owner's Telegram id in tests
MODERATOR = 2002
SECOND_MODERATOR = 3003


@pytest.fixture
def tg_overrides() -> dict:
    """Settings a test module or test changes (override this fixture)."""
    return {}


@pytest.fixture
def tg_settings(bot_api, tmp_path, tg_overrides):
    from fakes import TOKEN

    values = {"token": TOKEN, "db_path": tmp_path / "tg.db", "bot_api_url": bot_api.base_url, "salt": "test-salt",
              "owner_ids": frozenset({OWNER}), "allowed_networks": "127.0.0.0/8", **tg_overrides}
    return Settings(**values)


async def start_telegram(bot_api, settings) -> TelegramHarness:
    """The real Application on `settings`, started (its job queue runs) but not polling."""
    from bot.tg.app import build_application

    service = open_service(settings)
    app = build_application(service, settings)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    return TelegramHarness(app, bot_api, service)


async def stop_telegram(harness: TelegramHarness) -> None:
    """Stop it as a SIGTERM would."""
    await harness.app.stop()
    await harness.app.shutdown()


@pytest.fixture
async def telegram(bot_api, tg_settings):
    """The real Application, started but not polling: tests feed updates."""
    harness = await start_telegram(bot_api, tg_settings)
    yield harness
    await stop_telegram(harness)


@pytest.fixture
def site():
    """A local web site for source links (live pages, 404s, slow and huge pages)."""
    from fakes import LocalSite

    site = LocalSite().start()
    yield site
    site.stop()
