"""The report for the bestuur: an editable Word document made from a Word template.

Two steps, kept apart: `context(trend)` turns a gemeente's measurements into plain data (texts,
numbers, lists and dicts, all in Dutch typography: 18 maart 2026, 62 %), and `render` fills a
template with it through docxtpl (Jinja2 in Word). The built-in template is itself such a
template (piramide/sjablonen/rapport.docx); a RIEC may copy it and give its own with
--sjabloon. PLACEHOLDERS documents every name a template can use.

A template is untrusted input: it is gated like a workbook (a regular file, its size, zip bomb,
no DOCTYPE), and Jinja2 runs in a sandbox that sees only plain data: no attribute of any other
object, no underscore names, no huge strings or ranges, and a time limit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, charts, dutch
from .errors import PiramideError
from .output import write_atomic
from .scoring import DEELS, NIET_BEHAALD, ONBEKEND, Improvement, PillarResult, Result
from .text import for_file, round_pct
from .wording import score_legend

if TYPE_CHECKING:
    from .history import Trend
    from .regional import Overview

BUILTIN = "rapport.docx"
BUILTIN_REGIO = "regio.docx"
RENDER_SECONDS = 60               # a template that loops for longer is stopped
MAX_TEXT = 1_000_000              # characters one expression may build ('x' * 10**9 is refused)


class TemplateError(PiramideError):
    """The template cannot be used; the message says where and what to do."""


def builtin_template(name: str = BUILTIN) -> bytes:
    return resources.files("piramide").joinpath("sjablonen", name).read_bytes()


# --- the data a template sees -------------------------------------------------------------------

STATUS_WORDS = {DEELS: "deels behaald", NIET_BEHAALD: "niet behaald", ONBEKEND: "onbekend"}


def _phase_text(pr: PillarResult) -> str:
    if not pr.judgeable:
        return "niet te beoordelen"
    return f"fase {pr.phase} ({pr.phase_name})" if pr.phase else "nog geen fase"


def _score_change(before: PillarResult, after: PillarResult) -> int | None:
    """The change in whole points, as the scores are shown; None when one cannot be judged."""
    if before.score is None or after.score is None:
        return None
    return round_pct(after.score) - round_pct(before.score)


def _change(before: PillarResult | None, after: PillarResult) -> str:
    """'fase 1 → 2, score +8 procentpunt'; '' when there is nothing to compare."""
    if before is None:
        return ""
    phase = f"fase {before.phase} \u2192 {after.phase}" if before.phase != after.phase else f"fase {after.phase} gelijk"
    d = _score_change(before, after)
    return phase if d is None else f"{phase}, score {dutch.points(d)}"


def _short_change(before: PillarResult | None, after: PillarResult) -> str:
    """'1 → 2 (score +8)' for a table cell; '–' when there is nothing to compare."""
    if before is None:
        return "–"
    phase = f"{before.phase} \u2192 {after.phase}" if before.phase != after.phase else f"{after.phase}, gelijk"
    d = _score_change(before, after)
    return phase if d is None else f"{phase} (score {dutch.signed(d)})"


def _gap(pr: PillarResult) -> str:
    if pr.ambitie is None or pr.gap is None:
        return "geen ambitie opgegeven"
    if pr.gap <= 0:
        return "ambitie bereikt"
    return f"nog {dutch.count_word(pr.gap, 'fase', 'fasen')}"


def _step(n: int, imp: Improvement) -> dict[str, Any]:
    ind = imp.indicator.indicator
    return {"nummer": n, "pijler": imp.pillar.name, "indicator": ind.name, "code": ind.id, "fase": ind.phase,
            "wat": ind.first_step or ind.handvat, "eigenaar": ind.owner, "reden": imp.reason}


def _recommendation(imp: Improvement) -> dict[str, Any]:
    ind, ir = imp.indicator.indicator, imp.indicator
    return {"indicator": ind.name, "code": ind.id, "fase": ind.phase, "status": STATUS_WORDS.get(ir.status, ir.status),
            "reden": imp.reason, "handvat": ind.handvat, "eerste_stap": ind.first_step, "eigenaar": ind.owner,
            "klein": ind.small, "producten": dutch.and_list(list(ind.products))}


def _stones(r: Result, pr: PillarResult) -> str:
    if not pr.loose_stones:
        return ""
    names = [f"{r.questionnaire.indicator(i).name} ({i})" for i in pr.loose_stones]
    return (f"Al behaald boven de bereikte fase ({'een losse steen' if len(names) == 1 else 'losse stenen'}): "
            f"{dutch.and_list(names)}. Dat werk staat nog op een ontbrekende basis: het telt pas mee als de "
            "lagere fasen ook bereikt zijn.")


def _situation(pr: PillarResult) -> str:
    if not pr.judgeable:
        return "Deze pijler is niet te beoordelen: alle vragen zijn met n.v.t. beantwoord."
    where = f"De gemeente staat in fase {pr.phase} ({pr.phase_name})" if pr.phase else \
        "De gemeente heeft in deze pijler nog geen fase bereikt"
    text = f"{where}, met een score van {dutch.pct(pr.score)}."
    if pr.progress is not None and pr.next_phase is not None:
        text += f" Van de indicatoren van fase {pr.next_phase} is {dutch.pct(pr.progress)} behaald."
    return text


def _wanted(r: Result, pr: PillarResult) -> str:
    q = r.questionnaire
    if pr.ambitie is None:
        return ("Er is geen ambitie opgegeven voor deze pijler. Leg vast welke fase de gemeente wil bereiken "
                "(op het voorblad van het invulwerkboek), zodat de volgende meting de afstand laat zien.")
    meaning = pr.pillar.phase_text(pr.ambitie)
    name = q.phase_name(pr.ambitie)
    if meaning.lower().startswith(name.lower() + ":"):
        meaning = meaning[len(name) + 1:].strip()
    text = f"De gemeente wil fase {pr.ambitie} ({name}) bereiken."
    if meaning:
        text += f" Dat betekent hier: {meaning[:1].lower() + meaning[1:]}".rstrip(".") + "."
    if pr.gap is not None and pr.gap > 0:
        text += f" Daarvoor is nog {dutch.count_word(pr.gap, 'fase', 'fasen')} nodig."
    elif pr.gap is not None:
        text += " Die ambitie is bereikt."
    return text


def _answers(r: Result) -> list[dict[str, Any]]:
    out = []
    for pr in r.pillars:
        rows = []
        for ir in pr.indicators:
            for qq, a in ir.answers:
                word = a.label or ("leeg" if a.kind == "leeg" else f"ongeldig ({a.raw})")
                rows.append({"id": qq.id, "indicator": ir.indicator.id, "vraag": qq.text, "antwoord": word,
                             "toelichting": a.remark, "bepaald": a.basis, "bewijs": a.evidence})
        order = {qq.id: i for i, qq in enumerate(r.questionnaire.questions)}
        rows.sort(key=lambda x: order.get(x["id"], 0))
        out.append({"id": pr.pillar.id, "naam": pr.pillar.name, "antwoorden": rows})
    return out


def _summary(r: Result, steps: list) -> str:
    prs = [p for p in r.pillars if p.judgeable]
    if not prs:
        return "Geen van de pijlers is te beoordelen: alle vragen zijn met n.v.t. beantwoord."
    low = min(p.phase for p in prs)
    lowest = [p.pillar.name for p in prs if p.phase == low]
    amb = [p for p in prs if p.gap is not None]
    reached = [p for p in amb if p.gap is not None and p.gap <= 0]
    text = (f"De gemeente staat in {dutch.count_word(len(prs), 'pijler', 'pijlers')} op gemiddeld fase "
            f"{dutch.decimal(sum(p.phase for p in prs) / len(prs))}. Het laagst staat "
            f"{dutch.and_list(lowest)} ({'nog geen fase' if low == 0 else f'fase {low}'}).")
    if amb:
        how_many = "geen" if not reached else str(len(reached))
        text += f" De ambitie is bereikt in {how_many} van de {len(amb)} pijlers met een ambitie."
    if steps:
        text += (" De eerste stappen hieronder zijn de open indicatoren van de laagste fase die nog niet is "
                 "bereikt: een piramide wordt van onderaf gebouwd.")
    return text


def context(trend: Trend, today: dt.date | None = None) -> dict[str, Any]:
    """Everything a report template can show, as plain data (see PLACEHOLDERS)."""
    r = trend.latest
    m, q = r.measurement, r.questionnaire
    prev = trend.previous
    base = trend.baseline if trend.baseline is not r else None
    steps = [_step(n, imp) for n, imp in enumerate(r.first_steps, 1)]
    pillars = []
    for pr in r.pillars:
        before = prev.pillar(pr.pillar.id) if prev is not None and _has(prev, pr.pillar.id) else None
        first = base.pillar(pr.pillar.id) if base is not None and _has(base, pr.pillar.id) else None
        history = [p for res in trend.results if (p := _find(res, pr.pillar.id)) is not None]
        pillars.append({
            "id": pr.pillar.id, "naam": pr.pillar.name, "fase": pr.phase, "fasenaam": pr.phase_name,
            "fase_tekst": _phase_text(pr), "score": dutch.pct(pr.score),
            "ambitie": str(pr.ambitie) if pr.ambitie else "–", "afstand": _gap(pr),
            "sinds_vorige": _change(before, pr) or "–", "sinds_nulmeting": _change(first, pr) or "–",
            "sinds_vorige_kort": _short_change(before, pr), "sinds_nulmeting_kort": _short_change(first, pr),
            "verloop": " \u2192 ".join(f"fase {p.phase} ({dutch.pct(p.score)})" for p in history),
            "huidige_situatie": _situation(pr), "waarom": pr.explanation, "losse_stenen": _stones(r, pr),
            "op_documenten": dutch.pct(pr.on_documents, missing=""),
            "gewenste_situatie": _wanted(r, pr),
            "aanbevelingen": [_recommendation(imp) for imp in r.improvements if imp.pillar.id == pr.pillar.id],
        })
    measurements = [{"datum": dutch.date(res.measurement.datum), "soort": res.measurement.soort or "meting",
                     "bestand": for_file(Path(res.measurement.source).name), "sha256": res.measurement.sha256,
                     "vragenlijst": res.questionnaire.label()} for res in trend.results]
    return {
        "titel": q.title, "gemeente": trend.gemeente, "regio": m.regio, "datum": dutch.date(m.datum),
        "soort": m.soort or "meting", "ingevuld_door": m.ingevuld_door, "geraadpleegd": m.geraadpleegd,
        "vragenlijst": q.label(), "gemaakt_op": dutch.date(today or dt.date.today()), "versie": __version__,
        "vertrouwelijk": "Vertrouwelijk",
        "vorige_meting": dutch.date(prev.measurement.datum) if prev else "",
        "nulmeting": dutch.date(base.measurement.datum) if base else "",
        "aantal_metingen": len(trend.results), "samenvatting": _summary(r, steps),
        "eerste_stappen": steps, "pijlers": pillars, "metingen": measurements, "bijlage": _answers(r),
        "fasen": [{"nummer": p.number, "naam": p.name, "beschrijving": p.description} for p in q.phases],
        "over_de_vragenlijst": q.note, "rekenregel": score_legend(q),
    }


def _find(r: Result, pid: str) -> PillarResult | None:
    return next((p for p in r.pillars if p.pillar.id == pid), None)


def _has(r: Result, pid: str) -> bool:
    return _find(r, pid) is not None


def region_context(ov: Overview, today: dt.date | None = None) -> dict[str, Any]:
    """What the region report shows, as plain data (see PLACEHOLDERS_REGIO)."""
    q = ov.questionnaire
    dist = ov.distribution()
    rows = []
    for row in ov.rows:
        r = row.latest
        rows.append({"gemeente": row.name, "datum": dutch.date(r.measurement.datum),
                     "fasen": [{"pijler": p.pillar.id, "fase": p.phase if p.judgeable else "–"} for p in r.pillars],
                     "fasen_tekst": ", ".join(f"{p.pillar.id} {p.phase if p.judgeable else '–'}" for p in r.pillars)})
    averages = {a.pillar_id: a for a in ov.averages()}
    pillars = [{"id": p.id, "naam": p.name,
                "verdeling": ", ".join(f"{n} in {'geen fase' if k == 0 else f'fase {k}'}"
                                       for k, n in enumerate(dist[p.id]) if n),
                "gemiddelde_fase": dutch.decimal(averages[p.id].phase if p.id in averages else None),
                "gemiddelde_score": dutch.pct(averages[p.id].score if p.id in averages else None)}
               for p in q.pillars]
    opens = [{"indicator": o.indicator.name, "code": o.indicator.id, "pijler": q.pillar(o.pillar_id).name
              if o.pillar_id in {p.id for p in q.pillars} else o.pillar_id,
              "fase": o.indicator.phase, "aantal": o.open, "gemeten": o.measured,
              "gemeenten": dutch.and_list(list(o.gemeenten)), "handvat": o.indicator.handvat}
             for o in ov.open_indicators()]
    return {"titel": q.title, "vragenlijst": q.label(), "aantal_gemeenten": len(ov.rows),
            "gemaakt_op": dutch.date(today or dt.date.today()), "versie": __version__,
            "vertrouwelijk": "Vertrouwelijk", "gemeenten": rows, "pijlers": pillars,
            "open_indicatoren": opens[:15], "aantal_open": len(opens),
            "fasen": [{"nummer": p.number, "naam": p.name} for p in q.phases]}


# What a template can use: the names, for the README and for the message about an unknown one.
PLACEHOLDERS = {
    "titel": "de titel van de vragenlijst", "gemeente": "de naam van de gemeente", "regio": "de regio (RIEC)",
    "datum": "de datum van de laatste meting (18 maart 2026)", "soort": "0-meting, vervolgmeting, …",
    "ingevuld_door": "wie de meting invulde", "geraadpleegd": "wie er geraadpleegd is",
    "vragenlijst": "de vragenlijst met versie", "gemaakt_op": "de datum van vandaag", "versie": "de versie van piramide",
    "vertrouwelijk": "het woord Vertrouwelijk", "vorige_meting": "de datum van de vorige meting (leeg bij één)",
    "nulmeting": "de datum van de 0-meting (leeg bij één)", "aantal_metingen": "het aantal metingen",
    "samenvatting": "een alinea met de stand in het kort", "eerste_stappen": "lijst: nummer, pijler, indicator, code, "
    "fase, wat, eigenaar, reden", "pijlers": "lijst per pijler: id, naam, fase, fasenaam, fase_tekst, score, ambitie, "
    "afstand, sinds_vorige, sinds_nulmeting, verloop, huidige_situatie, waarom, losse_stenen, op_documenten, "
    "gewenste_situatie, aanbevelingen (indicator, code, fase, status, reden, handvat, eerste_stap, eigenaar, klein, "
    "producten) en piramide (plaatje)", "metingen": "lijst: datum, soort, bestand, sha256, vragenlijst",
    "bijlage": "lijst per pijler: id, naam, antwoorden (id, indicator, vraag, antwoord, toelichting, bepaald, bewijs)",
    "fasen": "lijst: nummer, naam, beschrijving", "over_de_vragenlijst": "de toelichting bij de vragenlijst",
    "trendgrafiek": "plaatje: de score per pijler over alle metingen (leeg bij één meting)",
    "rekenregel": "hoe de antwoorden tellen (ja = 1, deels = 0,5, …), volgens de vragenlijst",
}
PLACEHOLDERS_REGIO = {
    "titel": "de titel van de vragenlijst", "vragenlijst": "de vragenlijst met versie",
    "aantal_gemeenten": "het aantal gemeenten", "gemaakt_op": "de datum van vandaag", "versie": "de versie van piramide",
    "vertrouwelijk": "het woord Vertrouwelijk", "gemeenten": "lijst: gemeente, datum, fasen_tekst, fasen (pijler, fase)",
    "pijlers": "lijst: id, naam, verdeling, gemiddelde_fase, gemiddelde_score",
    "open_indicatoren": "de 15 vaakst open indicatoren, fundamenten eerst: indicator, code, pijler, fase, aantal, "
    "gemeten, gemeenten, handvat", "aantal_open": "het aantal open indicatoren", "fasen": "lijst: nummer, naam",
    "verdeling_grafiek": "plaatje: gemeenten per fase per pijler", "heatmap": "plaatje: fase per gemeente en pijler",
}


# --- the sandbox ----------------------------------------------------------------------------------

_DATA = (dict, list, tuple, str, int, float, bool, type(None))


def _environment():
    """A Jinja2 sandbox that sees only plain data: no attributes of other objects (the pictures
    are objects of docxtpl and stay closed), no changing of lists or dicts, no underscore names,
    strings and ranges of bounded size; autoescape, so text from cells cannot break the XML;
    an unknown placeholder is an error, never an empty space."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "+"])

        def is_safe_attribute(self, obj, attr, value):
            return type(obj) in _DATA and super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and right > 64:
                raise SecurityError("een te grote macht")
            result = super().call_binop(context, operator, left, right)
            if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
                raise SecurityError("een te lange tekst of lijst")
            return result

    return Sandbox(autoescape=True, undefined=StrictUndefined, trim_blocks=False)


# --- filling a template ------------------------------------------------------------------------

def _where(exc) -> str:
    lines = [" ".join(str(x).split()) for x in getattr(exc, "docx_context", []) or []]
    near = " ".join(x for x in lines if x)[:160]
    return f" (bij: “{near}”)" if near else ""


def _unknown(names: set[str], known: dict[str, str]) -> str:
    parts = []
    for name in sorted(names):
        close = difflib.get_close_matches(name, list(known), n=1)
        parts.append(f"'{name}'" + (f" (bedoelt u '{close[0]}'?)" if close else ""))
    return ", ".join(parts)


Pictures = dict[str, tuple["bytes | list[bytes]", float]]


def render(template: bytes, data: dict[str, Any], pictures: Pictures,
           label: str = "het sjabloon", known: dict[str, str] | None = None) -> bytes:
    """Fill a Word template (its bytes, already gated) with `data` and `pictures` (PNG bytes
    and a width in cm, by placeholder; "pijlers.piramide" is a list, one per pillar in order,
    and "" leaves a placeholder empty). The document's bytes."""
    from .optional import docxtpl
    tpl_mod = docxtpl()
    from jinja2 import TemplateError as JinjaError
    from jinja2 import UndefinedError
    from jinja2.sandbox import SecurityError
    from docx.shared import Cm
    known = known if known is not None else PLACEHOLDERS
    try:
        tpl = tpl_mod.DocxTemplate(io.BytesIO(template))
        tpl.render_init()
    except Exception as exc:  # noqa: BLE001 - whatever a damaged document raises, it is one message
        raise TemplateError(f"{label}: dit is geen bruikbaar Word-document ({type(exc).__name__}). Sla het in Word "
                            "op als .docx (Word-document) en probeer opnieuw.") from None
    env = _environment()
    ctx = dict(data)
    for name, (png, width) in pictures.items():
        if isinstance(png, list):
            outer, inner = name.split(".")
            for item, one in zip(ctx.get(outer, []), png):
                item[inner] = tpl_mod.InlineImage(tpl, io.BytesIO(one), width=Cm(width))
        else:
            ctx[name] = tpl_mod.InlineImage(tpl, io.BytesIO(png), width=Cm(width)) if png else ""
    try:
        undeclared = tpl.get_undeclared_template_variables(env) - set(ctx)
    except JinjaError as exc:
        raise TemplateError(_syntax(label, exc)) from None
    except Exception as exc:  # noqa: BLE001
        raise TemplateError(f"{label}: dit is geen bruikbaar Word-document ({type(exc).__name__}). Sla het in Word "
                            "op als .docx (Word-document) en probeer opnieuw.") from None
    if undeclared:
        raise TemplateError(f"{label}: onbekende plaatshouder {_unknown(undeclared, known)}. Gebruik alleen de "
                            "plaatshouders uit de README (Het rapport voor het bestuur), of verbeter de spelling.")
    try:
        with _time_limit(RENDER_SECONDS):
            tpl.render(ctx, jinja_env=env, autoescape=True)
            buf = io.BytesIO()
            tpl.save(buf)
    except SecurityError as exc:
        raise TemplateError(f"{label}: het sjabloon probeert iets wat een sjabloon niet mag ({exc}). Een sjabloon "
                            "kan alleen de plaatshouders tonen; verwijder die code.") from None
    except UndefinedError as exc:
        raise TemplateError(f"{label}: onbekende plaatshouder: {exc.message}{_where(exc)}. Gebruik alleen de "
                            "plaatshouders uit de README (Het rapport voor het bestuur).") from None
    except JinjaError as exc:
        raise TemplateError(_syntax(label, exc)) from None
    except _TooSlow:
        raise TemplateError(f"{label}: het vullen van het sjabloon duurde langer dan {RENDER_SECONDS} seconden en "
                            "is gestopt. Controleer de lussen ({%for %}) in het sjabloon.") from None
    except Exception as exc:  # noqa: BLE001 - a template can fail in many ways; never a traceback
        raise TemplateError(f"{label}: het sjabloon kan niet worden gevuld ({type(exc).__name__}: "
                            f"{str(exc)[:200]}). Controleer de plaatshouders en de {{%…%}}-codes.") from None
    return buf.getvalue()


def _syntax(label: str, exc) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    return (f"{label}: fout in de opmaak van een plaatshouder: {msg}{_where(exc)}. Controleer dat elke {{{{ een }}}} "
            "heeft, elke {% een %}, en elke {%p if %} of {%tr for %} een {%p endif %} of {%tr endfor %}.")


class _TooSlow(Exception):
    pass


class _time_limit:
    """Stop a render that takes too long (Unix, main thread; elsewhere no limit)."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.old: Any = None

    def __enter__(self):
        import signal
        import threading
        if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
            def stop(signum, frame):
                raise _TooSlow()
            self.old = signal.signal(signal.SIGALRM, stop)
            signal.alarm(self.seconds)
        return self

    def __exit__(self, *exc):
        import signal
        if self.old is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def read_template(path: str | Path) -> bytes:
    """The bytes of a RIEC's template, once it is known to be a Word document that is safe to
    open (see gate.read_document)."""
    from .gate import read_document
    from .errors import InputError
    try:
        return read_document(path)
    except InputError as exc:
        raise TemplateError(f"--sjabloon {for_file(str(path))}: {exc.finding.message}") from None


def build(trend: Trend, template: bytes | None = None, label: str = "het sjabloon",
          today: dt.date | None = None) -> bytes:
    """The report of one gemeente as .docx bytes."""
    from .optional import rapport
    rapport()
    data = context(trend, today)
    r = trend.latest
    pictures: Pictures = {
        "pijlers.piramide": ([charts.pyramid(pr, r.questionnaire) for pr in r.pillars], 11.0),
        "trendgrafiek": (charts.trend(trend) if len(trend.results) > 1 else b"", 16.0),
    }
    return render(template if template is not None else builtin_template(), data, pictures, label, PLACEHOLDERS)


def build_region(ov: Overview, template: bytes | None = None, label: str = "het sjabloon",
                 today: dt.date | None = None) -> bytes:
    from .optional import rapport
    rapport()
    data = region_context(ov, today)
    pictures: Pictures = {"verdeling_grafiek": (charts.distribution(ov), 16.0), "heatmap": (charts.heatmap(ov), 16.0)}
    return render(template if template is not None else builtin_template(BUILTIN_REGIO), data, pictures, label,
                  PLACEHOLDERS_REGIO)


def write_rapport(trend: Trend, path: str | Path, template: bytes | None = None, replace: bool = True,
                  label: str = "het sjabloon") -> Path:
    return write_atomic(Path(path), build(trend, template, label), replace=replace)


def write_region_rapport(ov: Overview, path: str | Path, template: bytes | None = None, replace: bool = True,
                         label: str = "het sjabloon") -> Path:
    return write_atomic(Path(path), build_region(ov, template, label), replace=replace)
