"""Recognise the question tables of a workbook, also one that piramide did not write itself.

Pure functions over a workbook's rows (values only, as `reader.Book` holds them): which rows
are the header of a question table, which columns hold the question's id or number, its
text, the answer (a value in one column, or a mark under columns headed with the answer
labels), the toelichting and the onderbouwing; and, when nothing is recognised, what a sheet
does hold. Nothing here knows a definition beyond the words the caller passes, nor scoring:
the reader matches what is found against a definition, `questionnaire infer` drafts one from it.

A header row is a row with
- at least two different answer labels as column headers ("Ja", "Deels", "Nee", "N.v.t.",
  "Weet niet", or the labels of the definition's own scales): the answer is a mark under one
  of them; or
- an answer column ("Antwoord", "Score", "Ja/Nee", …) together with a column for the id or
  number ("ID", "Nr", "Vraagnummer", …) or the text of the question ("Vraag", …).
The answer labels may also stand in the row just below such a header (a two-row header, with
"Antwoord" above "Ja | Deels | Nee"): then the marks are the answer. In one header row, an
"Antwoord" column wins over columns headed with answer labels (our own template has helper
columns called "ja"), but mark columns win over a "Score" or "Beoordeling" column, which is
usually a formula counting the marks.
A table's rows run from below its header to the next header on that sheet.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import labels as L
from .answers import cell_text

# Column headers, compared after `header_key` (lower case, single spaces, no trailing colon,
# no spaces around a slash).
ID_WORDS = frozenset({"id", "vraag-id", "vraagid", "vraag id", "code", "vraagcode"})
NUMBER_WORDS = frozenset({"nr", "nr.", "nummer", "vraagnummer", "vraagnr", "vraagnr.", "vraag nr", "vraag nr.", "no",
                          "no.", "#", "volgnummer", "num"})
TEXT_WORDS = frozenset({"vraag", "vragen", "vraagstelling", "vraagtekst", "omschrijving", "stelling", "stellingen",
                        "tekst", "onderwerp"})
ANSWER_WORDS = frozenset({*L.ANSWER_ALIASES, "ja/nee", "ja/deels/nee", "ja/nee/deels", "ja/nee/n.v.t.",
                          "ja/deels/nee/n.v.t.", "antwoord (ja/nee)", "beoordeling", "keuze", "uw antwoord"})
# Every word that can make a row a header (with the answer labels of the definition).
_HEADER_WORDS = ID_WORDS | frozenset(L.ID_ALIASES) | NUMBER_WORDS | TEXT_WORDS | ANSWER_WORDS
# An answer column that answer-label columns beside it outrank: usually a formula counting the marks.
WEAK_ANSWER_WORDS = frozenset({"score", "beoordeling"})
# The answer labels when there is no definition to ask (questionnaire infer): the default scale.
DEFAULT_ANSWER_LABELS = {"ja": "ja", "deels": "deels", "gedeeltelijk": "deels", "nee": "nee", "n.v.t.": "n.v.t.",
                         "nvt": "n.v.t.", "niet van toepassing": "n.v.t.", "weet niet": "weet niet",
                         "onbekend": "weet niet"}
# What counts as a mark under an answer label, and what plainly says "not this one" (a linked
# checkbox writes FALSE under every label it does not tick). Anything else is reported.
MARKS = frozenset({"x", "✓", "✔", "☑", "v", "1", "ja", "true", "waar"})
NOT_MARKS = frozenset({"", "0", "false", "onwaar", "nee", "-", "–", "☐"})

ID_LIKE = re.compile(r"^[A-Za-z]{1,6}-?\d{1,4}[A-Za-z]?$")
_NUMBER = re.compile(r"^(?:([a-z]{1,6})[\s._-]*)?(\d{1,3})(?:\.(\d{1,3}))?\.?$")
_ENUMERATOR = re.compile(r"^\s*(?:[a-z]{1,6}[\s.-]?)?\d{1,3}(?:\.\d{1,3})*[.):]?\s+(?=\S)")
_NOT_WORD = re.compile(r"[\W_]+")
_SLASH = re.compile(r"\s*/\s*")


@functools.lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    return _SLASH.sub("/", L.norm(text))


def header_key(value) -> str:
    """A column header as it is compared: lower case, single spaces, no trailing colon, no
    spaces around a slash ("Ja / Nee" is "ja/nee"). Cached: the same headers come back in
    every workbook of a run."""
    return _header_key(value if isinstance(value, str) else str(value))


def text_key(text) -> str:
    """A question text as it is compared: without a leading number ("3.", "BO 1"), accents,
    case, punctuation and extra spaces."""
    text = unicodedata.normalize("NFKD", L.norm(cell_text(text)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ENUMERATOR.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Number:
    """A question number as written: "12" (12), "3.4" (major 3, minor 4), "BO 1" (prefix 'bo')."""
    text: str
    major: int
    minor: int | None = None
    prefix: str = ""


def parse_number(value) -> Number | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or not 0 < value < 1000:
            return None
        text = cell_text(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 12:
            return None
    else:
        return None
    m = _NUMBER.match(text.lower())
    if not m:
        return None
    prefix, major, minor = m.group(1) or "", int(m.group(2)), m.group(3)
    return Number(text, major, int(minor) if minor is not None else None, prefix)


@dataclass(frozen=True)
class Header:
    """The columns of a question table (0-based), found in its header row(s)."""
    row: int
    keys: tuple[int, ...] = ()          # id and number columns, left first
    text: int | None = None
    answer: int | None = None
    marks: tuple[tuple[int, str], ...] = ()   # (column, answer label as written in the header)
    remark: int | None = None
    basis: int | None = None
    evidence: int | None = None
    height: int = 1                     # 2 when the answer labels stand in the row below

    def describe(self) -> str:
        """The recognised columns, as a person reads them: 'ID (A), Antwoord (D)'."""
        def at(name, c):
            return f"{name} ({col_letter(c)})"
        out = [at("id/nummer", c) for c in self.keys]
        if self.text is not None:
            out.append(at("vraagtekst", self.text))
        if self.marks:
            out.append("antwoorden " + ", ".join(f"{label} ({col_letter(c)})" for c, label in self.marks))
        elif self.answer is not None:
            out.append(at("antwoord", self.answer))
        return ", ".join(out)


def col_letter(index: int) -> str:
    """The letter(s) of a 0-based column: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _words(row: tuple) -> Iterable[tuple[int, str]]:
    for c, v in enumerate(row):
        if isinstance(v, str) and 0 < len(v) <= 40:
            yield c, header_key(v)


def _mark_columns(row: tuple, answer_labels: dict[str, str],
                  words: list[tuple[int, str]] | None = None) -> tuple[tuple[int, str], ...]:
    """The columns headed by answer labels, when at least two different answers stand there."""
    found, seen = [], set()
    for c, key in (_words(row) if words is None else words):
        option = answer_labels.get(key)
        if option is not None and option not in seen:
            seen.add(option)
            found.append((c, " ".join(str(row[c]).split())))
    return tuple(found) if len(found) >= 2 else ()


def read_header(rows: list[tuple], r: int, answer_labels: dict[str, str]) -> Header | None:
    """The header of a question table when row r is one (see the module's docstring)."""
    row = rows[r]
    keys: list[int] = []
    text = answer = remark = basis = evidence = None
    words = list(_words(row))
    # Without an id, number, text or answer word or an answer label, nothing below can make a
    # header of it: most rows of a workbook end here.
    if not any(key in _HEADER_WORDS or key in answer_labels for _, key in words):
        return None
    for c, key in words:
        if key in ID_WORDS or key in L.ID_ALIASES or key in NUMBER_WORDS:
            if len(keys) < 2:
                keys.append(c)
        elif text is None and key in TEXT_WORDS:
            text = c
        elif answer is None and key in ANSWER_WORDS:
            answer = c
        elif remark is None and key in L.REMARK_ALIASES:
            remark = c
        elif basis is None and key in L.BASIS_ALIASES:
            basis = c
        elif evidence is None and key in L.EVIDENCE_ALIASES:
            evidence = c
    marks = _mark_columns(row, answer_labels, words)
    if marks and answer is not None and header_key(row[answer]) not in WEAK_ANSWER_WORDS:
        marks = ()                      # "Antwoord" beside helper columns that happen to be called "ja"
    height = 1
    if (keys or text is not None) and r + 1 < len(rows):
        below = _mark_columns(rows[r + 1], answer_labels)
        if below and not marks:
            marks, height = below, 2
    if not marks and (answer is None or not (keys or text is not None)):
        return None
    if _data_like(row):
        return None                     # a question row whose answer and toelichting read "ja", "nee"
    taken = {c for c, _ in marks}
    return Header(r, tuple(keys), text if text not in taken else None, None if marks else answer, marks,
                  remark, basis, evidence, height)


def _data_like(row: tuple) -> bool:
    """A row with a number or a question in it is data, whatever its other cells say."""
    for v in row:
        if isinstance(v, str):
            s = v.strip()
            if s.endswith("?") or (s[:1].isdigit() and parse_number(s)):
                return True
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            return True
    return False


@dataclass(frozen=True)
class Table:
    """One question table: its header, and its rows from just below the header up to (not
    including) `end`. `start` is the first row after the previous table on the sheet (or 0):
    the rows from `start` to the header may hold a title or heading for this table."""
    sheet: str
    header: Header
    start: int
    end: int

    @property
    def first(self) -> int:
        return self.header.row + self.header.height


def tables_of(sheet: str, rows: list[tuple], answer_labels: dict[str, str],
              known: Callable[[object], bool] | None = None) -> list[Table]:
    """The question tables of one sheet, top to bottom. `known(value)` may say that a cell
    holds a question id the caller knows: a row with one in a key column is a question, not a
    header, and is not looked at further (this keeps reading our own template fast)."""
    found: list[Header] = []
    r = 0
    while r < len(rows):
        row = rows[r]
        if found and known is not None:
            head = found[-1]
            if any(c < len(row) and known(row[c]) for c in head.keys):
                r += 1
                continue
        h = read_header(rows, r, answer_labels) if row else None
        if h is not None:
            found.append(h)
            r += h.height
            continue
        r += 1
    out = []
    for n, h in enumerate(found):
        start = found[n - 1].row + found[n - 1].height if n else 0
        end = found[n + 1].row if n + 1 < len(found) else len(rows)
        out.append(Table(sheet, h, start, end))
    return out


def lone_text(row: tuple) -> str:
    """The text of a heading row: a row whose only filled cell holds text; '' otherwise."""
    text = ""
    for v in row:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if text or not isinstance(v, str):
            return ""
        text = v.strip()
    return text if len(text) <= 200 else ""


def looks_like_question(row: tuple) -> bool:
    """A row a person would take for a question: an id such as 'BO-01', a number followed by
    text, or a sentence ending in a question mark."""
    number = False
    for v in row:
        if isinstance(v, str):
            s = v.strip()
            if ID_LIKE.match(s):
                return True
            if (number and len(s) >= 5) or (len(s) >= 8 and s.endswith("?")):
                return True
            if parse_number(s):
                number = True
        elif parse_number(v):
            number = True
    return False


@dataclass
class SheetSeen:
    """What one visible sheet holds, for a message when no question table is recognised."""
    name: str
    rows: int = 0                        # rows with anything in them
    question_rows: int = 0               # rows that look like questions
    tables: list[Table] = field(default_factory=list)
    partial: tuple[int, list[str]] | None = None   # a row that is half a header: (row, the headers on it)


def survey(sheet: str, rows: list[tuple], answer_labels: dict[str, str]) -> SheetSeen:
    """What a sheet holds, cheaply enough to do for a workbook that was not recognised."""
    seen = SheetSeen(sheet, tables=tables_of(sheet, rows, answer_labels))
    for r, row in enumerate(rows):
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row):
            seen.rows += 1
        if looks_like_question(row):
            seen.question_rows += 1
        if seen.partial is None and not seen.tables and not _data_like(row):
            words = list(_words(row))
            if any(k in ID_WORDS or k in L.ID_ALIASES or k in NUMBER_WORDS or k in TEXT_WORDS
                   or k in ANSWER_WORDS or k in answer_labels for _, k in words):
                seen.partial = (r, [" ".join(str(row[c]).split()) for c, _ in words])
    return seen
