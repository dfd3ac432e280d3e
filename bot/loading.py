"""`kb load` of a large folder: facts imported in batches, with progress.

Each batch is one `Store.import_facts` transaction, so a progress bar can advance, and the bot
(and `ask`) can read and write between batches instead of waiting for one long lock. Nothing is
lost if a load stops half way: the import is idempotent, and the next load does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.models import Fact
from bot.store import ImportReport, Store

BATCH = 200  # facts a transaction: ~0.7 s at the measured 3.6 ms a fact


def _batches(facts: list[Fact], size: int) -> Iterable[list[Fact]]:
    for start in range(0, len(facts), size):
        yield facts[start:start + size]


def import_in_batches(store: Store, facts: list[Fact], force: bool = False, batch: int = BATCH,
                      progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import `facts` like `Store.import_facts`, `batch` at a time; `progress(n)` after each batch of n."""
    report = ImportReport()
    incoming = {f.id for f in facts}
    last = ImportReport()
    for chunk in _batches(facts, batch):
        last = store.import_facts(chunk, force=force, optimize=False)
        report.added += last.added
        report.updated += last.updated
        report.unchanged += last.unchanged
        report.conflicts += last.conflicts
        if progress:
            progress(len(chunk))
    # The last batch saw every fact the earlier ones added: what it kept, less this load's facts.
    report.kept = [fact_id for fact_id in last.kept if fact_id not in incoming] if facts else store_ids(store)
    if report.added or report.updated:
        store.optimize()
    return report


def store_ids(store: Store) -> list[str]:
    """Every fact id in the database (all kept when a load brings no facts)."""
    return [f.id for f in store.facts(status=None)]
