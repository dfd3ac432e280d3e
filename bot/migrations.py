"""Database schema, as ordered, named sqlite-utils migrations."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("cekfakta")
migration = MIGRATIONS()


@migration
def m001_facts(db: Database) -> None:
    """Facts with their search columns and FTS5 index, versions, audit log and settings."""
    db["facts"].create(
        {
            "num": int,  # integer key: the FTS5 index refers to rows by it, and VACUUM keeps it
            "id": str,
            "topic": str,
            "status": str,
            "verdict": str,
            "claim": str,
            "claim_en": str,
            "statement": str,
            "statement_en": str,
            "note": str,
            "note_en": str,
            "keywords": str,  # JSON list
            "sources": str,  # JSON list of {url, publisher, published, title}
            "as_of": str,
            "until": str,
            "confidence": str,
            "revision": int,
            "origin": str,  # "file" when last written by `kb load`, else "bot"
            "created_at": str,
            "updated_at": str,
            "search_text": str,
            "search_keywords": str,
            "search_stems": str,
        },
        pk="num",
        not_null={"id", "topic", "status", "statement", "revision"},
    )
    db["facts"].create_index(["id"], unique=True)
    db["facts"].create_index(["topic", "status"])
    db["facts"].enable_fts(["search_text", "search_keywords", "search_stems"], create_triggers=True)
    db.execute("CREATE VIRTUAL TABLE facts_vocab USING fts5vocab(facts_fts, 'row')")
    db["fact_versions"].create(
        {"id": int, "fact_id": str, "revision": int, "data": str, "action": str, "actor": str, "at": str},
        pk="id",
    )
    db["fact_versions"].create_index(["fact_id", "revision"], unique=True)
    db["audit"].create(
        {"id": int, "at": str, "actor": str, "action": str, "fact_id": str, "detail": str},
        pk="id",
    )
    db["audit"].create_index(["fact_id"])
    db["meta"].create({"key": str, "value": str}, pk="key")


@migration
def m002_citizens(db: Database) -> None:
    """What the hotline keeps about citizens: hashed ids only, no names or phone numbers."""
    db["users"].create(
        {"user_hash": str, "lang": str, "active": int, "updated_at": str}, pk="user_hash")
    db["questions"].create(
        {"id": int, "user_hash": str, "text": str, "normalized": str, "asked_at": str, "status": str,
         "fact_id": str, "answered_at": str, "answered_by": str},
        pk="id",
    )
    db["questions"].create_index(["status", "asked_at"])
    # Where to send the answer to a queued question; deleted once the question is closed.
    db["question_chats"].create({"question_id": int, "chat_id": int}, pk="question_id")
    db["feedback"].create(
        {"id": int, "at": str, "user_hash": str, "fact_id": str, "revision": int, "helpful": int}, pk="id")
    db["query_log"].create(
        {"id": int, "at": str, "user_hash": str, "answered": int, "fact_id": str, "terms": str}, pk="id")
    db["query_log"].create_index(["at"])
    # Facts sent to a chat, kept 30 days so that a corrected or retracted fact can be followed up.
    db["deliveries"].create(
        {"id": int, "at": str, "chat_id": int, "user_hash": str, "fact_id": str, "revision": int}, pk="id")
    db["deliveries"].create_index(["fact_id", "at"])


@migration
def m003_moderation(db: Database) -> None:
    """Moderators (staff, by Telegram id) and proposals awaiting a second moderator's review."""
    db["moderators"].create({"user_id": int, "added_by": str, "added_at": str}, pk="user_id")
    db["proposals"].create(
        {"id": int, "fact_id": str, "kind": str, "data": str, "proposer": str, "created_at": str,
         "status": str, "reviewer": str, "reviewed_at": str, "reason": str},
        pk="id",
    )
    db["proposals"].create_index(["status"])


@migration
def m004_fact_analysis(db: Database) -> None:
    """Each fact's analysed terms (computed when indexed) and the links its sources give."""
    db["facts"].add_column("analysis", str)  # JSON of analysis.FactTerms
    db["fact_urls"].create({"url_key": str, "num": int}, pk=("url_key", "num"))
    db["fact_urls"].create_index(["num"])


@migration
def m005_words(db: Database) -> None:
    """Words moderators taught the bot in the chat ("/kata sonde = tidak"), kept with who and when."""
    db["words"].create({"variant": str, "standard": str, "added_by": str, "added_at": str}, pk="variant")
