"""`cekfakta kb publish DIR`: the public face of the knowledge base, from the bot's own database.

DIR receives:
- `cekfakta-publik.db`: facts, sources, verdicts, topics and version history, nothing else (no users,
  questions, query log, moderators, audit actors or salt); Datasette serves it as it is, with
  `metadata.json` beside it (`datasette DIR/cekfakta-publik.db -m DIR/metadata.json`);
- `index.html` and `fakta/<id>.html`: a static site, one page per fact, each rated claim with its
  ClaimReview JSON-LD, whose `url` is that page;
- `claimreview.json`: every ClaimReview, when a base URL is configured.

Proposals waiting for review are never published; retracted facts are, marked as retracted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import site
from bot.claimreview import PAGES_DIR, claim_review, claim_reviews, page_path, page_url, reviewable
from bot.models import Fact
from bot.store import Store, reports

DATABASE_NAME = "cekfakta-publik.db"
PUBLISHED_STATUSES = ("active", "retracted")
# Verdicts as the public database lists them (Datasette shows the label beside each fact).
VERDICTS = {
    "BENAR": {"label_id": "Benar", "label_en": "True", "rating": 5},
    "MENYESATKAN": {"label_id": "Menyesatkan", "label_en": "Misleading", "rating": 2},
    "SALAH": {"label_id": "Salah", "label_en": "False", "rating": 1},
    "HOAKS": {"label_id": "Hoaks", "label_en": "Hoax", "rating": 1},
    "PENIPUAN": {"label_id": "Penipuan", "label_en": "Scam", "rating": 1},
}
Progress = Callable[[Iterable, int, str], Iterable]


def _no_progress(items: Iterable, total: int, description: str) -> Iterable:
    return items


@dataclass
class Published:
    """What `publish` wrote."""

    facts: int = 0
    reviews: int = 0
    changed: list[Path] = field(default_factory=list)  # pages and files whose content changed
    removed: list[Path] = field(default_factory=list)  # pages of facts no longer published


def public_facts(store: Store) -> list[Fact]:
    """Facts fit to publish: active and retracted, never proposals."""
    return [f for f in store.facts(status=None) if f.status in PUBLISHED_STATUSES]


def publish(store: Store, topics: dict[str, dict[str, str]], folder: Path, base_url: str = "",
            publisher: str = "cekfakta", tz: ZoneInfo | None = None, progress: Progress = _no_progress) -> Published:
    """Write the public database, the fact pages, the index and the ClaimReviews into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PAGES_DIR).mkdir(exist_ok=True)
    facts = public_facts(store)
    ids = [f.id for f in facts]
    versions = reports.public_versions(store.db, ids)
    by_fact: dict[str, list[reports.PublicVersion]] = {fact_id: [] for fact_id in ids}
    for version in versions:
        by_fact[version.fact_id].append(version)
    urls = {f.id: page_url(base_url, f.id) if base_url else page_path(f.id) for f in facts}
    reports.write_public_db(folder / DATABASE_NAME, facts, versions, topics, VERDICTS, urls,
                            reports.fact_timestamps(store.db))
    result = Published(facts=len(facts))
    _write(folder / "metadata.json", json.dumps(_metadata(publisher, base_url), ensure_ascii=False, indent=2) + "\n",
           result)
    for fact in progress(facts, len(facts), "pages"):
        review = claim_review(fact, base_url, publisher) if base_url and reviewable(fact) else None
        html_text = site.fact_page(fact, by_fact[fact.id], topics, publisher, urls[fact.id] if base_url else "", review)
        _write(folder / page_path(fact.id), html_text, result)
    wanted = {folder / page_path(i) for i in ids}
    for stale in sorted((folder / PAGES_DIR).glob("*.html")):
        if stale not in wanted:
            stale.unlink()
            result.removed.append(stale)
    updated = datetime.now(tz).date().isoformat()
    _write(folder / "index.html", site.index_page(facts, topics, publisher, updated, DATABASE_NAME), result)
    if base_url:
        reviews = claim_reviews(facts, base_url, publisher)
        result.reviews = len(reviews)
        _write(folder / "claimreview.json", json.dumps(reviews, ensure_ascii=False, indent=2) + "\n", result)
    return result


def _write(path: Path, text: str, result: Published) -> None:
    """Write only what changed, so that a sync to the web server copies only that."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        result.changed.append(path)


def _metadata(publisher: str, base_url: str) -> dict:
    """Datasette's metadata.json: titles, descriptions, and which column labels each table's rows."""
    about = {"title": f"{publisher}: fakta terverifikasi",
             "description": "Fakta terverifikasi, sumbernya, verdict dan riwayat perubahannya. "
                            "Verified facts, their sources, verdicts and version history.",
             "databases": {DATABASE_NAME.removesuffix(".db"): {"tables": {
                 "facts": {"description": "Facts: active, and retracted ones kept for transparency"},
                 "sources": {"description": "What each fact rests on"},
                 "verdicts": {"label_column": "label_id"},
                 "topics": {"label_column": "label_id"},
                 "versions": {"description": "Every published version of each fact"},
             }}}}
    if base_url:
        about["source_url"] = base_url.rstrip("/") + "/"
        about["source"] = publisher
    return about
