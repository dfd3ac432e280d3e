"""schema.org ClaimReview JSON-LD for every fact that rates a claim (for search engines and partners).

The review is cekfakta's own rating of the claim, based on the fact's sources (`isBasedOn`); the
sources are not presented as places where the claim appeared, since most of them are debunks.
"""

from __future__ import annotations

from bot.models import Fact, Source

# A rating on the usual 1 (false) to 5 (true) scale, with the verdict's own name.
RATINGS = {
    "BENAR": (5, "Benar"),
    "MENYESATKAN": (2, "Menyesatkan"),
    "SALAH": (1, "Salah"),
    "HOAKS": (1, "Hoaks"),
    "PENIPUAN": (1, "Penipuan"),
}


AUTHOR = {"@type": "Organization", "name": "cekfakta"}


def claim_review(fact: Fact) -> dict:
    """One ClaimReview: the claim, its rating, and the sources it rests on."""
    value, name = RATINGS[fact.verdict]
    source = next(s for s in fact.sources if s.url)  # every fact has one (knowledge validation)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": fact.id,
        "url": source.url,
        "inLanguage": "id",
        "claimReviewed": fact.claim,
        "datePublished": fact.as_of,
        "author": AUTHOR,
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


def claim_reviews(facts: list[Fact]) -> list[dict]:
    """ClaimReviews for the active facts with a verdict, by id."""
    return [claim_review(f) for f in sorted(facts, key=lambda f: f.id) if f.verdict and f.status == "active"]
