"""The Dutch gemeenten with their CBS codes, and matching a typed name to one of them. Pure.

The list ships as package data (gemeenten.csv; its header names the source and the date it
holds for). A typed name matches a gemeente when it is the same after dropping case,
accents, spaces, punctuation and apostrophes ("s-Hertogenbosch" = "'s-Hertogenbosch"), and
also for a few other spellings that name one gemeente only: the name without CBS's
province suffix where that is unique ("Hengelo" = "Hengelo (O.)", but "Bergen" is two
gemeenten and matches neither), the suffix as a province ("Bergen (Noord-Holland)"), a
leading "Gemeente", and the common names "Den Haag" and "Den Bosch".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA_FILE = "gemeenten.csv"

# CBS's suffixes on names shared by two gemeenten (or a gemeente and a province), as provinces.
PROVINCES = {"l": "limburg", "nh": "noordholland", "o": "overijssel", "zh": "zuidholland", "z": "zeeland"}
# Other names in everyday use, keyed as match_key gives them.
ALIASES = {"denhaag": "GM0518", "denbosch": "GM0796"}


@dataclass(frozen=True)
class Gemeente:
    code: str           # CBS gemeentecode, "GM0796"
    naam: str           # as CBS writes it, "'s-Hertogenbosch"


def match_key(name: str) -> str:
    """Letters and digits of every script, lower case, accents dropped: the spelling-free
    form of a name. "'s-Hertogenbosch", "s Hertogenbosch" and "'S-HERTOGENBOSCH" give one key;
    "Москва" and "Київ" give two."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", text)


def _plain(name: str) -> str:
    """A name as typed, compared for being the official one: same characters (NFC), the
    same case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@lru_cache(maxsize=1)
def all_gemeenten() -> tuple[Gemeente, ...]:
    """Every gemeente in the shipped list, in code order."""
    text = resources.files("piramide").joinpath(DATA_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(Gemeente(row["code"], row["naam"]) for row in csv.DictReader(lines))


@lru_cache(maxsize=1)
def _index() -> dict[str, Gemeente]:
    gemeenten = all_gemeenten()
    by_code = {g.code: g for g in gemeenten}
    index: dict[str, Gemeente] = {match_key(g.naam): g for g in gemeenten}
    assert len(index) == len(gemeenten), "two gemeenten with one key"
    extra: dict[str, set[str]] = {}
    for g in gemeenten:
        m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", g.naam)
        if not m:
            continue
        bare, suffix = match_key(m.group(1)), match_key(m.group(2))
        extra.setdefault(bare, set()).add(g.code)
        if suffix in PROVINCES:
            extra.setdefault(bare + PROVINCES[suffix], set()).add(g.code)
    for key, code in ALIASES.items():
        extra.setdefault(key, set()).add(code)
    for key, codes in extra.items():
        # Only where the spelling names one gemeente, and never over a gemeente's own name.
        if len(codes) == 1 and key not in index:
            index[key] = by_code[codes.pop()]
    return index


def lookup(name: str) -> Gemeente | None:
    """The gemeente a typed name stands for, or None when it names none (or more than one:
    "Bergen" alone). A function of match_key(name) alone."""
    return _lookup_key(match_key(name))


def _lookup_key(key: str) -> Gemeente | None:
    index = _index()
    if key in index:
        return index[key]
    if key.startswith("gemeente") and key[len("gemeente"):] in index:
        return index[key[len("gemeente"):]]
    return None


def is_official(name: str) -> bool:
    """True when the name is written exactly as CBS writes the gemeente it stands for."""
    g = lookup(name)
    return g is not None and _plain(name) == g.naam
