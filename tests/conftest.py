"""Shared fixtures: the real bundled knowledge, a real SQLite file per test, the real core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.analysis import Analyzer
from bot.config import Settings
from bot.knowledge import bundled_knowledge_dir, load_lexicon
from bot.service import Service, open_service
from bot.store import Store


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
