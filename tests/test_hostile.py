"""Hostile input, one behaviour at a time: strict numbers, unknown commands, the flood limit, knowledge-file
limits and the link checker's pinning and title scan."""

import asyncio
import time

import pytest
from conftest import OWNER

from bot.errors import EXIT_CONFIG, KnowledgeError
from bot.knowledge import load_facts
from bot.remote import find_title
from bot.tg.flood import DROP, OK, WARN, FloodGate
from bot.tg.handlers import parse_number

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text, value", [("1", 1), ("42", 42), ("9007199254740992", 2**53), ("²", None),
                                         ("٣", None), ("0", None), ("-5", None), ("99999999999999999999", None),
                                         ("1e3", None), (" 1", None), ("", None), ("9007199254740993", None)])
def test_numbers_from_buttons_and_commands_are_ascii_digits_in_range(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("target", ["²", "99999999999999999999", "0", "-5"])
async def test_mod_tambah_refuses_what_is_not_a_user_id(telegram, target):
    [reply] = await telegram.say(f"/mod tambah {target}", user_id=OWNER)
    assert "bukan" in reply["text"].lower() or "tidak" in reply["text"].lower()
    assert telegram.service.store.db["moderators"].count == 0


@pytest.mark.parametrize("data", ["fb:²:1:1", "fb:99999999999999999999:1:1", "f:99999999999999999999:1", "f:²:1",
                                  "fb:1:1:7", "hd:maybe"])
async def test_garbage_button_data_is_answered_politely(telegram, data):
    [reply] = await telegram.say("/start")
    sent = await telegram.press(data, telegram.message_of(reply))
    answered = telegram.api.calls_to("answerCallbackQuery")
    assert len(answered) == 1  # the spinner stops
    said = [answered[0].get("text")] + [m["text"] for m in sent]
    assert "Tombol ini sudah tidak berlaku." in said and len(sent) <= 1


async def test_an_inline_mode_button_has_no_message_and_is_answered(telegram):
    update = telegram.updates.callback("f:1:1", {})
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "abc"
    assert await telegram.send(update) == []
    assert telegram.api.calls_to("answerCallbackQuery")[-1]["text"] == "Tombol ini sudah tidak berlaku."


@pytest.mark.parametrize("command", ["/hapus", "/delete", "/stop", "/menu"])
async def test_unknown_commands_get_a_short_help(telegram, command):
    [reply] = await telegram.say(command)
    assert reply["text"].startswith("Perintah itu tidak saya kenal") and "/hapusdata" in reply["text"]


async def test_unknown_commands_for_other_bots_or_in_groups_are_left_alone(telegram):
    assert await telegram.say("/menu@another_bot") == []
    assert await telegram.say("/menu", chat_id=-100, chat_type="group") == []


def test_the_flood_gate_tells_once_then_drops_until_the_minute_passes():
    now = [0.0]
    gate = FloodGate(3, clock=lambda: now[0])
    assert [gate.check("a") for _ in range(3)] == [OK] * 3
    assert [gate.check("a"), gate.check("a"), gate.check("b")] == [WARN, DROP, OK]
    now[0] = 61.0
    assert gate.check("a") == OK


@pytest.mark.parametrize("tg_overrides", [{"flood_limit": 3}])
async def test_a_flooding_citizen_is_told_once_others_and_moderators_are_not_limited(telegram, tg_overrides):
    replies = [await telegram.say("BSU hoaks", user_id=71) for _ in range(6)]
    assert [len(r) for r in replies] == [1, 1, 1, 1, 0, 0]
    assert replies[3][0]["text"].startswith("⏳ Pesan Anda terlalu banyak")
    assert len(await telegram.say("BSU hoaks", user_id=72)) == 1
    for _ in range(6):
        assert len(await telegram.say("/fakta satpel-pvp-kupang", user_id=OWNER)) == 1


def test_kb_load_refuses_a_statement_over_the_limit_naming_the_file(knowledge_dir, tmp_path):
    import shutil

    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, folder)
    path = folder / "facts" / "satpel-pvp-kupang.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('statement = "', 'statement = "' + "panjang " * 300, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_facts(folder)
    assert str(refused.value).startswith(f"{path}:") and "at most 2000" in str(refused.value)
    path.write_text(text.replace("https://", "https://a\\u0000b.", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="printable"):
        load_facts(folder)
    path.write_bytes(b"# " + b"x" * 70_000)
    with pytest.raises(KnowledgeError, match="at most 65536"):
        load_facts(folder)


def test_cli_kb_load_over_the_limit_is_one_line(run_cli, knowledge_dir, tmp_path):
    import shutil

    folder = tmp_path / "kb"
    shutil.copytree(knowledge_dir, folder)
    path = folder / "facts" / "satpel-pvp-kupang.toml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "".join(f'\n[[sources]]\nurl = "https://example.org/{n}"\npublisher = "P"\n' for n in range(12)),
                    encoding="utf-8")
    result = run_cli("kb", "load", "--from", str(folder))
    assert result.returncode == EXIT_CONFIG and result.stderr.count("\n") == 1
    assert "satpel-pvp-kupang.toml" in result.stderr and "at most 10" in result.stderr


def test_the_title_scan_is_linear():
    page = "<title>" * 200_000  # a 1.4 MB page of unclosed titles: the old regex took seconds
    started = time.monotonic()
    assert find_title(page) == ""
    assert time.monotonic() - started < 0.5
    assert find_title("<html><TITLE lang=id>Berita &amp; Fakta</title>") == "Berita & Fakta"
    assert find_title("<titlex>no</titlex><title>yes</title>") == "yes"


async def test_the_link_checker_connects_to_the_address_it_checked(site, monkeypatch):
    """DNS rebinding: the name resolves to an allowed address when checked, to another one later.
    The request must go to the checked address, whatever a second lookup would say."""
    import socket

    import httpx

    from bot.remote import LinkChecker, parse_networks

    answers = iter(["127.0.0.1"] + ["10.20.30.40"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            address = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    async with httpx.AsyncClient() as client:
        checker = LinkChecker(client, parse_networks("127.0.0.0/8"), timeout=3)
        result = await checker.check(f"http://rebind.example:{site.port}/page")
    assert result.live and result.title == "Sumber Uji & Coba"
    assert site.hits == ["/page"]


async def test_the_whole_link_check_including_dns_stays_inside_its_timeout(monkeypatch):
    import httpx

    from bot.remote import LinkChecker

    async def slow_dns(self, host, *args, **kwargs):
        await asyncio.sleep(10)

    monkeypatch.setattr(asyncio.get_running_loop().__class__, "getaddrinfo", slow_dns)
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        result = await LinkChecker(client, timeout=0.5).check("http://slow-dns.example/")
    assert not result.live and result.problem == "timeout" and time.monotonic() - started < 2
