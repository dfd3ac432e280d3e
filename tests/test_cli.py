"""The `cekfakta` command line: the contract that benchmarks and later edges rely on."""

import json
import shutil
import sys
from pathlib import Path

import pytest

from bot.knowledge import FACTS_DIR

MATCH_KEYS = {"id", "statement", "verdict", "sources", "score", "matched_terms"}


def test_ask_prints_the_reply_a_citizen_reads(run_cli):
    result = run_cli("ask", "link bansos PKH 600 ribu")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("❌ HOAKS")
    assert "Klaim yang beredar:" in out and "Sumber:" in out
    assert "Kompas.com Cek Fakta, 21 Mar 2022" in out and "https://www.kompas.com/cekfakta/" in out
    assert "Cocok dengan kata:" in out


def test_ask_in_english(run_cli):
    result = run_cli("--lang", "en", "ask", "BSU hoax")
    assert result.stdout.startswith("❌ HOAX\nCirculating claim:") and "Sources:" in result.stdout


def test_ask_not_found_says_so_honestly(run_cli):
    result = run_cli("ask", "harga beras hari ini")
    assert "belum ada di basis fakta terverifikasi" in result.stdout


def test_ask_json_follows_the_contract(run_cli):
    data = json.loads(run_cli("ask", "--json", "kabupaten prioritas NTT 2021").stdout)
    assert set(data) == {"query", "answered", "lang", "matches"}
    assert data["answered"] is True
    best = data["matches"][0]
    assert set(best) >= MATCH_KEYS
    assert best["id"] == "ntt-2021-kabupaten-prioritas"
    assert {"url", "publisher", "published", "title"} == set(best["sources"][0])
    assert best["matched_terms"] and isinstance(best["score"], float)
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_jsonl_answers_each_line_in_order(run_cli):
    queries = ["BSU hoaks", "selamat pagi", "blk komunitas ntt ada berapa", "", "qwerty"]
    result = run_cli("ask", "--jsonl", input="\n".join(queries) + "\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == queries
    assert [r["answered"] for r in rows] == [True, False, True, False, False]
    assert rows[2]["matches"][0]["id"] == "blk-komunitas-ntt-2022"


def test_eval_scores_a_query_set(run_cli, tmp_path):
    queries = tmp_path / "set.jsonl"
    queries.write_text("\n".join(json.dumps(r) for r in [
        {"q": "BSU hoaks", "expect": ["BSU"], "kind": "hoax"},
        {"q": "inpres kemiskinan ekstrem", "expect": ["tidak ada di fakta"], "kind": "x"},
        {"q": "selamat pagi", "expect": [], "kind": "out"},
    ]) + "\n")
    result = run_cli("eval", str(queries))
    lines = result.stdout.splitlines()
    assert lines[-2] == "in-scope: 1/2 top-1 accuracy 0.500"
    assert lines[-1] == "out-of-scope: 0/1 false-answer rate 0.000"
    assert any(line.startswith("MISS  'inpres kemiskinan ekstrem'") for line in lines)


def test_kb_stats(run_cli, knowledge_dir):
    stats = json.loads(run_cli("kb", "stats").stdout)
    bundled = len(list((knowledge_dir / "facts").glob("*.toml")))
    assert stats["facts"] == bundled and stats["by_status"] == {"active": bundled}
    assert stats["versions"] == stats["facts"] and stats["audit_rows"] == stats["facts"]


def test_kb_export_writes_the_bundled_files_back_unchanged(run_cli, tmp_path, knowledge_dir):
    result = run_cli("kb", "export", "--to", "out")
    assert result.returncode == 0, result.stderr
    exported = tmp_path / "out"
    for path in (knowledge_dir / FACTS_DIR).glob("*.toml"):
        assert (exported / FACTS_DIR / path.name).read_bytes() == path.read_bytes()
    assert (exported / "lexicon.toml").read_bytes() == (knowledge_dir / "lexicon.toml").read_bytes()


def test_kb_load_from_an_edited_folder_updates_and_keeps_the_rest(run_cli, tmp_path, knowledge_dir):
    folder = tmp_path / "edited"
    shutil.copytree(knowledge_dir, folder)
    path = folder / FACTS_DIR / "satpel-pvp-kupang.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Pada 2024", "Pada tahun 2024"), encoding="utf-8")
    (folder / FACTS_DIR / "padat-karya-ntt.toml").unlink()
    result = run_cli("kb", "load", "--from", str(folder))
    assert result.returncode == 0, result.stderr
    assert "updated 1" in result.stdout and "kept (only in the database) 1" in result.stdout
    assert "Pada tahun 2024" in run_cli("ask", "satpel pvp kupang").stdout
    assert "padat karya" in run_cli("ask", "padat karya NTT").stdout.lower()


def test_bad_knowledge_fails_with_one_line_naming_the_file(run_cli, tmp_path, knowledge_dir):
    folder = tmp_path / "broken"
    shutil.copytree(knowledge_dir, folder)
    path = folder / FACTS_DIR / "satpel-pvp-kupang.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('confidence = "medium"', 'confidence = "tinggi"'))
    result = run_cli("ask", "blk", env={"CEKFAKTA_KNOWLEDGE": str(folder)})
    assert result.returncode == 78  # configuration: the configured knowledge folder is broken
    assert result.stderr.strip().count("\n") == 0
    assert "satpel-pvp-kupang.toml:" in result.stderr and "confidence must be one of" in result.stderr


def test_console_chat_without_a_token(run_cli):
    result = run_cli(input="BSU hoaks\nselamat pagi\n\n")
    assert result.returncode == 0, result.stderr
    assert "konsol lokal" in result.stdout
    assert "BSU" in result.stdout and "Halo!" in result.stdout


def test_console_understands_the_citizen_commands_in_the_reply_language(run_cli):
    result = run_cli(input="/help\nbantuan\n/start\ntopik\n/bahasa\n/foo\n/hapusdata\ntidak\n\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bantuan, start, topik, bahasa" in out.splitlines()[0]  # the banner says what it accepts
    assert out.count("Bantuan cekfakta") == 2 and "Hello" not in out and "Halo! Saya cekfakta" in out
    assert "📚 Pilih topik:" in out and "Hoaks dan penipuan (6)" in out
    assert "Pilih bahasa / Choose a language:" in out and "ketik «bahasa en»: English" in out
    assert "Perintah itu tidak saya kenal" in out
    assert "🗑️ Hapus semua data Anda?" in out and "Tidak ada yang dihapus." in out
    assert "Cocok dengan kata" not in out and "Informasi itu belum ada" not in out  # no command was a question


def test_console_language_is_chosen_for_the_rest_of_the_chat(run_cli):
    out = run_cli(input="bahasa en\nhelp\nBSU hoaks\n\n").stdout
    assert "Language set to English." in out and "cekfakta help" in out and "❌ HOAX\n" in out


def test_console_commands_are_not_counted_as_questions(run_cli):
    run_cli(input="/start\nstart\n/foo\nbantuan\nharga beras\n\n")
    stats = json.loads(run_cli("stats").stdout)
    assert sum(stats["unanswered"]) + sum(stats["answered"]) + sum(stats["near"]) == 1
    assert not {"start", "foo", "bantuan"} & {w for w, *_ in stats["top_unanswered"]}


def test_database_is_created_on_first_use_in_the_configured_path(run_cli, db_path):
    assert not db_path.exists()
    run_cli("ask", "blk")
    assert db_path.exists()


def test_installed_command_exists_beside_this_python():
    scripts = Path(sys.executable).parent
    assert (scripts / "cekfakta").exists() or (scripts / "cekfakta.exe").exists()


def test_claimreview_export_describes_every_rated_fact(run_cli, tmp_path):
    site = {"CEKFAKTA_PUBLIC_URL": "https://cekfakta.example.org/", "CEKFAKTA_PUBLISHER": "Cek Fakta NTT"}
    result = run_cli("kb", "export", "--format", "claimreview", env=site)
    assert result.returncode == 0, result.stderr
    reviews = json.loads(result.stdout)
    assert len(reviews) == 7
    by_id = {r["identifier"]: r for r in reviews}
    wrong_list = by_id["ntt-2021-daftar-kabupaten-keliru"]
    assert wrong_list["@type"] == "ClaimReview" and wrong_list["@context"] == "https://schema.org"
    assert "Sumba Tengah, dan Sumba Tengah" in wrong_list["claimReviewed"]
    assert wrong_list["reviewRating"]["alternateName"] == "Menyesatkan"
    assert wrong_list["itemReviewed"]["@type"] == "Claim"
    assert wrong_list["author"] == {"@type": "Organization", "name": "Cek Fakta NTT",
                                    "url": "https://cekfakta.example.org/"}
    # The review is published on the fact-checker's own page, not on one of its sources.
    assert wrong_list["url"] == "https://cekfakta.example.org/fakta/ntt-2021-daftar-kabupaten-keliru.html"
    assert wrong_list["datePublished"] == "2021-10-18"
    assert {w["publisher"]["name"] for w in wrong_list["isBasedOn"]} >= {"RM.id", "Sekretariat Kabinet RI"}
    run_cli("kb", "export", "--format", "claimreview", "--to", "reviews.jsonld", env=site)
    assert json.loads((tmp_path / "reviews.jsonld").read_text()) == reviews


def test_claimreview_export_without_a_base_url_names_the_variable_and_the_flag(run_cli):
    result = run_cli("kb", "export", "--format", "claimreview")
    assert result.returncode == 78
    assert result.stdout == "" and "CEKFAKTA_PUBLIC_URL is not set" in result.stderr
    assert "--base-url URL" in result.stderr


def test_claimreview_base_url_can_be_given_on_the_command_line(run_cli):
    result = run_cli("kb", "export", "--format", "claimreview", "--base-url", "https://fakta.example.id")
    assert json.loads(result.stdout)[0]["url"].startswith("https://fakta.example.id/fakta/")


def test_round_trip_includes_facts_added_in_the_bot(run_cli, tmp_path, db_path, knowledge_dir):
    from bot.analysis import Analyzer
    from bot.lexicon import load_lexicon
    from bot.models import Fact, Source
    from bot.store import Store

    run_cli("kb", "stats")
    store = Store.open(db_path, Analyzer(load_lexicon(knowledge_dir)))
    store.save(Fact(id="nelayan-semau", topic="kemnaker", statement="Nelayan Semau menerima perahu.",
                    as_of="2024-02-03", sources=(Source(publisher="Pos Kupang", url="https://example.org/x"),)),
               actor="mod:1", action="add")
    store.save(store.get("satpel-pvp-kupang").with_changes(status="retracted"), actor="mod:1", action="retract")
    store.db.close()
    assert run_cli("kb", "export", "--to", "one").returncode == 0
    empty = {"CEKFAKTA_DB": str(tmp_path / "empty.db"), "CEKFAKTA_KNOWLEDGE": str(tmp_path / "one")}
    assert run_cli("kb", "export", "--to", "two", env=empty).returncode == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one" / "facts").glob("*.toml")}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two" / "facts").glob("*.toml")}
    assert one == two and "nelayan-semau.toml" in one
    assert b'status = "retracted"' in one["satpel-pvp-kupang.toml"]



def test_every_command_is_documented_in_the_readme():
    from bot.cli import _parser
    from bot.tg.app import COMMANDS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    subcommands = next(a for a in _parser()._actions if a.dest == "command").choices
    for name in subcommands:
        assert f"cekfakta {name}" in readme or name == "run" and "cekfakta run" in readme, name
    moderator = ["/mod", "/tambah", "/batal", "/fakta", "/ubah", "/cabut", "/pulihkan", "/riwayat", "/usulan",
                 "/setujui", "/tolak", "/antrian", "/jawab", "/abaikan", "/statistik"]
    for command in [f"/{c}" for c in COMMANDS] + moderator:
        assert f"`{command}" in readme, command


def test_ask_options_may_follow_the_command_and_are_not_part_of_the_query(run_cli):
    result = run_cli("ask", "--json", "--lang", "en", "BLK Kupang")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "BLK Kupang"
    assert data["answered"] and "Kupang" in data["matches"][0]["statement"]
    english = json.loads(run_cli("ask", "--json", "--lang", "id", "BLK Kupang").stdout)
    assert data["matches"][0]["statement"] != english["matches"][0]["statement"]  # --lang took effect


def test_ask_into_a_closed_pipe_stops_quietly(run_cli, tmp_path, db_path):
    import os
    import subprocess

    run_cli("kb", "stats")  # seed the database first
    queries = tmp_path / "queries.txt"
    queries.write_text("BSU hoaks\nblk kupang\n" * 400)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env["CEKFAKTA_DB"] = str(db_path)
    with queries.open() as stdin:
        process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--jsonl"], stdin=stdin,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
        assert json.loads(process.stdout.readline())["query"] == "BSU hoaks"
        process.stdout.close()  # as `| head -1` does
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert process.returncode == 141


def _query_set(tmp_path, rows) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


HALF_RIGHT = [
    {"q": "BSU hoaks", "expect": ["BSU"]},
    {"q": "inpres kemiskinan ekstrem", "expect": ["tidak ada di fakta"]},
    {"q": "selamat pagi", "expect": []},
    {"q": "BSU hoaks", "expect": []},  # a false answer: 1 of 2 out of scope
]


@pytest.mark.parametrize(("options", "code", "says"), [
    ((), 0, None),
    (("--min-accuracy", "0.5"), 0, None),
    (("--min-accuracy", "0.9"), 1, "top-1 accuracy 0.500 is below 0.9"),
    (("--max-false", "0.5"), 0, None),
    (("--max-false", "0.1"), 1, "false-answer rate 0.500 is above 0.1"),
])
def test_eval_exits_non_zero_below_the_bar(run_cli, tmp_path, options, code, says):
    result = run_cli("eval", str(_query_set(tmp_path, HALF_RIGHT)), *options)
    assert result.returncode == code, result.stderr
    assert "in-scope: 1/2 top-1 accuracy 0.500" in result.stdout
    if says:
        assert result.stderr.strip() == f"cekfakta: below the bar: {says}"


def test_eval_rejects_a_bar_outside_zero_to_one(run_cli, tmp_path):
    result = run_cli("eval", str(_query_set(tmp_path, HALF_RIGHT)), "--min-accuracy", "95")
    assert result.returncode == 2 and "is not between 0 and 1" in result.stderr


@pytest.mark.parametrize(("content", "says"), [
    (None, "cannot read"),
    ('{"q": "BSU"}\n', 'line 1: needs "q" (text) and "expect" (a list)'),
    ('{"q": "BSU", "expect": []}\nnot json\n', "line 2: not JSON"),
    ("\n\n", "no queries in it"),
    (b"\xff\xfe\x00", "cannot read"),
])
def test_eval_reports_a_missing_or_malformed_file_in_one_line(run_cli, tmp_path, content, says):
    path = tmp_path / "set.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run_cli("eval", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("cekfakta: ") and says in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_the_readme_examples_print_what_the_bot_prints(run_cli):
    """Every `$ cekfakta ask …` in the README's console blocks, run: the output shown is the real one
    (up to a line "…", where the README leaves the rest out)."""
    import re
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            if command.startswith("cekfakta ask "):
                examples.append((shlex.split(command)[1:], shown.rstrip("\n")))
    assert len(examples) >= 4
    for args, shown in examples:
        real = run_cli(*args).stdout.rstrip("\n")
        if shown.endswith("\n…"):
            assert real.startswith(shown[:-1]), args
        else:
            assert real == shown, args
