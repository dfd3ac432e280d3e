"""What answering a citizen writes: one line of statistics and, when a fact reached the chat, its delivery
(so that a correction can follow), together in one transaction (issue 12)."""

def rows(telegram, table: str) -> list[dict]:
    return list(telegram.service.store.db.query(f"SELECT * FROM {table} ORDER BY id"))


async def test_an_answer_is_logged_and_its_delivery_remembered_for_a_correction(telegram):
    await telegram.say("BSU hoaks", user_id=4343)
    [logged] = rows(telegram, "query_log")
    [delivered] = rows(telegram, "deliveries")
    assert logged["answered"] == 1 and logged["kind"] == "fact" and logged["at"] == delivered["at"]
    assert delivered["fact_id"] == logged["fact_id"] and delivered["chat_id"] is None  # sealed, not plain
    records = telegram.app.bot_data["citizens"].records
    assert [chat for chat, _ in records.delivered_before(delivered["fact_id"], delivered["revision"] + 1)] == [4343]


async def test_a_reply_that_never_arrived_is_logged_but_not_remembered_as_delivered(telegram):
    telegram.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await telegram.say("BSU hoaks", user_id=5252)
    assert [r["kind"] for r in rows(telegram, "query_log")] == ["fact"]
    assert rows(telegram, "deliveries") == []  # no "correction" may reach someone who never got the fact


async def test_questions_without_a_fact_are_logged_without_a_delivery(telegram):
    await telegram.say("harga beras hari ini")
    await telegram.say("halo")
    assert [r["kind"] for r in rows(telegram, "query_log")] == ["not_found", "smalltalk"]
    assert rows(telegram, "deliveries") == []

