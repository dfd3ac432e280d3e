"""HTML of the public fact pages and their index: static, self-contained, no script but JSON-LD.

Every text from the knowledge base or a source is escaped here; the only markup is this module's.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

from bot import messages
from bot.claimreview import page_path
from bot.models import Fact
from bot.store.reports import PublicVersion

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;
line-height:1.5;color:#1b1b1b}
h1{font-size:1.5rem;line-height:1.3}a{color:#0b57d0}
.verdict{display:inline-block;font-weight:700;padding:.2rem .6rem;border-radius:.3rem;background:#eceff1}
.v-HOAKS,.v-SALAH,.v-PENIPUAN{background:#fde0e0}.v-MENYESATKAN{background:#fff3cd}
.v-BENAR{background:#dff3e3}.retracted{border:2px solid #c62828;padding:.6rem;background:#fff5f5}
blockquote{margin:0;padding:.4rem .8rem;border-left:4px solid #b0bec5;background:#f7f9fa}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;
vertical-align:top}footer{margin-top:2rem;color:#555;font-size:.9rem}li{margin:.3rem 0}
"""


def esc(text: str) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape(text, quote=True)


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block, safe from an early </script>."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")


def _page(title: str, body: str, lang: str, head: str = "") -> str:
    return (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
            f"{head}<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _action(action: str) -> str:
    name = action.split(":")[-1]
    return name if name in ("add", "edit", "retract", "restore") else "other"


def fact_title(fact: Fact, publisher: str, lang: str = "id") -> str:
    """A page's title: the verdict and the claim (or the statement), and who checked it."""
    return f"{messages.headline(fact, lang, limit=110)} | {publisher}"


def fact_page(fact: Fact, versions: Iterable[PublicVersion], topics: dict[str, dict[str, str]], publisher: str,
              url: str = "", review: dict | None = None, lang: str = "id") -> str:
    """The public page of one fact: verdict, claim, statement, note, dates, sources, history, English text."""
    t = lambda key, **values: messages.t(key, lang, **values)  # noqa: E731
    title = fact_title(fact, publisher, lang)
    description = messages.shorten(fact.statement, 200)
    head = f'<meta name="description" content="{esc(description)}">\n'
    head += f'<meta property="og:title" content="{esc(messages.headline(fact, lang, limit=110))}">\n'
    head += f'<meta property="og:description" content="{esc(description)}">\n'
    head += '<meta property="og:type" content="article">\n'
    if url:
        head += f'<link rel="canonical" href="{esc(url)}">\n<meta property="og:url" content="{esc(url)}">\n'
    if review:
        head += f'<script type="application/ld+json">\n{json_ld(review)}\n</script>\n'
    parts = [f'<nav><a href="../index.html">{esc(t("site.back"))}</a></nav>', "<main>"]
    verdict_class = f"v-{fact.verdict}" if fact.verdict else "v-fact"
    parts.append(f'<p id="verdict" class="verdict {verdict_class}">{esc(messages.verdict_label(fact, lang))}</p>')
    if fact.status == "retracted":
        parts.append(f'<p id="retracted" class="retracted">{esc(t("site.retracted"))}</p>')
    if fact.claim:
        parts.append(f'<h1 id="claim-heading">{esc(t("site.claim"))}: «{esc(fact.claim)}»</h1>')
        parts.append(f'<h2>{esc(t("site.statement"))}</h2>\n<p id="statement">{esc(fact.statement)}</p>')
    else:
        parts.append(f'<h1 id="statement">{esc(fact.statement)}</h1>')
    if fact.note:
        parts.append(f'<p id="note"><b>{esc(t("site.note"))}:</b> {esc(fact.note)}</p>')
    facts_line = [f'{esc(t("site.as_of"))} {esc(messages.format_date(fact.as_of, lang))}'] if fact.as_of else []
    if fact.until:
        facts_line.append(f'{esc(t("site.until"))} {esc(messages.format_date(fact.until, lang))}')
    labels = topics.get(fact.topic, {})
    facts_line.append(f'{esc(t("site.topic"))}: {esc(labels.get(lang) or labels.get("id") or fact.topic)}')
    parts.append(f'<p id="dates">{" · ".join(facts_line)}</p>')
    parts.append(f'<h2>{esc(t("site.sources"))}</h2>\n<ol id="sources">')
    for s in fact.sources:
        name = f'<a href="{esc(s.url)}" rel="noopener">{esc(s.publisher)}</a>' if s.url else esc(s.publisher)
        when = esc(messages.format_date(s.published, lang))
        parts.append(f"<li>{name}, {when}{': ' + esc(s.title) if s.title else ''}</li>")
    parts.append("</ol>")
    if fact.claim_en or fact.statement_en:
        parts.append(f'<section id="english" lang="en">\n<h2>{esc(t("site.english"))}</h2>')
        if fact.claim_en:
            parts.append(f"<blockquote>{esc(fact.claim_en)}</blockquote>")
        if fact.statement_en:
            parts.append(f"<p>{esc(fact.statement_en)}</p>")
        if fact.note_en:
            parts.append(f"<p>{esc(fact.note_en)}</p>")
        parts.append("</section>")
    parts.append(f'<h2>{esc(t("site.history"))}</h2>\n<table id="history">\n'
                 f'<tr><th>{esc(t("site.revision"))}</th><th>{esc(t("site.date"))}</th><th>{esc(t("site.change"))}</th></tr>')
    for v in versions:
        parts.append(f"<tr><td>{v.revision}</td><td>{esc(messages.format_date(v.at[:10], lang))}</td>"
                     f'<td>{esc(t("site.action." + _action(v.action)))}</td></tr>')
    parts.append("</table>\n</main>")
    parts.append(f'<footer>{esc(publisher)} · {esc(fact.id)} · {esc(t("site.revision"))} {fact.revision}</footer>')
    return _page(title, "\n".join(parts), lang, head)


def index_page(facts: list[Fact], topics: dict[str, dict[str, str]], publisher: str, updated: str,
               database_name: str, lang: str = "id") -> str:
    """The list of every published fact by topic, retracted ones apart."""
    t = lambda key, **values: messages.t(key, lang, **values)  # noqa: E731
    title = t("site.title", publisher=publisher)
    parts = [f"<main>\n<h1>{esc(title)}</h1>", f"<p>{esc(t('site.intro', publisher=publisher))}</p>"]
    active = [f for f in facts if f.status == "active"]
    order = {key: n for n, key in enumerate(topics)}
    for topic in sorted({f.topic for f in active}, key=lambda k: (order.get(k, len(order)), k)):
        labels = topics.get(topic, {})
        parts.append(f'<h2 id="topic-{esc(topic)}">{esc(labels.get(lang) or labels.get("id") or topic)}</h2>\n<ul>')
        parts += [_item(f, lang) for f in active if f.topic == topic]
        parts.append("</ul>")
    retracted = [f for f in facts if f.status == "retracted"]
    if retracted:
        parts.append(f'<section id="retracted">\n<h2>{esc(t("site.retracted_list"))}</h2>\n<ul>')
        parts += [_item(f, lang) for f in retracted]
        parts.append("</ul>\n</section>")
    parts.append("</main>")
    data_link = f'<a href="{esc(database_name)}">{esc(database_name)}</a>'
    parts.append(f"<footer>{esc(t('site.updated', date=updated))} · {t('site.data', link=data_link)}</footer>")
    return _page(title, "\n".join(parts), lang)


def _item(fact: Fact, lang: str) -> str:
    return f'<li><a href="{esc(page_path(fact.id))}">{esc(messages.headline(fact, lang, limit=140))}</a></li>'
