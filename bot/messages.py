"""Every user-visible text, in Bahasa Indonesia and English, and the rendering of answers.

Replies are rendered either as Telegram HTML (every piece of user or knowledge text
escaped) or as plain text for the console and `cekfakta ask`.
"""

from __future__ import annotations

import html
from datetime import date

from bot.models import Answer, Fact, Match, Source

LANGS = ("id", "en")
HTML = "html"
TEXT = "text"

TEXTS: dict[str, dict[str, str]] = {
    "verdict.BENAR": {"id": "✅ BENAR", "en": "✅ TRUE"},
    "verdict.SALAH": {"id": "❌ SALAH", "en": "❌ FALSE"},
    "verdict.HOAKS": {"id": "❌ HOAKS", "en": "❌ HOAX"},
    "verdict.MENYESATKAN": {"id": "⚠️ MENYESATKAN", "en": "⚠️ MISLEADING"},
    "verdict.PENIPUAN": {"id": "🚫 PENIPUAN", "en": "🚫 SCAM"},
    "fact.label": {"id": "ℹ️ FAKTA TERVERIFIKASI", "en": "ℹ️ VERIFIED FACT"},
    "claim": {"id": "Klaim yang beredar: {claim}", "en": "Circulating claim: {claim}"},
    "note": {"id": "Catatan: {note}", "en": "Note: {note}"},
    "as_of": {"id": "Berlaku per {date}.", "en": "As of {date}."},
    "until": {"id": "Berlaku sampai {date}.", "en": "Valid until {date}."},
    "expired": {"id": "Berlaku sampai {date}; masa berlakunya sudah lewat.",
                "en": "Valid until {date}; that date has passed."},
    "matched": {"id": "Cocok dengan kata: {terms}", "en": "Matched words: {terms}"},
    "sources": {"id": "Sumber:", "en": "Sources:"},
    "no_date": {"id": "tanggal tidak tercantum", "en": "date not shown"},
    "see_also": {"id": "Lihat juga:", "en": "See also:"},
    "not_found": {
        "id": "🔎 Informasi itu belum ada di basis fakta terverifikasi kami. Kami tidak menebak: "
              "yang belum diperiksa tidak kami nyatakan benar atau salah.",
        "en": "🔎 That is not in our verified fact base yet. We do not guess: what has not been "
              "checked we call neither true nor false.",
    },
    "not_found.tips": {
        "id": "Tips: tulis kata kunci singkat, misalnya «BSU hoaks», «kabupaten prioritas NTT» "
              "atau «BLK Kupang».",
        "en": "Tip: send short keywords, for example «BSU hoax», «NTT priority districts» or "
              "«BLK Kupang».",
    },
    "smalltalk": {
        "id": "Halo! 👋 Kirim kata kunci atau teruskan pesan yang ingin Anda cek, misalnya «BSU hoaks».",
        "en": "Hello! 👋 Send keywords or forward a message you want checked, for example «BSU hoax».",
    },
    "empty": {
        "id": "Pesan Anda tidak berisi kata yang bisa dicek. Kirim kata kunci dengan huruf atau angka, "
              "misalnya «kemiskinan ekstrem NTT».",
        "en": "Your message has no words to check. Send keywords in letters or digits, for example "
              "«extreme poverty NTT».",
    },
    "console.welcome": {
        "id": "cekfakta: konsol lokal (tanpa Telegram) di atas basis fakta {facts} fakta. "
              "Ketik kata kunci; baris kosong atau Ctrl-D untuk keluar.",
        "en": "cekfakta: local console (no Telegram) on a base of {facts} facts. "
              "Type keywords; an empty line or Ctrl-D quits.",
    },
}

_MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def t(key: str, lang: str = "id", **values: object) -> str:
    """The text `key` in `lang` (Indonesian when missing), with `values` filled in."""
    texts = TEXTS[key]
    return (texts.get(lang) or texts["id"]).format(**values)


def format_date(value: str, lang: str = "id") -> str:
    """A (possibly partial) ISO date as people write it: "17 Okt 2021", "Jun 2021", "2021"."""
    if not value:
        return t("no_date", lang)
    parts = value.split("-")
    months = _MONTHS.get(lang, _MONTHS["id"])
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


class _Format:
    """Plain-text or HTML building blocks; in HTML, all text is escaped here."""

    def __init__(self, kind: str):
        self.html = kind == HTML

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.html else text

    def italic(self, text: str) -> str:
        return f"<i>{self.esc(text)}</i>" if self.html else text

    def source(self, source: Source, lang: str) -> str:
        when = format_date(source.published, lang)
        title = f": {source.title}" if source.title else ""
        if self.html and source.url:
            link = f'<a href="{html.escape(source.url, quote=True)}">{self.esc(source.publisher)}</a>'
            return f"• {link}, {self.esc(when)}{self.esc(title)}"
        tail = f"\n  {source.url}" if source.url else ""
        return f"• {self.esc(source.publisher)}, {self.esc(when)}{self.esc(title)}{tail}"


def verdict_label(fact: Fact, lang: str = "id") -> str:
    """The verdict as shown to citizens, or the plain-fact label."""
    return t(f"verdict.{fact.verdict}", lang) if fact.verdict else t("fact.label", lang)


def headline(fact: Fact, lang: str = "id", limit: int = 60) -> str:
    """A short line naming a fact, for buttons and lists."""
    text = fact.text("claim", lang) if fact.claim else fact.text("statement", lang)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_fact(fact: Fact, lang: str = "id", fmt: str = HTML, matched_terms: tuple[str, ...] = (),
                today: date | None = None) -> str:
    """A fact as a citizen reads it: verdict, claim, statement, caveats, why it matched, sources."""
    f = _Format(fmt)
    lines = [f.bold(verdict_label(fact, lang))]
    if fact.claim:
        lines.append(f.italic(t("claim", lang, claim=fact.text("claim", lang))))
    lines += ["", f.esc(fact.text("statement", lang))]
    if fact.note:
        lines += ["", f.esc(t("note", lang, note=fact.text("note", lang)))]
    dates = [t("as_of", lang, date=format_date(fact.as_of, lang))] if fact.as_of else []
    if fact.until:
        expired = fact.until < (today or date.today()).isoformat()
        dates.append(t("expired" if expired else "until", lang, date=format_date(fact.until, lang)))
    if dates:
        lines += ["", f.esc(" ".join(dates))]
    if matched_terms:
        lines.append(f.esc(t("matched", lang, terms=", ".join(matched_terms))))
    lines += ["", f.bold(t("sources", lang))]
    lines += [f.source(s, lang) for s in fact.sources]
    return "\n".join(lines)


def render_answer(answer: Answer, lang: str = "id", fmt: str = HTML, see_also: bool = True) -> str:
    """The whole reply to a citizen's text.

    With `see_also`, other close facts are listed at the end (Telegram offers them as buttons
    instead, so it passes False).
    """
    f = _Format(fmt)
    if answer.kind == "empty":
        return f.esc(t("empty", lang))
    if answer.kind == "smalltalk":
        return f.esc(t("smalltalk", lang))
    if not answer.answered:
        return f.esc(t("not_found", lang) + "\n\n" + t("not_found.tips", lang))
    best = answer.matches[0]
    text = render_fact(best.fact, lang, fmt, best.matched_terms)
    if see_also and len(answer.matches) > 1:
        others = [f"• {f.esc(headline(m.fact, lang))} ({m.fact.id})" for m in answer.matches[1:]]
        text += "\n\n" + f.bold(t("see_also", lang)) + "\n" + "\n".join(others)
    return text


def match_json(m: Match, lang: str = "id") -> dict:
    """One match in the `cekfakta ask --json` contract."""
    fact = m.fact
    return {
        "id": fact.id,
        "statement": fact.text("statement", lang),
        "verdict": fact.verdict or None,
        "claim": fact.text("claim", lang) or None,
        "note": fact.text("note", lang) or None,
        "topic": fact.topic,
        "as_of": fact.as_of or None,
        "sources": [{"url": s.url or None, "publisher": s.publisher, "published": s.published or None,
                     "title": s.title or None} for s in fact.sources],
        "score": m.score,
        "matched_terms": list(m.matched_terms),
    }


def answer_json(answer: Answer, lang: str = "id") -> dict:
    """An answer in the `cekfakta ask --json` contract; `matches` is empty when not answered."""
    return {
        "query": answer.query,
        "answered": answer.answered,
        "matches": [match_json(m, lang) for m in answer.matches] if answer.answered else [],
    }
