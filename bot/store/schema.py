"""Database schema, as ordered, named sqlite-utils migrations."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("cekfakta")
migration = MIGRATIONS()


@migration
def m001_facts(db: Database) -> None:
    """Facts with their search columns and FTS5 index, versions, audit log and settings."""
    db.table("facts").create(
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
    db.table("facts").create_index(["id"], unique=True)
    db.table("facts").create_index(["topic", "status"])
    db.table("facts").enable_fts(["search_text", "search_keywords", "search_stems"], create_triggers=True)
    db.execute("CREATE VIRTUAL TABLE facts_vocab USING fts5vocab(facts_fts, 'row')")
    db.table("fact_versions").create(
        {"id": int, "fact_id": str, "revision": int, "data": str, "action": str, "actor": str, "at": str},
        pk="id",
    )
    db.table("fact_versions").create_index(["fact_id", "revision"], unique=True)
    db.table("audit").create(
        {"id": int, "at": str, "actor": str, "action": str, "fact_id": str, "detail": str},
        pk="id",
    )
    db.table("audit").create_index(["fact_id"])
    db.table("meta").create({"key": str, "value": str}, pk="key")


@migration
def m002_citizens(db: Database) -> None:
    """What the hotline keeps about citizens: hashed ids only, no names or phone numbers."""
    db.table("users").create(
        {"user_hash": str, "lang": str, "active": int, "updated_at": str}, pk="user_hash")
    db.table("questions").create(
        {"id": int, "user_hash": str, "text": str, "normalized": str, "asked_at": str, "status": str,
         "fact_id": str, "answered_at": str, "answered_by": str},
        pk="id",
    )
    db.table("questions").create_index(["status", "asked_at"])
    # Where to send the answer to a queued question; deleted once the question is closed.
    db.table("question_chats").create({"question_id": int, "chat_id": int}, pk="question_id")
    db.table("feedback").create(
        {"id": int, "at": str, "user_hash": str, "fact_id": str, "revision": int, "helpful": int}, pk="id")
    db.table("query_log").create(
        {"id": int, "at": str, "user_hash": str, "answered": int, "fact_id": str, "terms": str}, pk="id")
    db.table("query_log").create_index(["at"])
    # Facts sent to a chat, kept 30 days so that a corrected or retracted fact can be followed up.
    db.table("deliveries").create(
        {"id": int, "at": str, "chat_id": int, "user_hash": str, "fact_id": str, "revision": int}, pk="id")
    db.table("deliveries").create_index(["fact_id", "at"])


@migration
def m003_moderation(db: Database) -> None:
    """Moderators (staff, by Telegram id) and proposals awaiting a second moderator's review."""
    db.table("moderators").create({"user_id": int, "added_by": str, "added_at": str}, pk="user_id")
    db.table("proposals").create(
        {"id": int, "fact_id": str, "kind": str, "data": str, "proposer": str, "created_at": str,
         "status": str, "reviewer": str, "reviewed_at": str, "reason": str},
        pk="id",
    )
    db.table("proposals").create_index(["status"])


@migration
def m004_fact_analysis(db: Database) -> None:
    """Each fact's analysed terms (computed when indexed) and the links its sources give."""
    db.table("facts").add_column("analysis", str)  # JSON of analysis.FactTerms
    db.table("fact_urls").create({"url_key": str, "num": int}, pk=("url_key", "num"))
    db.table("fact_urls").create_index(["num"])


@migration
def m005_words(db: Database) -> None:
    """Words moderators taught the bot in the chat ("/kata sonde = tidak"), kept with who and when."""
    db.table("words").create({"variant": str, "standard": str, "added_by": str, "added_at": str}, pk="variant")


@migration
def m006_newsroom(db: Database) -> None:
    """The newsroom's durable state: review against a base revision, drafts, the notice outbox,
    English texts awaiting review, and one feedback per citizen and answer."""
    db.table("facts").add_column("stale_en", str)  # JSON list of fields whose English predates an edit
    db.table("proposals").add_column("base_revision", int)  # the revision the proposal was written against
    db.table("proposals").add_column("changes", str)  # JSON {field: new value}; "data" keeps the whole fact
    db.table("proposals").add_column("proposer_id", int)  # to tell the proposer the outcome
    db.table("drafts").create({"user_id": int, "data": str, "updated_at": str}, pk="user_id")
    db.table("outbox").create(
        {"id": int, "kind": str, "chat_id": int, "user_hash": str, "fact_id": str, "revision": int,
         "payload": str, "created_at": str, "due_at": str, "attempts": int, "status": str,
         "sent_at": str, "error": str},
        pk="id",
    )
    db.table("outbox").create_index(["status", "due_at"])
    # One vote per citizen, fact and revision: a second press changes the vote, it does not add one.
    db.execute("DELETE FROM feedback WHERE id NOT IN "
               "(SELECT max(id) FROM feedback GROUP BY user_hash, fact_id, revision)")
    db.table("feedback").create_index(["user_hash", "fact_id", "revision"], unique=True)


@migration
def m007_query_kind(db: Database) -> None:
    """What each query got ("fact", "nearest", "not_found"…), so that statistics tell the nearest
    facts offered from plain "not found"."""
    db.table("query_log").add_column("kind", str)


@migration
def m008_private_chats(db: Database) -> None:
    """Chat ids stored encrypted (`chat`, a Fernet token; the key is kept outside the database), and
    indexes to delete everything of one citizen (/hapusdata) or older than its retention age."""
    for table in ("deliveries", "question_chats", "outbox"):
        db.table(table).add_column("chat", str)
    db.table("deliveries").create_index(["user_hash"])
    db.table("deliveries").create_index(["at"])
    db.table("questions").create_index(["user_hash"])
    db.table("query_log").create_index(["user_hash"])
    db.table("feedback").create_index(["at"])


@migration
def m009_vocabulary(db: Database) -> None:
    """The index's vocabulary as a table the store keeps exact (`store.vocabulary`), with the words typos
    may be corrected to indexed by first letter and length; and each fact's words with their stems and
    kinds, computed when it is indexed. (Filled by the reindex that ANALYSIS_VERSION 5 starts.)"""
    db.execute("CREATE TABLE vocabulary (term TEXT PRIMARY KEY, facts INTEGER NOT NULL, target INTEGER NOT NULL) "
               "WITHOUT ROWID")
    db.execute("CREATE INDEX vocabulary_spellings ON vocabulary (substr(term, 1, 1), length(term), term) "
               "WHERE target")
    db.table("facts").add_column("forms", str)  # JSON {token: [stem, kind]} of the words the matcher weighs


@migration
def m010_channels(db: Database) -> None:
    """More than one channel (issue 11): which edge each stored chat belongs to ("tg" for every row
    before), the WhatsApp message id and delivery status of a notice sent there, when a citizen last
    wrote (WhatsApp allows free-form messages only within 24 hours of that), and the hashed ids of
    WhatsApp messages already handled, so that a delivery Meta repeats is answered once."""
    for table in ("deliveries", "question_chats", "outbox"):
        db.table(table).add_column("channel", str, not_null_default="tg")
    db.table("outbox").add_column("provider_id", str)  # the channel's id of the sent message (a wamid)
    db.table("outbox").add_column("provider_status", str)  # sent, delivered, read, failed… as reported
    db.table("outbox").create_index(["provider_id"])
    db.table("users").add_column("last_inbound_at", str)
    db.table("seen_messages").create({"id_hash": str, "at": str}, pk="id_hash")
    db.table("seen_messages").create_index(["at"])
