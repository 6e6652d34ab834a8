"""Results as plain data: the JSON shape, the CSV rows and the analysts' frames, in one place."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from . import __version__, optional
from .findings import Finding
from .gemeenten import lookup
from .scoring import Result
from .text import display, json_safe


SCHEMA_VERSION = 3          # 2: onderbouwing and geraadpleegd, keuzemenu, handvat details; 3: enquête (basis, enquetes)
SCHEMA_FILE = "uitslag.schema.json"      # shipped in piramide/, validated against in the tests

# One language for keys in JSON, CSV and frames: Dutch, the language of the domain and of the
# users (gemeente, pijler, fase, ambitie, handvat have no English equal that RIECs use).
# gemeente_code: the CBS code ("GM0796"), empty when the name is no Dutch gemeente and always
# empty in an anonymous overview (the code names the gemeente).
REGION_COLUMNS = ["gemeente", "gemeente_code", "datum", "vragenlijst", "pijler", "fase", "score", "indicator", "status"]
RESULT_COLUMNS = ["gemeente", "datum", "vragenlijst", "pijler", "pijler_naam", "fase", "score", "ambitie",
                  "indicator", "indicator_naam", "indicator_fase", "status"]
TREND_COLUMNS = ["gemeente", "datum", "soort", "vragenlijst", "pijler", "pijler_naam", "fase", "score"]


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def _date(d) -> str | None:
    return d.isoformat() if d else None


def finding_to_dict(f: Finding) -> dict:
    return f.to_dict()


def questionnaire_label(q) -> str:
    return f"{q.id} {q.version}"


def gemeente_code(name: str) -> str | None:
    """The CBS code of the gemeente a typed name stands for, or None."""
    g = lookup(name)
    return g.code if g else None


def result_to_dict(r: Result) -> dict:
    m, q = r.measurement, r.questionnaire
    return {
        "gemeente": m.gemeente,
        "gemeente_code": gemeente_code(m.gemeente),
        "regio": m.regio,
        "datum": _date(m.datum),
        "soort": m.soort,
        "ingevuld_door": m.ingevuld_door,
        "geraadpleegd": m.geraadpleegd,
        "enquetes": list(m.surveys),
        "vragenlijst": {"id": q.id, "versie": q.version, "titel": q.title},
        "bron": {"bestand": display(m.source), "sha256": m.sha256},
        "geldig": r.valid,
        "pijlers": [{
            "id": p.pillar.id, "naam": p.pillar.name, "fase": p.phase, "fase_naam": p.phase_name,
            "score": _r(p.score), "voortgang_volgende_fase": _r(p.progress), "volgende_fase": p.next_phase,
            "ambitie": p.ambitie, "verschil_met_ambitie": p.gap, "te_beoordelen": p.judgeable,
            "losse_stenen": p.loose_stones, "beantwoord": p.answered, "vragen": p.total,
            "onderbouwing": dict(p.bases), "op_documenten": _r(p.on_documents),
            "uitleg": p.explanation,
            "indicatoren": [{
                "id": ir.indicator.id, "naam": ir.indicator.name, "fase": ir.indicator.phase,
                "status": ir.status, "gemiddelde": _r(ir.mean, 3), "minimaal": ir.indicator.minimum,
                "antwoorden": [{"vraag": qq.id, "antwoord": a.label or None, "soort": a.kind, "getypt": a.raw,
                                "toelichting": a.remark, "bepaald": a.basis, "bewijs": a.evidence,
                                "cel": f"{a.sheet}!{a.cell}" if a.cell else None}
                               for qq, a in ir.answers],
            } for ir in p.indicators],
        } for p in r.pillars],
        "verbeterpunten": [{"pijler": i.pillar.id, "indicator": i.indicator.indicator.id,
                            "fase": i.indicator.indicator.phase, "status": i.indicator.status,
                            "reden": i.reason, "handvat": i.indicator.indicator.handvat,
                            "eerste_stap": i.indicator.indicator.first_step,
                            "eigenaar": i.indicator.indicator.owner,
                            "kleine_gemeente": i.indicator.indicator.small,
                            "producten": list(i.indicator.indicator.products)}
                           for i in r.improvements],
        "meldingen": [finding_to_dict(f) for f in r.findings],
        **invullers_to_dict(m),
    }


def invullers_to_dict(m) -> dict:
    """Who filled the measurement in: one invuller for a single workbook; for a measurement of
    several invullers (combine.py) each with file and cell, and the questions they differ on."""
    from .combine import word
    people = m.invullers or []
    invullers = [{"naam": i.name, "bestand": display(i.source), "sha256": i.sha256, "cel": i.cell or None}
                 for i in people] or [{"naam": m.ingevuld_door, "bestand": display(m.source), "sha256": m.sha256,
                                       "cel": m.meta_cells.get("ingevuld_door")}]
    return {"invullers": invullers, "verschillen": [{
        "vraag": d.question_id, "genomen": d.taken.label or None, "waarom": d.why,
        "antwoorden": [{"invuller": i.name, "antwoord": a.label or None, "soort": a.kind, "getypt": a.raw,
                        "weergave": word(a), "toelichting": a.remark, "cel": f"{a.sheet}!{a.cell}" if a.cell else None}
                       for i, a in d.given]} for d in m.differences]}


def trend_to_dict(t) -> dict:
    return {"gemeente": t.gemeente, "gemeente_code": t.code, "metingen": [{
        "datum": _date(r.measurement.datum), "soort": r.measurement.soort,
        "ingevuld_door": r.measurement.ingevuld_door,
        "bron": {"bestand": display(r.measurement.source), "sha256": r.measurement.sha256},
        "vragenlijst": {"id": r.questionnaire.id, "versie": r.questionnaire.version},
        "pijlers": [{"id": p.pillar.id, "fase": p.phase, "score": _r(p.score)} for p in r.pillars],
    } for r in t.results], "meldingen": [finding_to_dict(f) for f in t.findings]}


def run_to_dict(run) -> dict:
    """The one JSON shape of a run, whatever the number of inputs and gemeenten: every input
    with its findings (failed and skipped ones too), and per gemeente the latest measurement,
    its trend and the dashboard written for it."""
    inputs = []
    for o in run.inputs:
        m = o.result.measurement if o.result is not None else None
        inputs.append({"bestand": display(str(o.path)), "status": o.status,
                       "sha256": m.sha256 if m else None, "gemeente": m.gemeente if m else None,
                       "datum": _date(m.datum) if m else None,
                       "ingevuld_door": m.ingevuld_door if m else None,
                       "meldingen": [finding_to_dict(f) for f in o.findings]})
    gemeenten = []
    for t in run.trends:
        dash = run.dashboards.get(t.gemeente)
        gemeenten.append({"gemeente": t.gemeente, "gemeente_code": t.code, "dashboard": display(str(dash)) if dash else None,
                          "laatste_meting": result_to_dict(t.latest), "trend": trend_to_dict(t),
                          "actieplan": plan.to_dict() if (plan := getattr(run, "plans", {}).get(t.gemeente)) else None})
    findings = run.findings
    return {
        "schema_version": SCHEMA_VERSION,
        "piramide_versie": __version__,
        "geldig": run.valid,
        "aantallen": {"invoer": len(run.inputs), "verwerkt": sum(o.status == "verwerkt" for o in run.inputs),
                      "mislukt": sum(o.status == "mislukt" for o in run.inputs),
                      "overgeslagen": sum(o.status == "overgeslagen" for o in run.inputs),
                      "gemeenten": len(run.trends), "fouten": sum(f.severity == "fout" for f in findings),
                      "waarschuwingen": sum(f.severity != "fout" for f in findings)},
        "invoer": inputs,
        "gemeenten": gemeenten,
    }


def run_json(run) -> str:
    """The run as JSON text, safe to encode as UTF-8 whatever the file names held."""
    import json
    return json_safe(json.dumps(run_to_dict(run), ensure_ascii=False, indent=2))


def _half_up(x: float | None) -> float | None:
    """One decimal, halves rounded up as a spreadsheet shows them (a mean phase of 1.25 is 1.3
    on the Regio sheet, so it is 1.3 here too; round() would give 1.2)."""
    from decimal import ROUND_HALF_UP, Decimal
    return None if x is None else float(Decimal(repr(x)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def overview_to_dict(ov) -> dict:
    """The region overview as plain data: per gemeente the latest phases, scores and distance
    to the ambitie; the regional average; the distribution; where each indicator is open."""
    return {
        "schema_version": SCHEMA_VERSION,
        "piramide_versie": __version__,
        "anoniem": ov.anonymous,
        "gemeenten": [{"gemeente": row.name,
                       "gemeente_code": None if ov.anonymous else row.trend.code,
                       "datum": ov.shown_date(row.latest.measurement.datum),
                       "vragenlijst": questionnaire_label(row.latest.questionnaire),
                       "pijlers": [{"id": p.pillar.id, "fase": p.phase, "score": _r(p.score),
                                    "ambitie": p.ambitie, "verschil_met_ambitie": p.gap}
                                   for p in row.latest.pillars]} for row in ov.rows],
        "gemiddelde_regio": [{"pijler": a.pillar_id, "fase": _half_up(a.phase), "score": _half_up(a.score),
                              "gemeenten": a.counted} for a in ov.averages()],
        "verdeling": ov.distribution(),
        "open_indicatoren": [{"indicator": o.indicator.id, "pijler": o.pillar_id, "fase": o.indicator.phase,
                              "open": o.open, "gemeten": o.measured, "open_bij": list(o.gemeenten)}
                             for o in ov.open_indicators()],
        "meldingen": [] if ov.anonymous else [finding_to_dict(f) for f in ov.findings],
    }


def result_rows(r: Result) -> list[dict]:
    """One tidy row per indicator: what analysts and Power BI want."""
    m, q = r.measurement, r.questionnaire
    rows = []
    for p in r.pillars:
        for ir in p.indicators:
            rows.append({"gemeente": m.gemeente, "datum": m.datum, "vragenlijst": questionnaire_label(q),
                         "pijler": p.pillar.id, "pijler_naam": p.pillar.name, "fase": p.phase,
                         "score": _r(p.score), "ambitie": p.ambitie, "indicator": ir.indicator.id,
                         "indicator_naam": ir.indicator.name, "indicator_fase": ir.indicator.phase,
                         "status": ir.status})
    return rows


def result_to_frame(r: Result):
    pd = optional.pandas()  # analysts only: never on the path of a single score
    return pd.DataFrame(result_rows(r), columns=RESULT_COLUMNS)


SLUG_MAX = 60      # with the rest of a dashboard's name well under every system's limit


def slug(name: str) -> str:
    """A file-name part valid on Windows and Linux: ASCII, lower case, hyphens, at most
    SLUG_MAX characters. Where letters are lost (another script) or the name is cut, a stable
    suffix from the full name keeps different names apart: "Москва" and "Київ" stay two."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    text = plain.encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    lost = sum(ch.isalnum() for ch in plain) != sum(ch.isalnum() for ch in text)
    if not lost and 0 < len(text) <= SLUG_MAX:
        return text
    suffix = hashlib.sha256(" ".join(name.split()).casefold().encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{text[:SLUG_MAX - 9].strip('-') or 'gemeente'}-{suffix}"
