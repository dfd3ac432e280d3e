"""Links in citizens' messages: found, taken out of the text, and reduced to a comparable key.

A pasted news link is the strongest evidence of what a message is about: when it points to an
article that a fact cites, that fact answers it. Links are compared by a key that ignores what
varies between shares of the same article: the scheme, `www.`/`m.`/`amp.` host prefixes, AMP
paths, tracking parameters, fragments and a trailing slash. Pure functions; nothing from the bot.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

MAX_URLS = 5  # links read from one message
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»]+"  # with a scheme or www.
    r"|\b(?:[a-z0-9-]+\.)+(?:com|id|net|org|co|info|news|xyz|me|io|ly|site|online|top|click)(?:\.[a-z]{2})?"
    r"(?:/[^\s<>\"'«»]*)?(?![\w.])",  # a bare domain, with or without a path
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|si|amp|ref|ref_src|s|from|source|share|page|output|"
                       r"_gl|mc_cid|mc_eid|wa|src|spm)$", re.IGNORECASE)
_SLUG_SPLIT = re.compile(r"[^a-z0-9]+")
_SLUG_WORD = re.compile(r"[a-z]{2,}|(?:19|20)\d\d")
_NOT_SLUG = {"amp", "read", "berita", "news", "index", "html", "htm", "php", "baca", "artikel", "www", "http",
             "https", "com", "co", "id", "go", "web", "cekfakta", "category", "tag", "page", "all"}


def find_urls(text: str) -> list[str]:
    """The links in `text`, in order, without trailing punctuation (at most MAX_URLS)."""
    urls = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if url:
            urls.append(url)
        if len(urls) == MAX_URLS:
            break
    return urls


def strip_urls(text: str) -> str:
    """`text` with its links replaced by spaces."""
    return _URL.sub(" ", text)


def url_key(url: str) -> str:
    """A key equal for every share of the same page: host (without www./m./amp.) and path.

    Tracking parameters are dropped, other parameters kept in a stable order; AMP path segments
    ("/amp/", a trailing "/amp") are removed; case is kept only in the query, where it may matter.
    """
    raw = url.strip()
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix):]
    segments = [s for s in parts.path.split("/") if s and s.lower() != "amp"]
    path = "/".join(segments).lower()
    if path.endswith(".amp"):
        path = path[: -len(".amp")]
    try:
        params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=False) if not _TRACKING.match(k)]
    except ValueError:
        params = []
    query = urlencode(sorted(params))
    if not host:
        return ""
    return f"{host}/{path}" + (f"?{query}" if query else "")


def slug_words(url: str) -> list[str]:
    """The words of a link's path ("…/wapres-pimpin-rakor-…-di-ntt/" -> wapres, pimpin, rakor, …), or of
    its domain name when it has no path.

    They say what the linked article is about, so they are read as part of the message.
    """
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:
        return []
    path = parts.path.lower()
    words = [w for w in _SLUG_SPLIT.split(path) if _SLUG_WORD.fullmatch(w) and w not in _NOT_SLUG]
    if not path.strip("/"):  # a bare domain speaks through its name ("prakerja-gelombang12-daftar.com")
        host = (parts.hostname or "").split(".")[:-1]
        words = [w for label in host for w in _SLUG_SPLIT.split(label) if w and w not in _NOT_SLUG]
    return words
