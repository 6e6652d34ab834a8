"""Survey results as plain data: the JSON shape and the tidy CSV rows.

Only what the SurveyResult shows: a hidden group is neither named nor counted on its own (only
how many groups are hidden and how many respondents they hold together), a tally that is not
shown has no figures, and a survey with fewer respondents than the minimum has no figures at
all. Dutch keys, as in serialize.py.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from . import __version__
from .output import write_atomic
from .survey import KEUZE, SurveyResult
from .text import display, json_safe

SCHEMA = "piramide-enquete"
SCHEMA_VERSION = 1
TOTAL = "Totaal"         # the grouping (and group) of the whole survey in the CSV
CSV_COLUMNS = ["gemeente", "periode", "enquete", "indeling", "groep", "respondenten", "indicator", "indicator_naam",
               "thema", "norm", "aandeel", "n", "behaald"]


def _pct(x: float | None) -> float | None:
    """A share in percent with one decimal, halves rounded up as a spreadsheet shows them."""
    return None if x is None else float(Decimal(repr(x)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _indicator(ir) -> dict:
    return {"id": ir.indicator.id, "aandeel": _pct(ir.share), "n": ir.n if ir.share is not None else None,
            "behaald": ir.met}


def to_dict(result: SurveyResult) -> dict:
    """The JSON shape of one survey result (schema piramide-enquete, version 1)."""
    s = result.survey
    shown = result.shown
    indicators = []
    for ind in s.indicators:
        ir = result.indicators.get(ind.id)
        if ir is None:
            continue
        theme = s.theme(ind.theme)
        indicators.append({**_indicator(ir), "naam": ind.name, "thema": ind.theme or None,
                           "thema_naam": theme.name if theme else None, "vraag": ind.question_id,
                           "antwoorden": list(ind.answers), "norm": ind.norm_text(), "minimaal": ind.minimum,
                           "maximaal": ind.maximum, "gevraagd": ir.asked})
    questions = []
    for q in s.of_kind(KEUZE):
        t = result.tallies.get(q.id)
        entry: dict = {"id": q.id, "vraag": q.text, "thema": q.theme or None, "gevraagd": t is not None,
                       "getoond": bool(t and t.shown), "n": None, "antwoorden": []}
        if t is not None and t.shown:
            entry["n"] = t.n
            entry["antwoorden"] = [{"antwoord": c.label, "aantal": t.counts.get(c.label, 0),
                                    "aandeel": _pct(100 * t.counts.get(c.label, 0) / t.n) if t.n else None}
                                   for c in s.scale(q.scale_id).choices if c.counted]
        questions.append(entry)
    groupings = []
    if shown:
        for g in result.groupings:
            groupings.append({
                "vraag": g.question.id, "tekst": g.question.text,
                "groepen": [{"naam": display(gr.name), "respondenten": gr.size,
                             "indicatoren": [_indicator(ir) for ir in gr.indicators.values()]}
                            for gr in g.groups if gr.shown],
                "niet_getoond": {"groepen": g.hidden, "respondenten": g.hidden_size},
            })
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "piramide_versie": __version__,
        "enquete": {"id": s.id, "versie": s.version, "titel": s.title},
        "gemeente": display(result.gemeente) or None,
        "periode": result.period or None,
        "bronnen": [{"bestand": display(name), "sha256": sha} for name, sha in result.sources],
        "minimum_groep": result.min_group,
        "respondenten": result.respondents,
        "getoond": shown,
        "indicatoren": indicators if shown else [{**i, "aandeel": None, "n": None, "behaald": None} for i in indicators],
        "vragen": questions if shown else [],
        "indelingen": groupings,
        "vrije_tekst": [{"vraag": qid, "antwoorden": [display(t) if "\n" not in t else "\n".join(map(display, t.split("\n")))
                                                      for t in texts]}
                        for qid, texts in result.texts.items()] if shown else [],
        "niet_gelezen_kolommen": [display(c) for c in result.dropped_columns],
        "meldingen": [f.to_dict() for f in result.findings],
    }


def to_json(result: SurveyResult) -> str:
    """The result as JSON text, safe to encode as UTF-8 and to show in a terminal."""
    return json_safe(json.dumps(to_dict(result), ensure_ascii=False, indent=2))


def csv_rows(results: list[SurveyResult]) -> list[dict]:
    """One tidy row per gemeente × grouping × shown group × indicator with a figure; the whole
    survey under grouping and group "Totaal". Hidden groups, hidden tallies and indicators that
    were not asked have no row; a survey below the minimum has none at all."""
    out = []
    for r in results:
        if not r.shown:
            continue
        s = r.survey
        base = {"gemeente": display(r.gemeente), "periode": r.period, "enquete": f"{s.id} {s.version}"}
        parts = [(TOTAL, TOTAL, r.respondents, r.indicators)]
        for g in r.groupings:
            parts += [(g.question.id, display(gr.name), gr.size, gr.indicators) for gr in g.groups if gr.shown]
        for grouping, group, size, irs in parts:
            for ind in s.indicators:
                ir = irs.get(ind.id)
                if ir is None or ir.share is None:
                    continue
                theme = s.theme(ind.theme)
                out.append({**base, "indeling": grouping, "groep": group, "respondenten": size, "indicator": ind.id,
                            "indicator_naam": ind.name, "thema": theme.name if theme else "", "norm": ind.norm_text(),
                            "aandeel": _pct(ir.share), "n": ir.n, "behaald": "ja" if ir.met else "nee"})
    return out


def _csv_safe(value):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe (as
    the region's CSV does)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(results: list[SurveyResult]) -> bytes:
    """The tidy rows as CSV in the region's dialect: UTF-8 with BOM (Excel reads the accents),
    comma-separated, a header row of CSV_COLUMNS."""
    text = io.StringIO(newline="")
    w = csv.DictWriter(text, CSV_COLUMNS)
    w.writeheader()
    for row in csv_rows(results):
        w.writerow({k: _csv_safe(v) for k, v in row.items()})
    return text.getvalue().encode("utf-8-sig", "replace")


def write_csv(results: list[SurveyResult], path: str | Path, replace: bool = True) -> Path:
    """The tidy CSV at `path`, written in one step."""
    return write_atomic(path, to_csv(results), replace)


def write_json(result: SurveyResult, path: str | Path, replace: bool = True) -> Path:
    return write_atomic(path, to_json(result).encode("utf-8"), replace)
