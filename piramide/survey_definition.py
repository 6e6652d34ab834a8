"""Load and validate a survey definition (TOML), in the conventions of a piramide definition:
the same Dutch keys where they mean the same (`id`, `versie`, `titel`, `[[schalen]]` with
`[[schalen.antwoorden]]` and `synoniemen`, `[[vragen]]` with `vraag`, `[[bronnen]]`), and every
problem reported with the line it stands on.

    soort = "enquete"               # tells a survey from a piramide
    minimum_groep = 5               # optional; never below 5
    [[themas]]       id, naam, beschrijving
    [[schalen]]      id, naam; [[schalen.antwoorden]] label, synoniemen, telt_mee (default true)
    [[vragen]]       id, vraag, soort (keuze | groep | open), schaal, thema, synoniemen, bron
    [[indicatoren]]  id, naam, vraag, antwoorden (labels that count), minimaal | maximaal (percent),
                     thema, betekenis, bron
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import QuestionnaireError
from .findings import Finding, finding, has_errors
from .questionnaire import TomlPlaces, _close, _toml_dutch, _Validator
from .survey import KEUZE, KINDS, MIN_GROUP, OPEN, Choice, Survey, SurveyIndicator, SurveyQuestion, SurveyScale, Theme

DEFAULT = "medewerkersenquete"
KIND = "enquete"

_TOP = {"soort", "id", "versie", "titel", "toelichting", "minimum_groep", "themas", "schalen", "vragen",
        "indicatoren", "bronnen"}
_KEYS = {
    "themas": {"id", "naam", "beschrijving"},
    "schalen": {"id", "naam", "antwoorden"},
    "antwoorden": {"label", "synoniemen", "telt_mee"},
    "vragen": {"id", "vraag", "soort", "schaal", "thema", "synoniemen", "bron"},
    "indicatoren": {"id", "naam", "vraag", "antwoorden", "minimaal", "maximaal", "thema", "betekenis", "bron"},
    "bronnen": {"id", "titel", "kort", "jaar", "adres"},
}


def builtin_dir() -> Traversable:
    """The shipped surveys: `questionnaires/enquetes/` (package data), apart from the piramides."""
    return resources.files("piramide.questionnaires") / "enquetes"


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in builtin_dir().iterdir() if p.name.endswith(".toml"))


def resolve(name_or_path: str | Path | Traversable | None) -> Path | Traversable:
    if name_or_path is None:
        name_or_path = DEFAULT
    if not isinstance(name_or_path, (str, os.PathLike)):
        return name_or_path
    p = Path(name_or_path)
    if p.suffix.lower() == ".toml" or p.exists():
        return p
    candidate = builtin_dir() / f"{name_or_path}.toml"
    return candidate if candidate.is_file() else p


_LOADED: dict[str, Survey] = {}


def load(name_or_path: str | Path | Traversable | None = None) -> Survey:
    """A survey definition, raising QuestionnaireError when it has errors (warnings pass)."""
    path = resolve(name_or_path)
    key = str(path) if not isinstance(path, Path) else ""
    if key and key in _LOADED:
        return _LOADED[key]
    survey, findings = check(path)
    if survey is None:
        raise QuestionnaireError([f for f in findings if f.severity == "fout"])
    if key:
        _LOADED[key] = survey
    return survey


def check(name_or_path: str | Path | Traversable | None) -> tuple[Survey | None, list[Finding]]:
    path = resolve(name_or_path)
    fname = str(path)
    if isinstance(path, Path) and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _check_workbook(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return None, [finding("enq_def_bestaat_niet", file=fname, namen=", ".join(builtin_names()))]
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
    v = _SurveyValidator(fname, TomlPlaces(text))
    survey = v.build_survey(data, fname)
    if has_errors(v.findings):
        return None, v.findings
    return survey, v.findings


def _check_workbook(path: Path) -> tuple[Survey | None, list[Finding]]:
    """A survey definition authored in Excel (as `enquete export` writes it): the sheets of
    definition_layout.SURVEY, validated as the TOML is, with sheet and cell for each problem."""
    from . import definition_layout as D
    from .definition_workbook import read_definition
    fname = str(path)
    if not path.exists() and not path.is_symlink():
        return None, [finding("enq_def_bestaat_niet", file=fname, namen=", ".join(builtin_names()))]
    data, places, found = read_definition(path, D.SURVEY)
    if data is None:
        return None, found
    data.setdefault("soort", KIND)
    for scale in data.get("schalen", []):
        for answer in scale.get("antwoorden", []):
            if isinstance(answer.get("telt_mee"), str):
                word = answer["telt_mee"].strip().lower()
                answer["telt_mee"] = {"ja": True, "nee": False, "true": True, "false": False, "waar": True,
                                      "onwaar": False}.get(word, answer["telt_mee"])
    v = _SurveyValidator(fname, places)
    v.findings.extend(found)
    survey = v.build_survey(data, fname)
    if has_errors(v.findings):
        return None, v.findings
    return survey, v.findings


def to_data(s: Survey) -> dict:
    """The survey as the plain data of its TOML (and of its workbook), for writing either."""
    def keep(d: dict) -> dict:
        return {k: v for k, v in d.items() if v not in (None, "", (), [])}
    data = keep({"soort": KIND, "id": s.id, "versie": s.version, "titel": s.title, "toelichting": s.note,
                 "minimum_groep": s.min_group if s.min_group != MIN_GROUP else None})
    data["themas"] = [keep({"id": t.id, "naam": t.name, "beschrijving": t.description}) for t in s.themes]
    data["schalen"] = [{"id": sc.id, "naam": sc.name, "antwoorden": [
        keep({"label": c.label, "synoniemen": list(c.aliases), "telt_mee": None if c.counted else False})
        for c in sc.choices]} for sc in s.scales]
    data["vragen"] = [keep({"id": q.id, "vraag": q.text, "soort": q.kind if q.kind != KEUZE else None,
                            "schaal": q.scale_id, "thema": q.theme, "synoniemen": list(q.aliases), "bron": q.source})
                      for q in s.questions]
    data["indicatoren"] = [keep({"id": i.id, "naam": i.name, "vraag": i.question_id, "antwoorden": list(i.answers),
                                 "minimaal": i.minimum, "maximaal": i.maximum, "thema": i.theme,
                                 "betekenis": i.meaning, "bron": i.source}) for i in s.indicators]
    if s.sources:
        data["bronnen"] = [keep({"id": x.id, "titel": x.title, "kort": x.short, "jaar": x.year, "adres": x.url})
                           for x in s.sources]
    return {k: v for k, v in data.items() if v != []}


def to_toml(s: Survey) -> str:
    from .definition_toml import dumps
    return dumps(to_data(s), order=("themas", "schalen", "vragen", "indicatoren", "bronnen"))


def is_survey(data: dict) -> bool:
    return data.get("soort") == KIND


class _SurveyValidator(_Validator):

    def build_survey(self, data: dict, fname: str) -> Survey | None:
        places = self.places
        top = lambda key: places.top(key, data.get(key)) if isinstance(places, TomlPlaces) else places.setting(key)  # noqa: E731
        if data.get("soort") != KIND:
            self.add("enq_def_geen_enquete", top("soort"), soort=str(data.get("soort", "")) or "(leeg)")
            return None
        self.unknown_keys(data, _TOP, "de definitie", top)
        sid = self.text(data, "id", "de definitie", top)
        version = str(data.get("versie", "")).strip()
        if not version:
            self.add("def_veld_ontbreekt", top("versie"), waar="de definitie", veld="versie")
        title = self.text(data, "titel", "de definitie", top)
        note = self.text(data, "toelichting", "de definitie", top, required=False)
        min_group = data.get("minimum_groep", MIN_GROUP)
        if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < MIN_GROUP:
            self.add("enq_def_minimum", top("minimum_groep"), waarde=str(min_group), minimum=MIN_GROUP)
            min_group = MIN_GROUP
        themes = self._themes(data.get("themas", []) if isinstance(data.get("themas"), list) else [])
        scales = self._survey_scales(self.table_list(data, "schalen"))
        questions = self._survey_questions(self.table_list(data, "vragen"), scales, themes)
        indicators = self._survey_indicators(data.get("indicatoren", []) if isinstance(data.get("indicatoren"), list)
                                             else [], questions, scales, themes)
        sources = self._sources(data)
        if has_errors(self.findings):
            return None
        return Survey(sid, version, title, note, tuple(themes), tuple(scales), tuple(questions), tuple(indicators),
                      min_group, fname, tuple(sources))

    def _themes(self, items: list) -> list[Theme]:
        out = []
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            where = f"thema {item.get('id') or n}"
            at = self.at("themas", n, item)
            self.unknown_keys(item, _KEYS["themas"], where, at)
            out.append(Theme(self.text(item, "id", where, at), self.text(item, "naam", where, at),
                             self.text(item, "beschrijving", where, at, required=False)))
        self.dupes([t.id for t in out], "thema", "themas")
        return out

    def _survey_scales(self, items: list[dict]) -> list[SurveyScale]:
        out = []
        for n, item in enumerate(items, 1):
            where = f"schaal {item.get('id') or n}"
            at = self.at("schalen", n, item)
            self.unknown_keys(item, _KEYS["schalen"], where, at)
            sid = self.text(item, "id", where, at)
            answers = item.get("antwoorden", [])
            if not isinstance(answers, list) or not all(isinstance(x, dict) for x in answers) or not answers:
                self.add("def_veld_type", at("antwoorden"), waar=where, veld="antwoorden",
                         soort="een lijst [[schalen.antwoorden]]")
                answers = []
            choices: list[Choice] = []
            forms: dict[str, str] = {}
            for m, opt in enumerate(answers, 1):
                at_opt = lambda key, m=m, item=item, n=n: self.places.answer(n, m, item, key or "label")  # noqa: E731
                self.unknown_keys(opt, _KEYS["antwoorden"], where, at_opt)
                label = self.text(opt, "label", where, at_opt)
                counted = opt.get("telt_mee", True)
                if not isinstance(counted, bool):
                    self.add("def_veld_type", at_opt("telt_mee"), waar=where, veld="telt_mee", soort="true of false")
                    counted = True
                aliases = self.text_list(opt, "synoniemen", where, at_opt)
                for form in (label, *aliases):
                    key = " ".join(form.split()).lower()
                    if key in forms and forms[key] != label:
                        self.add("def_schaal_fout", at_opt("synoniemen"), id=sid,
                                 detail=f"'{form}' staat bij zowel '{forms[key]}' als '{label}'")
                    forms[key] = label
                choices.append(Choice(label, tuple(aliases), counted))
            out.append(SurveyScale(sid, self.text(item, "naam", where, at, required=False) or sid, tuple(choices)))
        self.dupes([s.id for s in out], "schaal", "schalen")
        return out

    def _survey_questions(self, items, scales, themes) -> list[SurveyQuestion]:
        scale_ids = [s.id for s in scales]
        theme_ids = [t.id for t in themes]
        out = []
        for n, item in enumerate(items, 1):
            where = f"vraag {item.get('id') or n}"
            at = self.at("vragen", n, item)
            self.unknown_keys(item, _KEYS["vragen"], where, at)
            qid = self.text(item, "id", where, at)
            text = self.text(item, "vraag", where, at)
            kind = item.get("soort", KEUZE)
            if kind not in KINDS:
                self.add("enq_def_soort_vraag", at("soort"), id=qid, soort=str(kind), keuzes=", ".join(KINDS))
                kind = KEUZE
            scale = self.text(item, "schaal", where, at, required=kind == KEUZE)
            if scale and scale not in scale_ids:
                self.add("def_onbekende_schaal", at("schaal"), id=qid, schaal=scale, keuzes=", ".join(scale_ids))
            if kind == OPEN and scale:
                self.add("enq_def_open_schaal", at("schaal"), id=qid)
            theme = self.text(item, "thema", where, at, required=False)
            if theme and theme not in theme_ids:
                close = _close(theme, theme_ids)
                self.add("enq_def_onbekend_thema", at("thema"), id=qid, thema=theme,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "", keuzes=", ".join(theme_ids) or "(geen)")
            out.append(SurveyQuestion(qid, text, kind, scale, theme, self.text_list(item, "synoniemen", where, at),
                                      self.text(item, "bron", where, at, required=False)))
        self.dupes([q.id for q in out], "vraag", "vragen")
        return out

    def _survey_indicators(self, items, questions, scales, themes) -> list[SurveyIndicator]:
        by_id = {q.id: q for q in questions}
        scale_of = {s.id: s for s in scales}
        theme_ids = [t.id for t in themes]
        out = []
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            where = f"indicator {item.get('id') or n}"
            at = self.at("indicatoren", n, item)
            self.unknown_keys(item, _KEYS["indicatoren"], where, at)
            iid = self.text(item, "id", where, at)
            name = self.text(item, "naam", where, at)
            qid = self.text(item, "vraag", where, at)
            q = by_id.get(qid)
            if qid and (q is None or q.kind != KEUZE):
                keuze = [x.id for x in questions if x.kind == KEUZE]
                close = _close(qid, keuze)
                self.add("enq_def_indicator_vraag", at("vraag"), id=iid, vraag=qid,
                         suggestie=f" (bedoelt u '{close[0]}'?)" if close else "")
            answers = self.text_list(item, "antwoorden", where, at)
            if not answers:
                self.add("def_veld_ontbreekt", at("antwoorden"), waar=where, veld="antwoorden")
            elif q is not None and q.kind == KEUZE and q.scale_id in scale_of:
                labels = {c.label for c in scale_of[q.scale_id].choices if c.counted}
                for a in answers:
                    if a not in labels:
                        self.add("enq_def_indicator_antwoord", at("antwoorden"), id=iid, antwoord=a,
                                 keuzes=", ".join(sorted(labels)))
            bounds, given = {}, [k for k in ("minimaal", "maximaal") if item.get(k) is not None]
            for key in given:
                val = item[key]
                if isinstance(val, bool) or not isinstance(val, (int, float)) or not 0 <= val <= 100:
                    self.add("def_veld_type", at(key), waar=where, veld=key, soort="een percentage van 0 tot 100")
                    continue
                bounds[key] = float(val)
            if len(given) != 1:
                self.add("enq_def_norm", at(None), id=iid)
            theme = self.text(item, "thema", where, at, required=False) or (q.theme if q else "")
            if theme and theme not in theme_ids:
                self.add("enq_def_onbekend_thema", at("thema"), id=iid, thema=theme, suggestie="",
                         keuzes=", ".join(theme_ids) or "(geen)")
            out.append(SurveyIndicator(iid, name, qid, answers, bounds.get("minimaal"), bounds.get("maximaal"), theme,
                                       self.text(item, "betekenis", where, at, required=False),
                                       self.text(item, "bron", where, at, required=False)))
        self.dupes([i.id for i in out], "indicator", "indicatoren")
        return out
