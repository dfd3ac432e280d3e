"""`kb publish`: a public-only database that Datasette serves as it is, and a static site of fact
pages whose ClaimReview points at the page itself."""

import functools
import http.server
import json
import shutil
import sqlite3
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot import messages
from bot.citizens import Citizens
from bot.claimreview import page_path, page_url
from bot.config import Settings
from bot.models import Fact, Source
from bot.publish import DATABASE_NAME, publish
from bot.service import open_service

BASE = "https://fakta.example.org"
SALT = "salt-that-must-stay-private-9f2c"
QUESTION = "PERTANYAAN RAHASIA dari warga Oebobo"
CHAT_ID = 777888999
MODERATOR = 913577


@pytest.fixture(scope="module")
def private(tmp_path_factory):
    """A bot database with everything a real one holds about people, plus edits, a retraction and a proposal."""
    folder = tmp_path_factory.mktemp("private")
    service = open_service(Settings(db_path=folder / "cekfakta.db", salt=SALT))
    store, db = service.store, service.store.db
    citizens = Citizens(store, SALT)
    asker = citizens.hash(CHAT_ID)
    citizens.queue_question(asker, CHAT_ID, QUESTION, QUESTION.lower())
    citizens.log_query(asker, False, None, ["oebobo"])
    citizens.record_delivery(CHAT_ID, asker, "satpel-pvp-kupang", 1)
    citizens.record_feedback(asker, "satpel-pvp-kupang", 1, True)
    db["moderators"].insert({"user_id": MODERATOR, "added_by": "owner", "added_at": "2025-01-01T00:00:00+00:00"})
    actor = f"mod:{MODERATOR}"
    fact = store.get("satpel-pvp-kupang")
    store.save(fact.with_changes(note="Catatan <script>alert(1)</script> & lainnya."), actor, "edit")
    store.save(store.get("padat-karya-ntt").with_changes(status="retracted"), actor, "retract", reason="salah sumber")
    proposal = Fact(id="usulan-belum-ditinjau", topic="hoaks", status="proposed", statement="Usulan rahasia moderator.",
                    as_of="2025-01-01", sources=(Source(publisher="X", url="https://example.org/x"),))
    store.save(proposal, actor, "propose")
    store.newsroom.add_proposal("satpel-pvp-kupang", "edit", fact.to_dict(), {"note": "Usulan rahasia moderator."},
                                fact.revision, actor, MODERATOR)
    store.newsroom.put_draft(MODERATOR, {"values": {"statement": "Draf rahasia moderator."}})
    store.newsroom.enqueue("correction", CHAT_ID, asker, "satpel-pvp-kupang", 2, {"reason": "Usulan rahasia moderator."})
    return service


@pytest.fixture(scope="module")
def site(private, tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    result = publish(private.store, private.topics, folder, BASE, "Cek Fakta NTT")
    return folder, result


def test_the_public_database_holds_only_public_tables(site):
    folder, _ = site
    db = sqlite3.connect(folder / DATABASE_NAME)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    public = {"facts", "sources", "verdicts", "topics", "versions"}
    assert {t for t in tables if not t.startswith("facts_fts")} == public
    assert [r[1] for r in db.execute("PRAGMA table_info(versions)")] == [
        "id", "fact_id", "revision", "at", "action", "status", "verdict", "claim", "statement", "data"]


def test_nothing_about_people_or_the_salt_is_in_any_published_file(site, private):
    folder, _ = site
    asker = Citizens(private.store, SALT).hash(CHAT_ID)
    secrets = [SALT, QUESTION, "Oebobo", str(CHAT_ID), str(MODERATOR), asker, "salah sumber", "Usulan rahasia"]
    for path in folder.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, (secret, path.name)


def test_proposals_are_not_published_and_retractions_are_marked(site):
    folder, result = site
    db = sqlite3.connect(folder / DATABASE_NAME)
    statuses = dict(db.execute("SELECT id, status FROM facts"))
    assert "usulan-belum-ditinjau" not in statuses and not (folder / page_path("usulan-belum-ditinjau")).exists()
    assert statuses["padat-karya-ntt"] == "retracted" and result.facts == len(statuses) == 44
    page = (folder / page_path("padat-karya-ntt")).read_text()
    assert 'id="retracted"' in page and "application/ld+json" not in page  # no ClaimReview for a retraction


def test_every_version_is_published_without_who_made_it(site):
    folder, _ = site
    db = sqlite3.connect(folder / DATABASE_NAME)
    rows = db.execute("SELECT revision, action, data FROM versions WHERE fact_id = 'satpel-pvp-kupang' "
                      "ORDER BY revision").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(1, "load:add"), (2, "edit")]
    assert "alert(1)" in json.loads(rows[1][2])["note"]


class Page(HTMLParser):
    """What a reader sees of a page: its title, texts by element id, links, and JSON-LD blocks."""

    def __init__(self, html_text: str):
        super().__init__()
        self.title, self.by_id, self.links, self.json_ld, self.canonical = "", {}, [], [], ""
        self._stack: list[tuple[str, str | None]] = []
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        if tag not in ("meta", "link", "br"):
            self._stack.append((tag, attrs.get("id") or (attrs.get("type") if tag == "script" else None)))

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for _tag, ident in self._stack:
            if ident:
                self.by_id[ident] = self.by_id.get(ident, "") + data
        if self._stack and self._stack[-1][0] == "title":
            self.title += data
        if self._stack and self._stack[-1] == ("script", "application/ld+json"):
            self.json_ld.append(json.loads(data))


def test_a_fact_page_shows_title_verdict_sources_and_its_own_claimreview(site, private):
    folder, _ = site
    fact = private.store.get("ntt-2021-daftar-kabupaten-keliru")
    page = Page((folder / page_path(fact.id)).read_text())
    assert page.title == f"{messages.headline(fact, 'id', limit=110)} | Cek Fakta NTT"
    assert page.by_id["verdict"] == "⚠️ MENYESATKAN"
    assert "Sumba Tengah, dan Sumba Tengah" in page.by_id["claim-heading"]
    assert "Manggarai Timur" in page.by_id["statement"]
    assert "https://setkab.go.id/wapres-pimpin-rakor-penanggulangan-kemiskinan-ekstrem-di-ntt/" in page.links
    assert "Sekretariat Kabinet RI" in page.by_id["sources"]
    [review] = page.json_ld
    assert review["url"] == page.canonical == f"{BASE}/fakta/{fact.id}.html"
    assert review["author"] == {"@type": "Organization", "name": "Cek Fakta NTT", "url": f"{BASE}/"}
    assert review["reviewRating"]["alternateName"] == "Menyesatkan"


def test_knowledge_text_is_escaped_in_pages(site):
    folder, _ = site
    html_text = (folder / page_path("satpel-pvp-kupang")).read_text()
    assert "<script>alert(1)" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; lainnya." in html_text
    assert "alert(1)" in Page(html_text).by_id["note"]


def test_the_index_links_every_published_fact(site):
    folder, _ = site
    index = Page((folder / "index.html").read_text())
    pages = {p.relative_to(folder).as_posix() for p in (folder / "fakta").glob("*.html")}
    assert set(index.links) - {DATABASE_NAME} == pages and len(pages) == 44
    retracted = Page((folder / "index.html").read_text().split('id="retracted"', 1)[1].split("</section>")[0])
    assert retracted.links == [page_path("padat-karya-ntt")]


def test_claimreview_json_lists_the_rated_active_facts_with_page_urls(site):
    folder, result = site
    reviews = json.loads((folder / "claimreview.json").read_text())
    assert len(reviews) == result.reviews == 7
    for review in reviews:
        assert review["url"] == f"{BASE}/{page_path(review['identifier'])}"
        assert (folder / page_path(review["identifier"])).exists()


def test_publishing_again_changes_nothing_and_removes_stray_pages(site, private):
    folder, _ = site
    stray = folder / "fakta" / "a-page-of-an-old-run.html"
    stray.write_text("old")
    again = publish(private.store, private.topics, folder, BASE, "Cek Fakta NTT")
    assert again.changed == [] and again.removed == [stray] and not stray.exists()


def test_without_a_base_url_pages_link_relatively_and_carry_no_claimreview(private, tmp_path):
    result = publish(private.store, private.topics, tmp_path, "", "cekfakta")
    page = (tmp_path / page_path("ntt-2021-daftar-kabupaten-keliru")).read_text()
    assert "application/ld+json" not in page and 'rel="canonical"' not in page
    assert not (tmp_path / "claimreview.json").exists() and result.reviews == 0


def test_a_share_link_points_at_the_published_page(site):
    folder, _ = site
    html_line = messages.share_link("hoaks-pesan-berantai-bsu-nik", BASE, "id", messages.HTML)
    url = f"{BASE}/fakta/hoaks-pesan-berantai-bsu-nik.html"
    assert html_line == f'🔗 Bagikan fakta ini: <a href="{url}">{url}</a>'
    plain = messages.share_link("hoaks-pesan-berantai-bsu-nik", BASE, "en", messages.TEXT)
    assert plain == f"🔗 Share this fact: {url}"
    assert (folder / url.removeprefix(BASE + "/")).exists()
    assert messages.share_link("hoaks-pesan-berantai-bsu-nik", "", "id") == ""


def test_page_url_and_page_path_agree():
    assert page_url(BASE + "/", "x-1") == f"{BASE}/{page_path('x-1')}"


def test_the_command_publishes_into_a_folder(run_cli, tmp_path):
    result = run_cli("kb", "publish", "out", "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("published 44 facts to out: cekfakta-publik.db, index.html")
    assert "7 ClaimReviews in claimreview.json" in result.stdout
    assert (tmp_path / "out" / DATABASE_NAME).exists() and (tmp_path / "out" / "metadata.json").exists()
    assert run_cli("kb", "publish", "out", "--base-url", "not a url").returncode == 78


# -- Datasette and a real browser --------------------------------------------------------------------


async def test_datasette_serves_the_published_database_as_it_is(site):
    datasette = pytest.importorskip("datasette.app")
    folder, _ = site
    metadata = json.loads((folder / "metadata.json").read_text())
    ds = datasette.Datasette([str(folder / DATABASE_NAME)], metadata=metadata)
    name = DATABASE_NAME.removesuffix(".db")
    facts = (await ds.client.get(f"/{name}/facts.json?_shape=array&_size=max")).json()
    assert len(facts) == 44 and {"id", "verdict", "statement", "page_url"} <= set(facts[0])
    found = (await ds.client.get(f"/{name}/facts.json?_search=Manggarai&_shape=array")).json()
    assert "ntt-2021-kabupaten-prioritas" in {f["id"] for f in found}
    sources = (await ds.client.get(f"/{name}/sources.json?fact_id=satpel-pvp-kupang&_shape=array")).json()
    assert sources and all(s["fact_id"] == "satpel-pvp-kupang" for s in sources)
    html_page = await ds.client.get(f"/{name}/facts/ntt-2021-daftar-kabupaten-keliru")
    assert html_page.status_code == 200 and "Manggarai Timur" in html_page.text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_a_real_headless_browser_shows_title_verdict_and_sources(site, tmp_path):
    folder, _ = site
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        index = _dump_dom(url, tmp_path)
        assert "Cek Fakta NTT: fakta terverifikasi" in index
        fact_url = f"http://127.0.0.1:{server.server_address[1]}/{page_path('hoaks-pesan-berantai-bsu-nik')}"
        dom = Page(_dump_dom(fact_url, tmp_path))
    finally:
        server.shutdown()
        server.server_close()
    assert dom.title.startswith("❌ HOAKS: Pesan berantai: kirim NIK") and dom.title.endswith("| Cek Fakta NTT")
    assert dom.by_id["verdict"] == "❌ HOAKS"
    assert "kumparan (mengutip Kominfo)" in dom.by_id["sources"]
    assert any(link and link.startswith("https://kumparan.com/") for link in dom.links)


def _dump_dom(url: str, tmp_path: Path) -> str:
    """The page's DOM after the browser loaded and laid it out (`--dump-dom`)."""
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--dump-dom", url],
        capture_output=True, text=True, timeout=90)
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout
