"""Load and validate a questionnaire definition (TOML).

TOML because Python reads it without a dependency (tomllib), it has no implicit typing
surprises (YAML 1.1 reads `no`/`off` as false), and it stays readable for RIEC staff who edit
a definition in a text editor. Validation collects every problem with the line it stands on.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
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
               "vervangt"},
    "bronnen": {"id", "titel", "kort", "jaar", "adres"},
    "begrippen": {"term", "uitleg", "bron"},
}
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
    if p.suffix.lower() == ".toml" or p.exists():
        return p
    candidate = builtin_dir() / f"{name_or_path}.toml"
    if candidate.is_file():
        return candidate
    return p


_LOADED: dict[tuple, Questionnaire] = {}


def candidates(names=()) -> list[Questionnaire]:
    """The definitions a run reads with: the given ones (the first is the main one), then the
    built-in ones, so that each workbook is read with the version it was made from (a
    0-meting on version 1 stays readable after version 2)."""
    given = [load(n) for n in names] or [load(None)]
    builtin = [load(n) for n in builtin_names()]
    return given + [b for b in builtin if (b.id, b.version) not in {(g.id, g.version) for g in given}]


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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        return None, [finding("def_onleesbaar", file=fname, line=int(m.group(1)) if m else None,
                              detail=_toml_dutch(str(exc)) + (f" (kolom {m.group(2)})" if m else ""))]
    v = _Validator(fname, text)
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


class _Validator:
    def __init__(self, fname: str, text: str):
        self.fname = fname
        self.lines = text.splitlines()
        self.findings: list[Finding] = []
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

    def add(self, code: str, line: int | None = None, **ctx):
        self.findings.append(finding(code, file=self.fname, line=line, **ctx))

    def text(self, item: dict, key: str, where: str, line, required=True) -> str:
        val = item.get(key)
        if val is None or (isinstance(val, str) and not val.strip()):
            if required:
                self.add("def_veld_ontbreekt", line, waar=where, veld=key)
            return ""
        if not isinstance(val, str):
            self.add("def_veld_type", line, waar=where, veld=key, soort="tekst")
            return str(val)
        return val.strip()

    def id_list(self, item: dict, where: str, line) -> tuple[str, ...]:
        val = item.get("vervangt", [])
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            self.add("def_veld_type", line, waar=where, veld="vervangt", soort="een lijst van id's")
            return ()
        return tuple(val)

    def unknown_keys(self, item: dict, allowed: set[str], where: str, line):
        for key in item:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                self.add("def_onbekend_veld", line, waar=where, veld=key,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")

    def table_list(self, data: dict, key: str) -> list[dict]:
        val = data.get(key, [])
        if not isinstance(val, list) or not all(isinstance(x, dict) for x in val):
            self.add("def_veld_type", None, waar="de definitie", veld=key, soort=f"een lijst [[{key}]]")
            return []
        if not val:
            self.add("def_leeg", None, soort=key)
        return val

    def dupes(self, items: list[tuple[str, int | None]], kind: str):
        seen: set[str] = set()
        for ident, line in items:
            if ident in seen:
                self.add("def_dubbel_id", self._nth_line(kind, ident), soort=kind, id=ident)
            seen.add(ident)

    def _nth_line(self, kind: str, ident: str) -> int | None:
        """For a duplicate, point at its second occurrence."""
        pat = re.compile(rf'^\s*id\s*=\s*"{re.escape(ident)}"')
        hits = [n for n, line in enumerate(self.lines, 1) if pat.match(line)]
        return hits[1] if len(hits) > 1 else (hits[0] if hits else None)

    def build(self, data: dict) -> Questionnaire | None:
        self.unknown_keys(data, _TOP_KEYS, "de definitie", None)
        qid = self.text(data, "id", "de definitie", None)
        version = str(data.get("versie", "")).strip()
        if not version:
            self.add("def_veld_ontbreekt", None, waar="de definitie", veld="versie")
        title = self.text(data, "titel", "de definitie", None)
        note = self.text(data, "toelichting", "de definitie", None, required=False)

        phases = self._phases(self.table_list(data, "fasen"))
        sources = self._sources(data)
        terms = self._terms(data)
        pillars = self._pillars(self.table_list(data, "pijlers"), len(phases))
        scales = self._scales(self.table_list(data, "schalen"))
        default_scale = data.get("standaard_schaal") or (scales[0].id if scales else "")
        indicators = self._indicators(self.table_list(data, "indicatoren"), pillars, phases)
        questions = self._questions(self.table_list(data, "vragen"), indicators, scales, default_scale, sources)

        # Structure: every indicator has questions; every pillar has indicators in every phase.
        asked: dict[str, int] = {}
        for qq in questions:
            asked[qq.indicator_id] = asked.get(qq.indicator_id, 0) + 1
        for ind in indicators:
            if ind.id not in asked:
                self.add("def_indicator_zonder_vragen", self.line_of("id", ind.id), id=ind.id)
            elif ind.minimum is not None and ind.minimum > asked[ind.id]:
                self.add("def_minimaal", self.line_of("id", ind.id), id=ind.id, minimaal=ind.minimum,
                         vragen=asked[ind.id])
        phase_numbers = [p.number for p in phases]
        for pil in pillars:
            have = {i.phase for i in indicators if i.pillar_id == pil.id}
            for n in phase_numbers:
                if n not in have:
                    self.add("def_fase_zonder_indicator", self.line_of("id", pil.id), pijler=pil.id, fase=n)
        expected = data.get("aantal_vragen")
        if expected is not None:
            if not isinstance(expected, int):
                self.add("def_veld_type", self.line_of("aantal_vragen", expected), waar="de definitie",
                         veld="aantal_vragen", soort="een geheel getal")
            elif expected != len(questions):
                self.add("def_aantal_vragen", self.line_of("aantal_vragen", expected),
                         verwacht=expected, gevonden=len(questions))
        if has_errors(self.findings):
            return None
        return Questionnaire(qid, version, title, note, tuple(phases), tuple(pillars), tuple(scales),
                             tuple(indicators), tuple(questions), path=self.fname,
                             sources=tuple(sources), terms=tuple(terms))

    def _phases(self, items: list[dict]) -> list[Phase]:
        out = []
        for n, item in enumerate(items, 1):
            where = f"fase {n}"
            num = item.get("nummer")
            line = self.line_of("nummer", num)
            self.unknown_keys(item, _KEYS["fasen"], where, line)
            if not isinstance(num, int) or isinstance(num, bool):
                self.add("def_veld_type", line, waar=where, veld="nummer", soort="een geheel getal")
                continue
            out.append(Phase(num, self.text(item, "naam", where, line),
                             self.text(item, "beschrijving", where, line, required=False)))
        numbers = [p.number for p in out]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            self.add("def_fasen_volgorde", None, nummers=", ".join(map(str, numbers)))
        return out

    def text_list(self, item: dict, key: str, where: str, line) -> tuple[str, ...]:
        val = item.get(key, [])
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            self.add("def_veld_type", line, waar=where, veld=key, soort='een lijst van teksten, zoals ["…", "…"]')
            return ()
        return tuple(x.strip() for x in val)

    def _pillars(self, items: list[dict], n_phases: int) -> list[Pillar]:
        out = []
        for n, item in enumerate(items, 1):
            line = self.line_of("id", item.get("id"))
            where = f"pijler {item.get('id') or n}"
            self.unknown_keys(item, _KEYS["pijlers"], where, line)
            pid = self.text(item, "id", where, line)
            texts = self.text_list(item, "fasen", where, line)
            if texts and len(texts) != n_phases:
                self.add("def_pijler_fasen", line, pijler=pid, gevonden=len(texts), fasen=n_phases)
            out.append(Pillar(pid, self.text(item, "naam", where, line),
                              self.text(item, "beschrijving", where, line, required=False), texts))
        self.dupes([(p.id, None) for p in out], "pijler")
        return out

    def _scales(self, items: list[dict]) -> list[Scale]:
        out = []
        for n, item in enumerate(items, 1):
            line = self.line_of("id", item.get("id"))
            where = f"schaal {item.get('id') or n}"
            self.unknown_keys(item, _KEYS["schalen"], where, line)
            sid = self.text(item, "id", where, line)
            options = []
            for opt in item.get("antwoorden", []):
                self.unknown_keys(opt, _KEYS["antwoorden"], where, line)
                label = self.text(opt, "label", where, line)
                kind = opt.get("soort", VALUE)
                if kind not in (VALUE, NVT, UNKNOWN):
                    self.add("def_schaal_fout", line, id=sid,
                             detail=f"soort '{kind}' bij '{label}' moet waarde, nvt of onbekend zijn")
                    continue
                value = opt.get("waarde")
                if kind == VALUE and not (isinstance(value, (int, float)) and 0 <= value <= 1):
                    self.add("def_schaal_fout", line, id=sid,
                             detail=f"antwoord '{label}' heeft een waarde tussen 0 en 1 nodig")
                    continue
                aliases = opt.get("synoniemen", [])
                options.append(Option(label, kind, float(value) if kind == VALUE else None,
                                      tuple(str(a) for a in aliases)))
            forms: dict[str, str] = {}
            for o in options:
                for form in (o.label, *o.aliases):
                    key = form.strip().lower()
                    if key in forms and forms[key] != o.label:
                        self.add("def_schaal_fout", line, id=sid,
                                 detail=f"'{form}' staat bij zowel '{forms[key]}' als '{o.label}'")
                    forms[key] = o.label
            if not any(o.kind == VALUE and o.value == 1 for o in options):
                self.add("def_schaal_fout", line, id=sid, detail="er is geen antwoord met waarde 1 (behaald)")
            out.append(Scale(sid, self.text(item, "naam", where, line, required=False) or sid, tuple(options)))
        self.dupes([(s.id, None) for s in out], "schaal")
        return out

    def _indicators(self, items, pillars, phases) -> list[Indicator]:
        pillar_ids = [p.id for p in pillars]
        phase_nums = [p.number for p in phases]
        out = []
        for n, item in enumerate(items, 1):
            iid = item.get("id")
            line = self.line_of("id", iid)
            where = f"indicator {iid or n}"
            self.unknown_keys(item, _KEYS["indicatoren"], where, line)
            iid = self.text(item, "id", where, line)
            pillar = self.text(item, "pijler", where, line)
            if pillar and pillar not in pillar_ids:
                close = difflib.get_close_matches(pillar, pillar_ids, n=1)
                self.add("def_onbekende_pijler", line, id=iid, pijler=pillar, keuzes=", ".join(pillar_ids),
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            phase = item.get("fase")
            if phase is None:
                self.add("def_veld_ontbreekt", line, waar=where, veld="fase")
                phase = 0
            elif phase not in phase_nums:
                self.add("def_onbekende_fase", line, id=iid, fase=phase, keuzes=", ".join(map(str, phase_nums)))
            minimum = item.get("minimaal")
            if minimum is not None and (not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1):
                self.add("def_veld_type", line, waar=where, veld="minimaal", soort="een geheel getal van 1 of meer")
                minimum = None
            opt = lambda key: self.text(item, key, where, line, required=False)  # noqa: E731
            out.append(Indicator(iid, pillar, phase if isinstance(phase, int) else 0,
                                 self.text(item, "naam", where, line), opt("betekenis"),
                                 self.text(item, "handvat", where, line),
                                 self.id_list(item, where, line), opt("thema"), minimum, opt("eerste_stap"),
                                 opt("eigenaar"), opt("klein"), self.text_list(item, "producten", where, line)))
        self.dupes([(i.id, None) for i in out], "indicator")
        return out

    def _sources(self, data: dict) -> list[Source]:
        out = []
        for n, item in enumerate(data.get("bronnen", []) if isinstance(data.get("bronnen"), list) else [], 1):
            if not isinstance(item, dict):
                continue
            line = self.line_of("id", item.get("id"))
            where = f"bron {item.get('id') or n}"
            self.unknown_keys(item, _KEYS["bronnen"], where, line)
            year = item.get("jaar")
            if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
                self.add("def_veld_type", line, waar=where, veld="jaar", soort="een jaartal")
                year = None
            out.append(Source(self.text(item, "id", where, line), self.text(item, "titel", where, line), year,
                              self.text(item, "adres", where, line, required=False),
                              self.text(item, "kort", where, line, required=False)))
        if "bronnen" in data and not isinstance(data["bronnen"], list):
            self.add("def_veld_type", None, waar="de definitie", veld="bronnen", soort="een lijst [[bronnen]]")
        self.dupes([(x.id, None) for x in out], "bron")
        return out

    def _terms(self, data: dict) -> list[Term]:
        out = []
        items = data.get("begrippen", [])
        if not isinstance(items, list):
            self.add("def_veld_type", None, waar="de definitie", veld="begrippen", soort="een lijst [[begrippen]]")
            return []
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            line = self.line_of("term", item.get("term"))
            where = f"begrip {item.get('term') or n}"
            self.unknown_keys(item, _KEYS["begrippen"], where, line)
            out.append(Term(self.text(item, "term", where, line), self.text(item, "uitleg", where, line),
                            self.text(item, "bron", where, line, required=False)))
        seen: set[str] = set()
        for t in out:
            if t.term.lower() in seen:
                self.add("def_dubbel_id", self.line_of("term", t.term), soort="begrip", id=t.term)
            seen.add(t.term.lower())
        return out

    def _questions(self, items, indicators, scales, default_scale, sources) -> list[Question]:
        ind_ids = [i.id for i in indicators]
        scale_ids = [s.id for s in scales]
        out = []
        for n, item in enumerate(items, 1):
            qid = item.get("id")
            line = self.line_of("id", qid)
            where = f"vraag {qid or n}"
            self.unknown_keys(item, _KEYS["vragen"], where, line)
            qid = self.text(item, "id", where, line)
            ind = item.get("indicator")
            if not ind:
                self.add("def_vraag_zonder_indicator", line, id=qid)
                ind = ""
            elif ind not in ind_ids:
                close = difflib.get_close_matches(str(ind), ind_ids, n=1)
                self.add("def_onbekende_indicator", line, id=qid, indicator=ind,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            scale = item.get("schaal", default_scale)
            if scale not in scale_ids:
                self.add("def_onbekende_schaal", line, id=qid, schaal=scale, keuzes=", ".join(scale_ids))
            bron = self.text(item, "bron", where, line)
            source_ids = [x.id for x in sources]
            if bron and sources and bron.split()[0] not in source_ids:
                close = difflib.get_close_matches(bron.split()[0], source_ids, n=1, cutoff=0.5)
                self.add("def_onbekende_bron", line, id=qid, bron=bron.split()[0],
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            opt = lambda key: self.text(item, key, where, line, required=False)  # noqa: E731
            ja_when, deels_when, nvt_when = opt("ja_als"), opt("deels_als"), opt("nvt_als")
            if (deels_when or nvt_when) and not ja_when:
                self.add("def_veld_ontbreekt", line, waar=where, veld="ja_als")
            out.append(Question(qid, str(ind), self.text(item, "vraag", where, line), opt("hulp"), str(scale),
                                bron, opt("sectie"), self.id_list(item, where, line), ja_when, deels_when, nvt_when))
        self.dupes([(q.id, None) for q in out], "vraag")
        return out

    def check_replaces(self, q: Questionnaire, prev: Questionnaire):
        """`vervangt` must name ids that exist in the earlier version."""
        prev_label = f"({prev.id} {prev.version})"
        known_q = {x.id for x in prev.questions}
        known_i = {x.id for x in prev.indicators}
        items: list[tuple[Question | Indicator, str, set[str]]] = [
            *((x, "vraag", known_q) for x in q.questions), *((x, "indicator", known_i) for x in q.indicators)]
        for item, kind, known in items:
            for old in item.replaces:
                if old not in known:
                    self.add("def_vervangt_onbekend", self.line_of("id", item.id), soort=kind,
                             id=item.id, oud=old, vorige=prev_label)
