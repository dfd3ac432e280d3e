"""Builds the core once per process: knowledge files, analyzer, store (seeded), checker."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.analysis import Analyzer
from bot.config import Settings
from bot.core import Checker
from bot.knowledge import FACTS_DIR, bundled_knowledge_dir, load_facts, load_topics
from bot.lexicon import load_lexicon
from bot.store import ImportReport, Store

logger = logging.getLogger(__name__)
SEEDED_FROM = "seeded_fingerprint"  # the configured knowledge files last imported automatically


@dataclass
class Service:
    """Everything a channel edge needs, created once at start-up."""

    settings: Settings
    knowledge_dir: Path
    topics: dict[str, dict[str, str]]
    analyzer: Analyzer
    store: Store
    checker: Checker

    def load_knowledge(self, folder: Path | None = None, force: bool = False) -> ImportReport:
        """Import the knowledge files (default: the configured folder) into the database."""
        folder = folder or self.knowledge_dir
        return self.store.import_facts(load_facts(folder, load_topics(folder)), force=force)


def knowledge_fingerprint(folder: Path) -> str:
    """A hash of every fact file's name and content."""
    digest = hashlib.sha256()
    for path in sorted((folder / FACTS_DIR).glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def open_service(settings: Settings) -> Service:
    """Load and validate the knowledge files, open the database and seed it when needed.

    The configured folder is imported on first use and again whenever its files change (after
    an upgrade, say), never otherwise: a later `kb load --from` elsewhere is not undone at the
    next start. An import never drops facts or overwrites what moderators changed in the bot.
    """
    folder = settings.knowledge_dir or bundled_knowledge_dir()
    topics = load_topics(folder)
    analyzer = Analyzer(load_lexicon(folder))
    store = Store.open(settings.db_path, analyzer)
    service = Service(settings, folder, topics, analyzer, store, Checker(store, analyzer))
    fingerprint = knowledge_fingerprint(folder)
    if store.get_meta(SEEDED_FROM) != fingerprint:
        report = service.load_knowledge(folder)
        store.set_meta(SEEDED_FROM, fingerprint)
        logger.info("Knowledge loaded from %s: %d added, %d updated, %d conflicts", folder,
                    len(report.added), len(report.updated), len(report.conflicts))
    return service
