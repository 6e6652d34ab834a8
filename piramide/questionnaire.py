"""Load and validate a questionnaire definition (TOML).

TOML because Python reads it without a dependency (tomllib), it has no implicit typing
surprises (YAML 1.1 reads `no`/`off` as false), and it stays readable for RIEC staff who edit
a definition in a text editor. Validation collects every problem with the line it stands on.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import QuestionnaireError
from .findings import Finding, finding, has_errors
from .model import (NVT, UNKNOWN, VALUE, Indicator, Option, Phase, Pillar, Question, Questionnaire, Scale,
                    Source, Term)

DEFAULT = "piramide-fitte-gemeenten"

_TOP_KEYS = {"id", "versie", "titel", "toelichting", "aantal_vragen", "standaard_schaal",
             "fasen", "pijlers", "schalen", "indicatoren", "vragen", "vervangt_versie", "bronnen", "begrippen"}
_KEYS = {
    "fasen": {"nummer", "naam", "beschrijving"},
    "pijlers": {"id", "naam", "beschrijving", "fasen"},
    "schalen": {"id", "naam", "antwoorden"},
    "antwoorden": {"label", "waarde", "soort", "synoniemen"},
    "indicatoren": {"id", "pijler", "fase", "naam", "thema", "betekenis", "handvat", "eerste_stap", "eigenaar",
                    "klein", "producten", "minimaal", "vervangt"},
    "vragen": {"id", "indicator", "vraag", "hulp", "ja_als", "deels_als", "nvt_als", "schaal", "bron", "sectie",
               "vervangt", "enquete"},
    "bronnen": {"id", "titel", "kort", "jaar", "adres"},
    "begrippen": {"term", "uitleg", "bron"},
}
def _close(word: str, choices, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """difflib's close matches, imported only when a definition has a problem to name."""
    import difflib
    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


_KEY_VALUE = re.compile(r'^\s*([A-Za-z_]+)\s*=\s*"?(.*?)"?\s*(?:#.*)?$')


def builtin_dir() -> Traversable:
    """The shipped definitions: package data `piramide.questionnaires` (the repository's
    top-level `questionnaires/`, mapped into the package by setup.cfg)."""
    return resources.files("piramide.questionnaires")


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in builtin_dir().iterdir() if p.name.endswith(".toml"))


def resolve(name_or_path: str | Path | Traversable | None) -> Path | Traversable:
    """A definition by built-in name or by path (a resource already resolved passes through)."""
    if name_or_path is None:
        name_or_path = DEFAULT
    if not isinstance(name_or_path, (str, os.PathLike)):
        return name_or_path
    p = Path(name_or_path)
    if p.suffix.lower() in (".toml", *WORKBOOK_SUFFIXES) or p.exists():
        return p
    candidate = builtin_dir() / f"{name_or_path}.toml"
    if candidate.is_file():
        return candidate
    return p


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: Path | Traversable) -> bool:
    """A definition workbook (Excel) rather than TOML, by its name."""
    return Path(str(path)).suffix.lower() in WORKBOOK_SUFFIXES


_LOADED: dict[tuple, Questionnaire] = {}


def candidates(names=()) -> "Candidates":
    """The definitions a run reads with: the given ones (names, paths or loaded definitions;
    the first is the main one), then the built-in ones, so that each workbook is read with the
    version it was made from (a 0-meting on version 1 stays readable after version 2). A
    built-in one is parsed only when a workbook names it (see Candidates)."""
    given: list[Questionnaire] = []
    for n in names:
        q = n if isinstance(n, Questionnaire) else load(n)
        if (q.id, q.version) not in {(g.id, g.version) for g in given}:
            given.append(q)
    given = given or [load(None)]
    have = {(g.id, g.version) for g in given}
    lazy: list[tuple[str, str, str]] = []
    for name in builtin_names():
        key = _builtin_key(name)
        if key is None:                      # a head that does not say: load it to know
            q = load(name)
            key = (q.id, q.version)
        if key not in have:
            have.add(key)
            lazy.append((name, *key))
    return Candidates(given, lazy)


_HEAD_END = re.compile(r"^\s*\[", re.M)


def _builtin_key(name: str) -> tuple[str, str] | None:
    """The id and version of a built-in definition, from the top-level keys at the head of its
    file (before the first table), without parsing the rest. None when the head does not say."""
    try:
        text = (builtin_dir() / f"{name}.toml").read_text(encoding="utf-8")
        end = _HEAD_END.search(text)
        head = tomllib.loads(text[:end.start()] if end else text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    qid, version = head.get("id"), head.get("versie")
    if not isinstance(qid, str) or version is None:
        return None
    return qid.strip(), str(version).strip()


class Candidates(Sequence[Questionnaire]):
    """The definitions of a run, in order: the given ones, loaded, then the built-in ones,
    each parsed on first use. Choosing the definition a workbook names (`choose`) parses that
    one only, so one score of a 2.0 workbook never parses 1.0 or another built-in."""

    def __init__(self, given: list[Questionnaire], builtin: list[tuple[str, str, str]]):
        self._given = list(given)
        self._builtin = list(builtin)                   # (name, id, version)
        self._loaded: dict[int, Questionnaire] = {}

    def __len__(self) -> int:
        return len(self._given) + len(self._builtin)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i < len(self._given):
            return self._given[i]
        if i not in self._loaded:
            self._loaded[i] = load(self._builtin[i - len(self._given)][0])
        return self._loaded[i]

    def keys(self) -> list[tuple[str, str]]:
        """(id, version) of every candidate, in order, without loading any."""
        return [(g.id, g.version) for g in self._given] + [(qid, v) for _, qid, v in self._builtin]

    def choose(self, qid: str, version: str) -> Questionnaire:
        """The candidate with this id and version, else the first (the main one)."""
        keys = self.keys()
        return self[keys.index((qid, version))] if (qid, version) in keys else self[0]

    def index(self, q, start: int = 0, stop: int | None = None) -> int:
        """The place of a candidate already in hand (by identity): nothing is loaded to find it."""
        for i, g in enumerate(self._given):
            if g is q:
                return i
        for i, loaded in self._loaded.items():
            if loaded is q:
                return i
        raise ValueError("not a candidate of this run")


_TOML_DUTCH = [  # tomllib's messages, in the words a RIEC adviser reads
    ("Invalid value", "deze waarde kan niet: tekst hoort tussen aanhalingstekens, een lijst tussen [ ]"),
    ("Expected '=' after a key", "na een naam hoort een '='"),
    ("Cannot overwrite a value", "deze naam staat er al eerder"),
    ("Cannot declare", "deze tabel staat er al eerder"),
    ("Unterminated string", "een tekst is niet afgesloten met een aanhalingsteken"),
    ("Invalid statement", "deze regel is geen 'naam = waarde' en geen [tabel]"),
    ("Expected newline or end of document", "na de waarde hoort een nieuwe regel"),
    ("Invalid initial character for a key part", "een naam begint met een letter"),
    ("Unclosed array", "een lijst is niet afgesloten met ']'"),
    ("Illegal character", "hier staat een teken dat niet mag"),
]


def _toml_dutch(message: str) -> str:
    return next((dutch for english, dutch in _TOML_DUTCH if message.startswith(english)),
                "de opmaak klopt hier niet")


def load(name_or_path: str | Path | Traversable | None = None) -> Questionnaire:
    """Load a definition, raising QuestionnaireError when it has errors (warnings pass).
    A definition already loaded, unchanged on disk, is not parsed again."""
    path = resolve(name_or_path)
    key: tuple | None
    try:
        if isinstance(path, Path):
            st = path.stat()
            key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        else:   # a built-in inside a zip has no stat: it cannot change, so its name is its key
            key = ("builtin", str(path))
    except OSError:
        key = None
    if key in _LOADED:
        return _LOADED[key]
    q, findings = check(path)
    if q is None:
        raise QuestionnaireError([f for f in findings if f.severity == "fout"])
    if key is not None:
        _LOADED[key] = q
    return q


def check(name_or_path: str | Path | Traversable | None, previous: str | Path | None = None
          ) -> tuple[Questionnaire | None, list[Finding]]:
    """Validate fully; return the questionnaire (None when there are errors) and all findings."""
    path = resolve(name_or_path)
    fname = str(path)
    if is_workbook(path):
        from .definition_workbook import read_definition
        data, places, found = read_definition(Path(str(path)))
        if data is None:
            return None, found
        return _validate(fname, data, places, previous, found)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [finding("def_bestaat_niet", file=fname, namen=", ".join(builtin_names()))]
    except IsADirectoryError:
        return None, [finding("def_bestaat_niet", file=fname, namen=", ".join(builtin_names()))]
    except UnicodeDecodeError:
        return None, [finding("def_geen_tekst", file=fname)]
    except OSError as exc:
        return None, [finding("invoer_onleesbaar", file=fname, detail=exc.strerror or type(exc).__name__)]
    data = parsed_twin(twin_of(path), text) if str(getattr(path, "parent", "")) == str(builtin_dir()) else None  # ours only
    try:
        data = data if data is not None else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        return None, [finding("def_onleesbaar", file=fname, line=int(m.group(1)) if m else None,
                              detail=_toml_dutch(str(exc)) + (f" (kolom {m.group(2)})" if m else ""))]
    if data.get("soort") == "enquete":
        return None, [finding("def_is_enquete", file=fname)]
    return _validate(fname, data, TomlPlaces(text), previous)


TWIN_SUFFIX = ".parsed.json"


def text_sha256(text: str) -> str:
    import hashlib
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def twin_of(path: Path | Traversable) -> Traversable:
    """Where the parsed twin of a built-in definition is: beside it, in the package."""
    return builtin_dir() / (path.name.removesuffix(".toml") + TWIN_SUFFIX)


def parsed_twin(twin_path: Path | Traversable, text: str) -> dict | None:
    """A built-in definition's TOML, already parsed: the JSON twin beside it (written by
    scripts/make-twins), used only when it was made from exactly this text. Parsing the 2.0
    TOML costs about 12 ms of every score; reading its twin, well under one. A twin that is
    missing, damaged or made from another text is ignored: the TOML decides."""
    import json
    try:
        twin = json.loads(twin_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(twin, dict) or twin.get("toml_sha256") != text_sha256(text) or not isinstance(twin.get("data"), dict):
        return None
    return twin["data"]


def _validate(fname: str, data: dict, places: "Places", previous, findings=()) -> tuple[Questionnaire | None, list[Finding]]:
    v = _Validator(fname, places)
    v.findings.extend(findings)
    q = v.build(data)
    if previous is not None and q is not None:
        prev_q, prev_findings = check(previous)
        if prev_q is None:
            v.findings.extend(prev_findings)
        else:
            v.check_replaces(q, prev_q)
    if has_errors(v.findings):
        return None, v.findings
    return q, v.findings


@dataclass(frozen=True)
class Place:
    """Where an item or a field stands: a line of a TOML file, or a sheet and cell of a
    definition workbook. `reported`: the workbook reader already said what is wrong here (an
    unreadable cell, a missing column), so the validator does not say it again."""
    line: int | None = None
    sheet: str = ""
    cell: str = ""
    reported: bool = False


NOWHERE = Place()


class Places:
    """The place of each item of a definition, by table and position (1-based)."""

    def item(self, table: str, n: int, item: dict) -> Place:
        return NOWHERE

    def field(self, table: str, n: int, item: dict, key: str) -> Place:
        return self.item(table, n, item)

    def answer(self, n: int, m: int, scale: dict, key: str) -> Place:
        """Field `key` of answer m of scale n."""
        return self.item("schalen", n, scale)

    def setting(self, key: str) -> Place:
        return NOWHERE

    def table(self, table: str) -> Place:
        return NOWHERE

    def duplicate(self, table: str, n: int, ident: str) -> Place:
        """The place of item n, the second occurrence of `ident`."""
        return self.item(table, n, {})


_ITEM_KEY = {"fasen": "nummer", "begrippen": "term"}


class TomlPlaces(Places):
    """Places in a TOML text: the line of an item's `id = "…"` (a phase's nummer, a term's term)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self._where: dict[tuple[str, str], int] | None = None

    def line_of(self, key: str, value) -> int | None:
        """The line where `key = value` stands, so a RIEC editor can find the place. The index
        of all such lines is built once, on the first call: a valid definition never pays."""
        if value is None:
            return None
        if self._where is None:
            self._where = {}
            for n, line in enumerate(self.lines, 1):
                m = _KEY_VALUE.match(line)
                if m:
                    self._where.setdefault((m.group(1), m.group(2)), n)
        return self._where.get((key, str(value)))

    def item(self, table, n, item):
        key = _ITEM_KEY.get(table, "id")
        return Place(self.line_of(key, item.get(key)))

    def setting(self, key):
        return NOWHERE

    def top(self, key: str, value) -> Place:
        return Place(self.line_of(key, value))

    def duplicate(self, table, n, ident):
        if table == "begrippen":
            return Place(self.line_of("term", ident))
        pat = re.compile(rf'^\s*id\s*=\s*"{re.escape(ident)}"')
        hits = [k for k, line in enumerate(self.lines, 1) if pat.match(line)]
        return Place(hits[1] if len(hits) > 1 else (hits[0] if hits else None))


class _Validator:
    """Builds a Questionnaire from the data of a definition (TOML, or a definition workbook
    turned into the same data), and collects every problem with its place."""

    def __init__(self, fname: str, places: Places):
        self.fname = fname
        self.places = places
        self.findings: list[Finding] = []

    def add(self, code: str, place: Place = NOWHERE, **ctx):
        if place.reported and code in ("def_veld_ontbreekt", "def_veld_type", "def_leeg"):
            return                  # the workbook reader already said what is wrong in this cell
        self.findings.append(finding(code, file=self.fname, line=place.line, sheet=place.sheet, cell=place.cell,
                                     **ctx))

    def text(self, item: dict, key: str, where: str, at, required=True) -> str:
        val = item.get(key)
        if val is None or (isinstance(val, str) and not val.strip()):
            if required:
                self.add("def_veld_ontbreekt", at(key), waar=where, veld=key)
            return ""
        if not isinstance(val, str):
            self.add("def_veld_type", at(key), waar=where, veld=key, soort="tekst")
            return str(val)
        return val.strip()

    def id_list(self, item: dict, where: str, at) -> tuple[str, ...]:
        val = item.get("vervangt", [])
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            self.add("def_veld_type", at("vervangt"), waar=where, veld="vervangt", soort="een lijst van id's")
            return ()
        return tuple(val)

    def text_list(self, item: dict, key: str, where: str, at) -> tuple[str, ...]:
        val = item.get(key, [])
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            self.add("def_veld_type", at(key), waar=where, veld=key, soort='een lijst van teksten, zoals ["…", "…"]')
            return ()
        return tuple(x.strip() for x in val)

    def unknown_keys(self, item: dict, allowed: set[str], where: str, at):
        for key in item:
            if key not in allowed:
                close = _close(key, sorted(allowed), n=1)
                self.add("def_onbekend_veld", at(None), waar=where, veld=key,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")

    def table_list(self, data: dict, key: str) -> list[dict]:
        val = data.get(key, [])
        if not isinstance(val, list) or not all(isinstance(x, dict) for x in val):
            self.add("def_veld_type", self.places.table(key), waar="de definitie", veld=key,
                     soort=f"een lijst [[{key}]]")
            return []
        if not val:
            self.add("def_leeg", self.places.table(key), soort=key)
        return val

    def at(self, table: str, n: int, item: dict):
        """The place of item n of `table` (key None) or of one of its fields."""
        return lambda key: self.places.item(table, n, item) if key is None else self.places.field(table, n, item, key)

    def dupes(self, items: list[str], kind: str, table: str):
        seen: set[str] = set()
        for n, ident in enumerate(items, 1):
            if ident in seen:
                self.add("def_dubbel_id", self.places.duplicate(table, n, ident), soort=kind, id=ident)
            seen.add(ident)

    def build(self, data: dict) -> Questionnaire | None:
        top = lambda key: self.places.setting(key)  # noqa: E731
        self.unknown_keys(data, _TOP_KEYS, "de definitie", top)
        qid = self.text(data, "id", "de definitie", top)
        version = str(data.get("versie", "")).strip()
        if not version:
            self.add("def_veld_ontbreekt", top("versie"), waar="de definitie", veld="versie")
        title = self.text(data, "titel", "de definitie", top)
        note = self.text(data, "toelichting", "de definitie", top, required=False)

        phases = self._phases(self.table_list(data, "fasen"))
        sources = self._sources(data)
        terms = self._terms(data)
        pillar_items = self.table_list(data, "pijlers")
        pillars = self._pillars(pillar_items, len(phases))
        scales = self._scales(self.table_list(data, "schalen"))
        default_scale = data.get("standaard_schaal") or (scales[0].id if scales else "")
        indicator_items = self.table_list(data, "indicatoren")
        indicators = self._indicators(indicator_items, pillars, phases)
        questions = self._questions(self.table_list(data, "vragen"), indicators, scales, default_scale, sources)

        # Structure: every indicator has questions; every pillar has indicators in every phase.
        asked: dict[str, int] = {}
        for qq in questions:
            asked[qq.indicator_id] = asked.get(qq.indicator_id, 0) + 1
        for n, (ind, item) in enumerate(zip(indicators, indicator_items), 1):
            if ind.id not in asked:
                self.add("def_indicator_zonder_vragen", self.places.item("indicatoren", n, item), id=ind.id)
            elif ind.minimum is not None and ind.minimum > asked[ind.id]:
                self.add("def_minimaal", self.places.field("indicatoren", n, item, "minimaal"), id=ind.id,
                         minimaal=ind.minimum, vragen=asked[ind.id])
        phase_numbers = [p.number for p in phases]
        for n, (pil, item) in enumerate(zip(pillars, pillar_items), 1):
            have = {i.phase for i in indicators if i.pillar_id == pil.id}
            for k in phase_numbers:
                if k not in have:
                    self.add("def_fase_zonder_indicator", self.places.item("pijlers", n, item), pijler=pil.id, fase=k)
        expected = data.get("aantal_vragen")
        if expected is not None:
            place = self.places.setting("aantal_vragen")
            if isinstance(self.places, TomlPlaces):
                place = self.places.top("aantal_vragen", expected)
            if not isinstance(expected, int) or isinstance(expected, bool):
                self.add("def_veld_type", place, waar="de definitie", veld="aantal_vragen", soort="een geheel getal")
            elif expected != len(questions):
                self.add("def_aantal_vragen", place, verwacht=expected, gevonden=len(questions))
        if has_errors(self.findings):
            return None
        return Questionnaire(qid, version, title, note, tuple(phases), tuple(pillars), tuple(scales),
                             tuple(indicators), tuple(questions), path=self.fname,
                             sources=tuple(sources), terms=tuple(terms))

    def _phases(self, items: list[dict]) -> list[Phase]:
        out = []
        for n, item in enumerate(items, 1):
            where = f"fase {n}"
            at = self.at("fasen", n, item)
            num = item.get("nummer")
            self.unknown_keys(item, _KEYS["fasen"], where, at)
            if not isinstance(num, int) or isinstance(num, bool):
                self.add("def_veld_type", at("nummer"), waar=where, veld="nummer", soort="een geheel getal")
                continue
            out.append(Phase(num, self.text(item, "naam", where, at),
                             self.text(item, "beschrijving", where, at, required=False)))
        numbers = [p.number for p in out]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            self.add("def_fasen_volgorde", self.places.table("fasen"), nummers=", ".join(map(str, numbers)))
        return out

    def _pillars(self, items: list[dict], n_phases: int) -> list[Pillar]:
        out = []
        for n, item in enumerate(items, 1):
            where = f"pijler {item.get('id') or n}"
            at = self.at("pijlers", n, item)
            self.unknown_keys(item, _KEYS["pijlers"], where, at)
            pid = self.text(item, "id", where, at)
            texts = self.text_list(item, "fasen", where, at)
            if texts and len(texts) != n_phases:
                self.add("def_pijler_fasen", at("fasen"), pijler=pid, gevonden=len(texts), fasen=n_phases)
            out.append(Pillar(pid, self.text(item, "naam", where, at),
                              self.text(item, "beschrijving", where, at, required=False), texts))
        self.dupes([p.id for p in out], "pijler", "pijlers")
        return out

    def _scales(self, items: list[dict]) -> list[Scale]:
        out = []
        for n, item in enumerate(items, 1):
            where = f"schaal {item.get('id') or n}"
            at = self.at("schalen", n, item)
            self.unknown_keys(item, _KEYS["schalen"], where, at)
            sid = self.text(item, "id", where, at)
            options = []
            answers = item.get("antwoorden", [])
            if not isinstance(answers, list) or not all(isinstance(x, dict) for x in answers):
                self.add("def_veld_type", at("antwoorden"), waar=where, veld="antwoorden",
                         soort="een lijst [[schalen.antwoorden]]")
                answers = []
            places: dict[str, Callable[[], Place]] = {}      # looked up only for a finding
            for m, opt in enumerate(answers, 1):
                at_opt = lambda key, m=m: self.places.answer(n, m, item, key or "label")  # noqa: E731
                self.unknown_keys(opt, _KEYS["antwoorden"], where, at_opt)
                label = self.text(opt, "label", where, at_opt)
                kind = opt.get("soort", VALUE)
                if kind not in (VALUE, NVT, UNKNOWN):
                    self.add("def_schaal_fout", at_opt("soort"), id=sid,
                             detail=f"soort '{kind}' bij '{label}' moet waarde, nvt of onbekend zijn")
                    continue
                value = opt.get("waarde")
                if kind == VALUE and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                          and 0 <= value <= 1):
                    self.add("def_schaal_fout", at_opt("waarde"), id=sid,
                             detail=f"antwoord '{label}' heeft een waarde tussen 0 en 1 nodig")
                    continue
                aliases = self.text_list(opt, "synoniemen", where, at_opt)
                places[label] = functools.partial(at_opt, "synoniemen")
                options.append(Option(label, kind, float(value) if kind == VALUE and value is not None else None,
                                      tuple(str(a) for a in aliases)))
            forms: dict[str, str] = {}
            for o in options:
                for form in (o.label, *o.aliases):
                    key = form.strip().lower()
                    if key in forms and forms[key] != o.label:
                        self.add("def_schaal_fout", places.get(o.label, lambda: at(None))(), id=sid,
                                 detail=f"'{form}' staat bij zowel '{forms[key]}' als '{o.label}'")
                    forms[key] = o.label
            if not any(o.kind == VALUE and o.value == 1 for o in options):
                self.add("def_schaal_fout", at(None), id=sid, detail="er is geen antwoord met waarde 1 (behaald)")
            out.append(Scale(sid, self.text(item, "naam", where, at, required=False) or sid, tuple(options)))
        self.dupes([s.id for s in out], "schaal", "schalen")
        return out

    def _indicators(self, items, pillars, phases) -> list[Indicator]:
        pillar_ids = [p.id for p in pillars]
        phase_nums = [p.number for p in phases]
        out = []
        for n, item in enumerate(items, 1):
            iid = item.get("id")
            where = f"indicator {iid or n}"
            at = self.at("indicatoren", n, item)
            self.unknown_keys(item, _KEYS["indicatoren"], where, at)
            iid = self.text(item, "id", where, at)
            pillar = self.text(item, "pijler", where, at)
            if pillar and pillar not in pillar_ids:
                close = _close(pillar, pillar_ids, n=1)
                self.add("def_onbekende_pijler", at("pijler"), id=iid, pijler=pillar, keuzes=", ".join(pillar_ids),
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            phase = item.get("fase")
            if phase is None:
                self.add("def_veld_ontbreekt", at("fase"), waar=where, veld="fase")
                phase = 0
            elif phase not in phase_nums or isinstance(phase, bool):
                self.add("def_onbekende_fase", at("fase"), id=iid, fase=phase, keuzes=", ".join(map(str, phase_nums)))
            minimum = item.get("minimaal")
            if minimum is not None and (not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1):
                self.add("def_veld_type", at("minimaal"), waar=where, veld="minimaal",
                         soort="een geheel getal van 1 of meer")
                minimum = None
            opt = lambda key: self.text(item, key, where, at, required=False)  # noqa: E731
            out.append(Indicator(iid, pillar, phase if isinstance(phase, int) else 0,
                                 self.text(item, "naam", where, at), opt("betekenis"),
                                 self.text(item, "handvat", where, at),
                                 self.id_list(item, where, at), opt("thema"), minimum, opt("eerste_stap"),
                                 opt("eigenaar"), opt("klein"), self.text_list(item, "producten", where, at)))
        self.dupes([i.id for i in out], "indicator", "indicatoren")
        return out

    def _sources(self, data: dict) -> list[Source]:
        out = []
        for n, item in enumerate(data.get("bronnen", []) if isinstance(data.get("bronnen"), list) else [], 1):
            if not isinstance(item, dict):
                continue
            where = f"bron {item.get('id') or n}"
            at = self.at("bronnen", n, item)
            self.unknown_keys(item, _KEYS["bronnen"], where, at)
            year = item.get("jaar")
            if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
                self.add("def_veld_type", at("jaar"), waar=where, veld="jaar", soort="een jaartal")
                year = None
            out.append(Source(self.text(item, "id", where, at), self.text(item, "titel", where, at), year,
                              self.text(item, "adres", where, at, required=False),
                              self.text(item, "kort", where, at, required=False)))
        if "bronnen" in data and not isinstance(data["bronnen"], list):
            self.add("def_veld_type", self.places.table("bronnen"), waar="de definitie", veld="bronnen",
                     soort="een lijst [[bronnen]]")
        self.dupes([x.id for x in out], "bron", "bronnen")
        return out

    def _terms(self, data: dict) -> list[Term]:
        out = []
        items = data.get("begrippen", [])
        if not isinstance(items, list):
            self.add("def_veld_type", self.places.table("begrippen"), waar="de definitie", veld="begrippen",
                     soort="een lijst [[begrippen]]")
            return []
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            where = f"begrip {item.get('term') or n}"
            at = self.at("begrippen", n, item)
            self.unknown_keys(item, _KEYS["begrippen"], where, at)
            out.append(Term(self.text(item, "term", where, at), self.text(item, "uitleg", where, at),
                            self.text(item, "bron", where, at, required=False)))
        seen: set[str] = set()
        for n, t in enumerate(out, 1):
            if t.term.lower() in seen:
                self.add("def_dubbel_id", self.places.duplicate("begrippen", n, t.term), soort="begrip", id=t.term)
            seen.add(t.term.lower())
        return out

    def _questions(self, items, indicators, scales, default_scale, sources) -> list[Question]:
        ind_ids = [i.id for i in indicators]
        scale_ids = [s.id for s in scales]
        out = []
        for n, item in enumerate(items, 1):
            qid = item.get("id")
            where = f"vraag {qid or n}"
            at = self.at("vragen", n, item)
            self.unknown_keys(item, _KEYS["vragen"], where, at)
            qid = self.text(item, "id", where, at)
            ind = item.get("indicator")
            if not ind:
                if not at("indicator").reported:
                    self.add("def_vraag_zonder_indicator", at("indicator"), id=qid)
                ind = ""
            elif ind not in ind_ids:
                close = _close(str(ind), ind_ids, n=1)
                self.add("def_onbekende_indicator", at("indicator"), id=qid, indicator=ind,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            scale = item.get("schaal", default_scale)
            if scale not in scale_ids:
                self.add("def_onbekende_schaal", at("schaal"), id=qid, schaal=scale, keuzes=", ".join(scale_ids))
            bron = self.text(item, "bron", where, at)
            source_ids = [x.id for x in sources]
            if bron and sources and bron.split()[0] not in source_ids:
                close = _close(bron.split()[0], source_ids, n=1, cutoff=0.5)
                self.add("def_onbekende_bron", at("bron"), id=qid, bron=bron.split()[0],
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            opt = lambda key: self.text(item, key, where, at, required=False)  # noqa: E731
            ja_when, deels_when, nvt_when = opt("ja_als"), opt("deels_als"), opt("nvt_als")
            if (deels_when or nvt_when) and not ja_when:
                self.add("def_veld_ontbreekt", at("ja_als"), waar=where, veld="ja_als")
            out.append(Question(qid, str(ind), self.text(item, "vraag", where, at), opt("hulp"), str(scale),
                                bron, opt("sectie"), self.id_list(item, where, at), ja_when, deels_when, nvt_when,
                                opt("enquete")))
        self.dupes([q.id for q in out], "vraag", "vragen")
        return out

    def check_replaces(self, q: Questionnaire, prev: Questionnaire):
        """`vervangt` must name ids that exist in the earlier version."""
        prev_label = f"({prev.id} {prev.version})"
        known_q = {x.id for x in prev.questions}
        known_i = {x.id for x in prev.indicators}
        items: list[tuple[int, Question | Indicator, str, str, set[str]]] = [
            *((n, x, "vraag", "vragen", known_q) for n, x in enumerate(q.questions, 1)),
            *((n, x, "indicator", "indicatoren", known_i) for n, x in enumerate(q.indicators, 1))]
        for n, item, kind, table, known in items:
            for old in item.replaces:
                if old not in known:
                    self.add("def_vervangt_onbekend", self.places.field(table, n, {"id": item.id}, "vervangt"),
                             soort=kind, id=item.id, oud=old, vorige=prev_label)
