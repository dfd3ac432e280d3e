"""Synthetic knowledge bases for benchmarks and the precision-at-scale test, built deterministically
from a seed.

A national deployment holds tens of thousands of fact-checks: figures for other provinces and
districts, other aid programmes, other years, scams and hoaxes, and general news. The facts made
here look like that. Their words come from real Indonesian with its real frequencies (Zipfian, from
knowledge/language/indonesian-frequency.txt), and their places from the gazetteer, and they name
programmes, numbers with units, months and years, and rated claims, with keyword phrases a
moderator would write. They are never about the bundled knowledge's own facts: they carry other
places, periods and programmes, which is exactly what a matcher must not confuse.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path

from bot.knowledge import bundled_knowledge_dir
from bot.lexicon import load_lexicon
from bot.models import VERDICTS, Fact, Source

PROGRAMMES = ["PKH", "BPNT", "BLT Dana Desa", "KIP Kuliah", "BPJS Kesehatan", "Kartu Sembako",
              "Program Indonesia Pintar", "KUR", "Bantuan Pangan", "subsidi pupuk", "BSU", "Kartu Prakerja",
              "bansos beras", "PIP"]
SUBJECTS = ["Pemerintah kabupaten", "Dinas Sosial", "Kementerian Sosial", "BPS", "Pemerintah provinsi", "DPRD",
            "Dinas Kesehatan", "Dinas Pendidikan", "Badan Pangan Nasional", "Kementerian Desa", "Polres", "BMKG"]
VERBS = ["menyalurkan", "mencatat", "mengumumkan", "membagikan", "menargetkan", "melaporkan", "menambah",
         "mengurangi", "memperpanjang", "membuka", "menutup", "menaikkan"]
UNITS = ["keluarga", "jiwa", "orang", "persen", "sekolah", "desa", "ton", "hektare", "unit", "kelompok"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
TOPICS = ["kabupaten-prioritas", "rakor-2021", "nasional", "angka-bps", "kemnaker", "blk", "hoaks"]
GENERATOR = "1"  # bump when the facts made for a seed change: kept benchmark bases are rebuilt
BATCH = 2000  # facts imported a transaction
SOURCE = Source(publisher="Sumber sintetis", url="https://example.org/sintetis", published="2024-01-01")


class Words:
    """Indonesian words drawn with their real frequencies (a Zipfian vocabulary)."""

    def __init__(self, rng: random.Random, folder: Path | None = None):
        lexicon = load_lexicon(folder or bundled_knowledge_dir())
        common = sorted(lexicon.frequency.items(), key=lambda kv: -kv[1])
        words = [w for w, _ in common if len(w) > 3 and w not in lexicon.stopwords and w.isalpha()]
        self._words = words[:20000]
        # Cumulative weights, computed once: `choices` would otherwise re-add 20,000 weights per call.
        self._cum_weights = list(accumulate(10 ** lexicon.frequency[w] for w in self._words))
        self._rng = rng
        self.places = [p.name for p in lexicon.gazetteer if p.name not in ("Nusa Tenggara Timur",)]

    def some(self, count: int) -> list[str]:
        """`count` words, the common ones more often."""
        return self._rng.choices(self._words, cum_weights=self._cum_weights, k=count)


def facts(count: int, seed: int = 7, prefix: str = "sintetis") -> Iterator[Fact]:
    """`count` synthetic facts, the same for the same seed."""
    rng = random.Random(seed)
    words = Words(rng)
    for n in range(count):
        yield _fact(n, rng, words, prefix)


def _fact(n: int, rng: random.Random, words: Words, prefix: str) -> Fact:
    place = rng.choice(words.places)
    programme = rng.choice(PROGRAMMES)
    year = rng.randint(2014, 2026)
    month = rng.choice(MONTHS)
    unit = rng.choice(UNITS)
    number = f"{rng.randint(2, 999)}.{rng.randint(0, 999):03d}" if unit not in ("persen",) else \
        f"{rng.randint(1, 40)},{rng.randint(0, 99):02d}"
    filler = " ".join(words.some(rng.randint(4, 12)))
    kind = rng.random()
    verdict = claim = ""
    if kind < 0.2:  # a rated claim, as fact-checkers publish them
        verdict = rng.choice(VERDICTS[1:])
        claim = (f"Pesan berantai: {programme} {year} cair Rp{rng.randint(1, 9)}.{rng.randint(0, 9)}00.000 "
                 f"untuk warga {place}, daftar lewat tautan {' '.join(words.some(3))}.")
        statement = (f"Informasi itu {verdict.lower()}. {programme} tidak dibagikan lewat tautan berantai; "
                     f"{' '.join(words.some(6))} di {place}.")
        keywords = (f"{programme} {year} {place}", f"tautan {programme} {words.some(1)[0]}")
    elif kind < 0.6:  # a figure
        subject, topic = rng.choice(SUBJECTS), " ".join(words.some(2))
        statement = (f"{subject} {place} {rng.choice(VERBS)} {number} {unit} {topic} {filler} "
                     f"pada {month} {year}.")
        keywords = (f"{topic} {place} {year}", f"{programme if rng.random() < 0.3 else unit} {topic} {place}")
    else:  # general news: its keywords name what it is about, as a moderator would write them
        subject, topic = rng.choice(SUBJECTS), " ".join(words.some(2))
        statement = f"{subject} {place} {rng.choice(VERBS)} {topic} {filler} {' '.join(words.some(8))}."
        keywords = (f"{topic} {place}", f"{subject} {topic}")
    return Fact(id=f"{prefix}-{n:07d}", topic=rng.choice(TOPICS), statement=statement, verdict=verdict, claim=claim,
                keywords=keywords, sources=(SOURCE,), as_of=f"{year}-{MONTHS.index(month) + 1:02d}-01")


def add_to(store, count: int, seed: int = 7, batch: int = BATCH,
           progress: Callable[[int], None] | None = None) -> None:
    """Import `count` synthetic facts into a store, in batches; `progress(done)` after each."""
    pending: list[Fact] = []
    done = 0
    for fact in facts(count, seed):
        pending.append(fact)
        if len(pending) == batch:
            store.import_facts(pending, actor="synthetic", optimize=False)
            done += len(pending)
            pending = []
            if progress:
                progress(done)
    if pending:
        store.import_facts(pending, actor="synthetic", optimize=False)
        if progress:
            progress(done + len(pending))
    store.optimize()
