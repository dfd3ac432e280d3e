"""schema.org ClaimReview JSON-LD for every fact that rates a claim (for search engines and partners).

The review is the fact-checker's own rating of the claim, published on its own page: `url` is the
fact's public page (`kb publish`), under the configured base URL, and `author` is the configured
organisation. The sources are what the rating rests on (`isBasedOn`), not places where the claim
appeared, since most of them are debunks.
"""

from __future__ import annotations

from bot.errors import ConfigError
from bot.models import Fact, Source

# A rating on the usual 1 (false) to 5 (true) scale, with the verdict's own name.
RATINGS = {
    "BENAR": (5, "Benar"),
    "MENYESATKAN": (2, "Menyesatkan"),
    "SALAH": (1, "Salah"),
    "HOAKS": (1, "Hoaks"),
    "PENIPUAN": (1, "Penipuan"),
}
PAGES_DIR = "fakta"  # a fact's page is <base URL>/fakta/<id>.html


def page_path(fact_id: str) -> str:
    """A fact's page, relative to the site's root."""
    return f"{PAGES_DIR}/{fact_id}.html"


def page_url(base_url: str, fact_id: str) -> str:
    """The absolute URL of a fact's public page."""
    return f"{base_url.rstrip('/')}/{page_path(fact_id)}"


def author(publisher: str, base_url: str) -> dict:
    """The fact-checking organisation, as schema.org describes it."""
    return {"@type": "Organization", "name": publisher, "url": base_url.rstrip("/") + "/"}


def claim_review(fact: Fact, base_url: str, publisher: str = "cekfakta") -> dict:
    """One ClaimReview: the claim, its rating, the page it is published on, and the sources it rests on."""
    if not base_url:
        raise ConfigError("CEKFAKTA_PUBLIC_URL is not set: a ClaimReview's url must be the fact-checker's own "
                          "page, so give the base URL where `cekfakta kb publish` output is served "
                          "(set CEKFAKTA_PUBLIC_URL, or pass --base-url URL)")
    value, name = RATINGS[fact.verdict]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": fact.id,
        "url": page_url(base_url, fact.id),
        "inLanguage": "id",
        "claimReviewed": fact.claim,
        "datePublished": fact.as_of,
        "author": author(publisher, base_url),
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                         "alternateName": name},
        "reviewBody": fact.statement,
        "itemReviewed": {"@type": "Claim", "name": fact.claim},
        "isBasedOn": [_work(s) for s in fact.sources],
    }


def _work(source: Source) -> dict:
    work: dict = {"@type": "CreativeWork", "name": source.title,
                  "publisher": {"@type": "Organization", "name": source.publisher}}
    if source.url:
        work["url"] = source.url
    if source.published:
        work["datePublished"] = source.published
    return work


def reviewable(fact: Fact) -> bool:
    """True for an active fact that rates a claim."""
    return bool(fact.verdict) and fact.status == "active"


def claim_reviews(facts: list[Fact], base_url: str, publisher: str = "cekfakta") -> list[dict]:
    """ClaimReviews for the active facts with a verdict, by id."""
    return [claim_review(f, base_url, publisher) for f in sorted(facts, key=lambda f: f.id) if reviewable(f)]
