"""All SQL of the project: facts and their history (`facts`), citizens' records (`people`), the
newsroom's rows (`newsroom`) and the schema (`schema`). Other modules call these, never SQL."""

import bot.store.lean  # noqa: F401  (first: sqlite-utils without numpy, see there)
from bot.store.base import utcnow, write
from bot.store.facts import (
           ANALYSIS_VERSION,
           ORIGIN_BOT,
           ORIGIN_FILE,
           Hit,
           ImportReport,
           StaleRevision,
           Store,
)
from bot.store.vocabulary import Vocabulary

__all__ = ["ANALYSIS_VERSION", "ORIGIN_BOT", "ORIGIN_FILE", "Hit", "ImportReport", "StaleRevision", "Store",
           "Vocabulary", "utcnow", "write"]
