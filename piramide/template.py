"""Write the fill-in workbook (xlsxwriter) from a Questionnaire.

The workbook computes, while it is being filled in, the same rule as scoring.py: hidden
helper columns turn each answer into kind/value, a hidden sheet (Berekening) folds them per
indicator and per pillar, and the Overzicht sheet shows per pillar what the engine reports.

Defined names, N = 1.. in the definition's pillar order (tests and other programs read them):

- piramide_fase_N: the phase reached (0 = none).
- piramide_score_N: the score as a percentage 0-100; empty when every question is n.v.t.
- piramide_voortgang_N: share (0-100) of the next phase's indicators that are met; empty at
  the top phase.
- piramide_beantwoord_N: the number of questions answered (not empty, not invalid).
- piramide_stenen_N: the number of loose stones (met indicators above the reached phase).
- piramide_ambitie_N, piramide_verschil_N: the ambitie from the front sheet and ambitie minus
  phase (Overzicht); empty when no ambitie is chosen.

Per pillar and phase the Overzicht shows a block: a filled square for a phase reached, an
open square for a phase above it with a loose stone, nothing otherwise; its colour is a
conditional format on that mark.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import __version__
from . import labels as L
from . import wording as W
from .answers import normalize
from .measurement import Measurement
from .scoring import MET, Result, counted, score
from .model import Questionnaire
from .output import atomic_buffer
from .style import page_setup, row_height

# Vragen sheet columns (0-based). The pillar and each indicator (with its phase) stand in band
# rows above their questions, so the question and its criteria get the width.
C_ID, C_Q, C_HELP, C_ANS, C_BASIS, C_EVID, C_REM, C_SRC = range(8)
# Hidden helper columns: indicator id, pillar id, kind, value, applicable, ja, unknown, answered.
H_IND, H_PIL, H_KIND, H_VAL, H_APP, H_JA, H_UNK, H_DONE = range(10, 18)

# Column widths, chosen so that a printed page (A4, fit to width) keeps text at 8 pt or more.
FRONT = (34, 20, 28)
QUESTION_WIDTHS = {C_ID: 5.5, C_Q: 26, C_HELP: 29, C_ANS: 8.5, C_BASIS: 10, C_EVID: 12, C_REM: 13, C_SRC: 11}

HEADERS = [L.COL_ID, "Vraag", "Uitleg; wanneer ja, deels of n.v.t.", L.COL_ANSWER, L.COL_BASIS,
           L.COL_EVIDENCE, L.COL_REMARK, "Bron"]


def _formats(wb):
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
    f = lambda **kw: wb.add_format({**base, **kw})  # noqa: E731
    return {
        "title": f(bold=True, font_size=16, font_color="#1F3864"),
        "subtitle": f(italic=True, font_color="#595959", text_wrap=True),
        "h2": f(bold=True, font_size=12, font_color="#1F3864", bottom=1),
        "label": f(bold=True, text_wrap=True),
        "input": f(locked=False, bg_color="#FFF2CC", border=1, border_color="#BF9000", text_wrap=True),
        "input_date": f(locked=False, bg_color="#FFF2CC", border=1, border_color="#BF9000", num_format="dd-mm-yyyy", align="left"),
        "head": f(bold=True, bg_color="#1F3864", font_color="#FFFFFF", text_wrap=True, border=1),
        "band": f(bold=True, font_size=11, bg_color="#D9E1F2", border=1),
        "ind_band": f(bold=True, bg_color="#F2F2F2", border=1, border_color="#BFBFBF", text_wrap=True),
        "cell": f(text_wrap=True, border=1, border_color="#BFBFBF"),
        "cell_c": f(text_wrap=True, border=1, border_color="#BFBFBF", align="center"),
        "small": f(text_wrap=True, border=1, border_color="#BFBFBF", font_size=9, font_color="#595959"),
        "answer": f(locked=False, bg_color="#FFF2CC", border=1, border_color="#BF9000", align="center", bold=True),
        "remark": f(locked=False, bg_color="#FFF2CC", border=1, border_color="#BF9000", text_wrap=True),
        "answer_basis": f(locked=False, bg_color="#FFF2CC", border=1, border_color="#BF9000", align="center"),
        "label_cell": f(bold=True, text_wrap=True, border=1, border_color="#BFBFBF"),
        "text": f(text_wrap=True),
        "pct": f(num_format="0%", border=1, border_color="#BFBFBF", align="center"),
        "num_c": f(border=1, border_color="#BFBFBF", align="center"),
        "bold_c": f(bold=True, border=1, border_color="#BFBFBF", align="center"),
        "block": f(border=1, border_color="#BFBFBF", align="center", font_size=12),
        "phase_up": f(bold=True, font_color="#1F3864", rotation=90, align="center", valign="bottom"),
        "reached": wb.add_format({"bg_color": "#2E75B6", "font_color": "#FFFFFF", "bold": True}),
        "stone": wb.add_format({"bg_color": "#DDEBF7", "font_color": "#1F3864"}),
        "ok": wb.add_format({"bg_color": "#E2EFDA"}),
        "part": wb.add_format({"bg_color": "#FCE4D6"}),
    }


def ambitie_choices(q: Questionnaire) -> list[str]:
    return [f"{p.number} - {p.name}" for p in q.phases]


def write_template(q: Questionnaire, path: str | Path, filled: Measurement | None = None,
                   raw_answers: dict[str, tuple[object, str]] | None = None, cached: bool = True,
                   replace: bool = True) -> Path:
    """Write the fill-in workbook atomically. `filled`/`raw_answers` pre-fill it (examples, tests):
    raw_answers maps question id -> (cell value as a person typed it, toelichting).

    Formula cells carry the engine's values as their cached results, so a program that does not
    recalculate on load (LibreOffice's default for xlsx) still shows the right phase; Excel
    recalculates anyway. `cached=False` leaves zeros, for tests that must see a real recalculation."""
    path = Path(path)
    with atomic_buffer(path, replace) as buf:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        fmt = _formats(wb)
        wb.set_properties({"title": f"{q.title}: invulwerkboek", "subject": "Weerbaarheid tegen ondermijning",
                           "comments": f"Gemaakt met piramide {__version__}"})
        front = wb.add_worksheet(L.SHEET_FRONT)
        overview = wb.add_worksheet(L.SHEET_OVERVIEW)
        questions = wb.add_worksheet(L.SHEET_QUESTIONS)
        glossary = wb.add_worksheet(L.SHEET_TERMS) if (q.terms or q.sources) else None
        calc = wb.add_worksheet(L.SHEET_CALC)
        lists = wb.add_worksheet(L.SHEET_LISTS)
        info = wb.add_worksheet(L.SHEET_INFO)

        raw_answers = raw_answers or {}
        result = _expected(q, filled, raw_answers) if cached else None
        lookup_range, ambitie_range = _write_lists(q, lists)
        ambitie_cells = _write_front(q, front, fmt, ambitie_range, filled)
        first, last = _write_questions(q, questions, fmt, lookup_range, filled, raw_answers, result)
        if glossary is not None:
            _write_terms(q, glossary, fmt)
        calc_cells = _write_calc(q, calc, first, last, result)
        overview_cells = _write_overview(q, overview, fmt, calc_cells, ambitie_cells, first, last, result)
        for n, (cells, ov) in enumerate(zip(calc_cells, overview_cells), 1):
            for key in ("fase", "score", "voortgang", "beantwoord", "stenen"):
                wb.define_name(f"piramide_{key}_{n}", f"={L.SHEET_CALC}!{cells[key]}")
            for key in ("ambitie", "verschil"):
                wb.define_name(f"piramide_{key}_{n}", f"={L.SHEET_OVERVIEW}!{ov[key]}")
        info.write_row(0, 0, ["sleutel", "waarde"])
        for r, (k, v) in enumerate([(L.INFO_ID, q.id), (L.INFO_VERSION, q.version),
                                    ("gemaakt_met", f"piramide {__version__}")], 1):
            info.write_string(r, 0, k)
            info.write_string(r, 1, v)
        for ws in (calc, lists, info):
            ws.hide()
            ws.protect()
        front.activate()
        wb.close()
    return path


def _write_lists(q: Questionnaire, ws) -> tuple[str, str]:
    """Answer forms per scale (key 'scale|form' -> value, kind) and the ambitie choices."""
    ws.write_row(0, 0, ["sleutel", "waarde", "soort", "", "ambitie"])
    r = 1
    for s in q.scales:
        for o in s.options:
            for form in dict.fromkeys([o.label, *o.aliases]):
                ws.write_string(r, 0, f"{s.id}|{L.norm(form)}")
                if o.value is None:
                    ws.write_string(r, 1, "")
                else:
                    ws.write_number(r, 1, o.value)
                ws.write_string(r, 2, o.kind)
                r += 1
    for i, choice in enumerate(ambitie_choices(q), 1):
        ws.write_string(i, 4, choice)
    return (f"{L.SHEET_LISTS}!$A$2:$C${r}",
            f"={L.SHEET_LISTS}!$E$2:$E${len(q.phases) + 1}")


def _write_front(q, ws, fmt, ambitie_range, filled) -> list[str]:
    ws.set_column(0, 0, FRONT[0])
    ws.set_column(1, 1, FRONT[1])
    ws.set_column(2, 2, FRONT[2])
    ws.merge_range(0, 0, 0, 2, f"{q.title}: invulwerkboek", fmt["title"])
    ws.set_row(0, 26)                        # the title's own height: it never runs into the line below
    sub = f"Vragenlijst {q.id}, versie {q.version}. {q.note}"
    ws.merge_range(1, 0, 1, 2, sub, fmt["subtitle"])
    ws.set_row(1, row_height([(sub, sum(FRONT), 10)]))
    ws.write(3, 0, "Over de meting", fmt["h2"])
    meta_rows = {}
    for i, (key, label) in enumerate(L.META.items()):
        row = 4 + i
        meta_rows[key] = row
        ws.write_string(row, 0, label, fmt["label"])
        value = getattr(filled, key, "") if filled else ""
        if key == "datum":
            if isinstance(value, dt.date):
                ws.write_datetime(row, 1, dt.datetime.combine(value, dt.time()), fmt["input_date"])
            else:
                ws.write_blank(row, 1, None, fmt["input_date"])
            ws.write_string(row, 2, "Bijvoorbeeld 15-03-2026", fmt["text"])
        elif key == "geraadpleegd":
            ws.write_string(row, 1, str(value or ""), fmt["input"]) if value else ws.write_blank(row, 1, None, fmt["input"])
            hint = "Bijvoorbeeld OOV, HR, burgerzaken, vergunningen, griffie"
            ws.write_string(row, 2, hint, fmt["text"])
            ws.set_row(row, max(row_height([(str(value or "-"), FRONT[1], 10)], extra_lines=1),
                                row_height([(label, FRONT[0], 10, True), (hint, FRONT[2], 10)])))
        else:
            ws.write_string(row, 1, str(value or ""), fmt["input"]) if value else ws.write_blank(row, 1, None, fmt["input"])
            if value:
                ws.set_row(row, row_height([(str(value), FRONT[1], 10)]))
    ws.data_validation(meta_rows["soort"], 1, meta_rows["soort"], 1,
                       {"validate": "list", "source": L.SOORTEN, "error_title": "Soort meting",
                        "error_message": "Kies 0-meting of vervolgmeting."})
    ws.write_string(meta_rows["soort"], 2, "De eerste meting is de 0-meting", fmt["text"])
    ws.data_validation(meta_rows["datum"], 1, meta_rows["datum"], 1,
                       {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
                        "error_title": "Datum meting", "error_message": "Vul een datum in, bijvoorbeeld 15-03-2026."})

    row = 4 + len(L.META) + 1
    ws.write(row, 0, "Ambitie per pijler", fmt["h2"])
    ws.write_string(row + 1, 2, "De fase die de gemeente wil bereiken", fmt["text"])
    ambitie_cells = []
    for i, p in enumerate(q.pillars):
        r = row + 1 + i
        ws.write_string(r, 0, f"{L.AMBITIE_PREFIX}{p.name}", fmt["label"])
        ws.set_row(r, row_height([(f"{L.AMBITIE_PREFIX}{p.name}", FRONT[0], 10, True)]))
        amb = filled.ambitie.get(p.id) if filled else None
        if amb:
            ws.write_string(r, 1, ambitie_choices(q)[amb - 1], fmt["input"])
        else:
            ws.write_blank(r, 1, None, fmt["input"])
        ws.data_validation(r, 1, r, 1, {"validate": "list", "source": ambitie_range,
                                        "error_title": "Ambitie", "error_message": "Kies een fase uit de lijst."})
        ambitie_cells.append(f"{L.SHEET_FRONT}!{xl_rowcol_to_cell(r, 1, True, True)}")

    row += len(q.pillars) + 2
    ws.write(row, 0, "Zo vult u in", fmt["h2"])
    steps = [
        "Vul de gele cellen in; de rest van het werkboek is beveiligd tegen per ongeluk wijzigen (zonder wachtwoord).",
        f"Beantwoord op het blad '{L.SHEET_QUESTIONS}' iedere vraag met {W.answer_choices(q)} (keuzelijst). "
        f"In de score telt {W.value_legend(q)}.",
        W.special_answers(q),
        *(["Naast elke vraag staat wanneer het antwoord ja of deels is, en of n.v.t. kan; waar n.v.t. niet "
            "kan, staat het niet in de keuzelijst."] if any(qq.ja_when for qq in q.questions) else []),
        f"Vul bij elk antwoord in hoe het is bepaald ({', '.join(L.BASES)}) en waar het bewijs ligt "
        f"(document en vindplaats). Noem bovenaan bij '{L.META['geraadpleegd']}' wie u hebt gesproken.",
        f"Het blad '{L.SHEET_OVERVIEW}' laat tijdens het invullen zien hoeveel vragen beantwoord zijn en welke fase elke pijler haalt.",
        "Een pijler bereikt een fase als alle indicatoren van die fase én van alle lagere fasen behaald zijn: een piramide bouw je van onderaf.",
        "Sla het bestand op als .xlsx en lever het aan bij het RIEC; daar maakt 'piramide score' er een dashboard van.",
    ]
    for i, s in enumerate(steps, 1):
        ws.merge_range(row + i, 0, row + i, 2, f"{i}. {s}", fmt["text"])
        ws.set_row(row + i, row_height([(f"{i}. {s}", sum(FRONT), 10)]))
    row += len(steps) + 2
    ws.write(row, 0, "De fasen van de piramide", fmt["h2"])
    for i, p in enumerate(reversed(q.phases), 1):
        ws.write_string(row + i, 0, f"Fase {p.number}: {p.name}", fmt["label"])
        ws.merge_range(row + i, 1, row + i, 2, p.description, fmt["text"])
        ws.set_row(row + i, row_height([(f"Fase {p.number}: {p.name}", FRONT[0], 10, True),
                                        (p.description, FRONT[1] + FRONT[2], 10)]))
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                    "format_columns": True})
    page_setup(ws, landscape=False, fit_height=1, footer="&L&9Vertrouwelijk&R&9&P / &N")
    return ambitie_cells


def _write_questions(q, ws, fmt, lookup_range, filled, raw_answers, result) -> tuple[int, int]:
    widths = QUESTION_WIDTHS
    for c, w in widths.items():
        ws.set_column(c, c, w)
    ws.set_column(H_IND, H_DONE, 9, None, {"hidden": True})
    ws.write_row(0, 0, HEADERS, fmt["head"])
    ws.write_row(0, H_IND, ["ind", "pijler", "soort", "waarde", "telt", "ja", "onbekend", "beantwoord"])
    ws.set_row(0, row_height([(h, widths[c], 10, True) for c, h in enumerate(HEADERS)]))
    ws.freeze_panes(1, 2)
    row = 1
    first: int | None = None
    for pn, pillar in enumerate(q.pillars, 1):
        ws.merge_range(row, 0, row, C_SRC, f"Pijler {pn}: {pillar.name} ({pillar.id})", fmt["band"])
        ws.set_row(row, 18)
        row += 1
        for ind in sorted(q.indicators_of(pillar.id), key=lambda i: i.phase):
            ind_text = indicator_label(q, ind)
            ws.merge_range(row, 0, row, C_SRC, ind_text, fmt["ind_band"])
            ws.set_row(row, row_height([(ind_text, sum(widths.values()), 10, True)]))
            row += 1
            for qq in q.questions_of(ind.id):
                first = row if first is None else first
                r1 = row + 1
                help_text = "\n".join(t for t in (qq.help, qq.criteria()) if t)
                src = source_label(q, qq)
                ws.write_string(row, C_ID, qq.id, fmt["cell_c"])
                ws.write_string(row, C_Q, qq.text, fmt["cell"])
                ws.write_string(row, C_HELP, help_text, fmt["small"])
                ws.write_string(row, C_SRC, src, fmt["small"])
                value, remark = _prefill(qq.id, filled, raw_answers)
                basis, evidence = _prefill_basis(qq.id, filled)
                for col, text, f_ in ((C_BASIS, basis, fmt["answer_basis"]), (C_EVID, evidence, fmt["remark"])):
                    ws.write_string(row, col, text, f_) if text else ws.write_blank(row, col, None, f_)
                ws.data_validation(row, C_BASIS, row, C_BASIS, {
                    "validate": "list", "source": L.BASES, "error_type": "warning",
                    "error_title": L.COL_BASIS, "error_message": "Kies document, enquête, gesprek of inschatting.",
                    "input_title": L.COL_BASIS, "input_message": "Uit een document, een enquête, een gesprek of een inschatting?"})
                if value is None or value == "":
                    ws.write_blank(row, C_ANS, None, fmt["answer"])
                elif isinstance(value, bool):
                    ws.write_boolean(row, C_ANS, value, fmt["answer"])
                elif isinstance(value, (int, float)):
                    ws.write_number(row, C_ANS, value, fmt["answer"])
                else:
                    ws.write_string(row, C_ANS, str(value), fmt["answer"])
                if remark:
                    ws.write_string(row, C_REM, remark, fmt["remark"])
                else:
                    ws.write_blank(row, C_REM, None, fmt["remark"])
                choices = answer_labels(q, qq)
                ws.data_validation(row, C_ANS, row, C_ANS, {
                    "validate": "list", "source": choices,
                    "error_title": "Antwoord", "error_message": f"Kies {', '.join(choices)}.",
                    "input_title": qq.id, "input_message": "Kies een antwoord uit de lijst."
                    + ("" if qq.nvt_allowed else " N.v.t. kan bij deze vraag niet.")})
                ans = xl_rowcol_to_cell(row, C_ANS)
                kind = f"{xl_col_to_name(H_KIND)}{r1}"
                val = f"{xl_col_to_name(H_VAL)}{r1}"
                key = f'"{qq.scale_id}|"&LOWER(TRIM({ans}))'
                ws.write_string(row, H_IND, ind.id)
                ws.write_string(row, H_PIL, pillar.id)
                cache = _answer_cache(result, qq.id)
                found = f"VLOOKUP({key},{lookup_range},3,FALSE)"
                if not qq.nvt_allowed:         # an n.v.t. the definition does not allow counts as invalid
                    found = f'IF({found}="nvt","ongeldig",{found})'
                ws.write_formula(row, H_KIND, f'=IF(TRIM({ans})="","leeg",IFERROR({found},"ongeldig"))', None, cache[0])
                ws.write_formula(row, H_VAL, f'=IF({kind}="nvt","",IF({kind}="waarde",VLOOKUP({key},{lookup_range},2,FALSE),0))', None, cache[1])
                ws.write_formula(row, H_APP, f'=IF({kind}="nvt",0,1)', None, cache[2])
                ws.write_formula(row, H_JA, f'=IF({kind}="waarde",IF({val}=1,1,0),0)', None, cache[3])
                ws.write_formula(row, H_UNK, f'=IF(OR({kind}="leeg",{kind}="onbekend",{kind}="ongeldig"),1,0)', None, cache[4])
                ws.write_formula(row, H_DONE, f'=IF(OR({kind}="leeg",{kind}="ongeldig"),0,1)', None, cache[5])
                # Room for the question's text and for a toelichting of a few lines; the sheet lets
                # people make a row higher still (format_rows in the protection).
                ws.set_row(row, max(row_height([(qq.text, widths[C_Q], 10),
                                                (help_text, widths[C_HELP], 9), (src, widths[C_SRC], 9),
                                                (evidence or "-", widths[C_EVID], 10)]),
                                    row_height([(remark or "-", widths[C_REM], 10)], extra_lines=1 if remark else 2)))
                row += 1
    last = row - 1
    assert first is not None, "a valid definition has questions"
    for marked, colour in ((W.full_labels(q), fmt["ok"]), (W.partial_labels(q), fmt["part"])):
        for label in marked:
            ws.conditional_format(first, C_ANS, last, C_ANS, {"type": "cell", "criteria": "==",
                                                              "value": f'"{label}"', "format": colour})
    ws.autofilter(0, 0, last, C_SRC)
    ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})
    ws.repeat_rows(0)
    page_setup(ws, footer=f"&L&9{q.title} {q.version} - vertrouwelijk&R&9&P / &N")
    return first, last


def indicator_label(q: Questionnaire, ind) -> str:
    """The indicator as its band row shows it: id, name, phase, theme (and keuzemenu)."""
    menu = f"; keuzemenu: minimaal {ind.minimum} van de {len(q.questions_of(ind.id))} vragen ja" if ind.minimum else ""
    theme = f" · thema {ind.theme}" if ind.theme else ""
    return f"Indicator {ind.id} {ind.name} (fase {ind.phase}: {q.phase_name(ind.phase)}{menu}){theme}"


def source_label(q: Questionnaire, qq) -> str:
    """A question's source by its (short) title; a definition without [[bronnen]] keeps its code."""
    if q.sources:
        return q.source_title(qq.source, short=True)
    code = qq.source[:3] if re.fullmatch(r"\d{3}_[0-9a-f]+\.txt", qq.source) else qq.source   # 1.0: a file code
    return f"{code} {qq.section}".strip()


def answer_labels(q: Questionnaire, qq) -> list[str]:
    """The dropdown of one question: its scale, without n.v.t. where n.v.t. cannot be."""
    return [o.label for o in q.scale(qq.scale_id).options if qq.nvt_allowed or o.kind != "nvt"]


def _prefill_basis(qid, filled) -> tuple[str, str]:
    a = filled.answers.get(qid) if filled else None
    return (a.basis, a.evidence) if a else ("", "")


def _write_terms(q: Questionnaire, ws, fmt) -> None:
    """Begrippen: the legal and other terms the questions use; below them the sources in full."""
    widths = (26, 70)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    ws.merge_range(0, 0, 0, 1, "Begrippen en bronnen", fmt["title"])
    ws.set_row(0, 26)
    row = 2
    if q.terms:
        ws.write_row(row, 0, ["Begrip", "Uitleg"], fmt["head"])
        row += 1
        for t in sorted(q.terms, key=lambda t: t.term.lower()):
            text = t.explanation + (f" (bron: {q.source_title(t.source)})" if t.source else "")
            ws.write_string(row, 0, t.term, fmt["label_cell"])
            ws.write_string(row, 1, text, fmt["cell"])
            ws.set_row(row, row_height([(t.term, widths[0], 10, True), (text, widths[1], 10)]))
            row += 1
        row += 1
    if q.sources:
        ws.write_row(row, 0, ["Bron", "Titel"], fmt["head"])
        row += 1
        for src in q.sources:
            text = src.title + (f" ({src.year})" if src.year and str(src.year) not in src.title else "") + \
                (f"\n{src.url}" if src.url.startswith(("http://", "https://")) else "")
            ws.write_string(row, 0, src.short or src.id, fmt["label_cell"])
            ws.write_string(row, 1, text, fmt["cell"])
            ws.set_row(row, row_height([(src.short or src.id, widths[0], 10, True), (text, widths[1], 10)]))
            row += 1
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                    "format_columns": True})
    page_setup(ws, landscape=False, footer="&L&9Vertrouwelijk&R&9&P / &N")


def _prefill(qid, filled, raw_answers):
    if qid in raw_answers:
        return raw_answers[qid]
    if filled and qid in filled.answers:
        a = filled.answers[qid]
        return (a.raw or a.label), a.remark
    return None, ""


def _rng(col: int, first: int, last: int) -> str:
    c = xl_col_to_name(col)
    return f"{L.SHEET_QUESTIONS}!${c}${first + 1}:${c}${last + 1}"


def _write_calc(q, ws, first, last, result) -> list[dict[str, str]]:
    """Per indicator: counts and status; per pillar: phase by the pyramid rule, score, progress,
    loose stones. Returns per pillar (definition order) the absolute cells of its figures."""
    ind_col, pil_col = _rng(H_IND, first, last), _rng(H_PIL, first, last)
    app, ja, unk, val = (_rng(c, first, last) for c in (H_APP, H_JA, H_UNK, H_VAL))
    ws.write_row(0, 0, ["indicator", "pijler", "fase", "telt", "ja", "onbekend", "som", "status", "behaald",
                        "minimaal", "nodig"])
    n = len(q.indicators)
    for i, ind in enumerate(q.indicators, 1):
        r = i + 1
        c = _indicator_cache(result, q, ind.id)
        ws.write_string(i, 0, ind.id)
        ws.write_string(i, 1, ind.pillar_id)
        ws.write_number(i, 2, ind.phase)
        ws.write_formula(i, 3, f"=SUMIFS({app},{ind_col},A{r})", None, c[0])
        ws.write_formula(i, 4, f"=SUMIFS({ja},{ind_col},A{r})", None, c[1])
        ws.write_formula(i, 5, f"=SUMIFS({unk},{ind_col},A{r})", None, c[2])
        ws.write_formula(i, 6, f"=SUMIFS({val},{ind_col},A{r})", None, c[3])
        # nodig: the ja answers needed, all applicable ones or (keuzemenu) at most `minimaal`
        if ind.minimum:
            ws.write_number(i, 9, ind.minimum)
        ws.write_formula(i, 10, f'=IF(J{r}="",D{r},MIN(J{r},D{r}))', None, c[6])
        ws.write_formula(i, 7, f'=IF(D{r}=0,"n.v.t.",IF(E{r}>=K{r},"behaald",IF(E{r}+F{r}>=K{r},"onbekend",IF(G{r}>0,"deels","niet behaald"))))', None, c[4])
        ws.write_formula(i, 8, f'=IF(OR(H{r}="behaald",H{r}="n.v.t."),1,0)', None, c[5])
    top = q.top_phase
    base = n + 3
    head = ["pijler", "naam"] + [f"fase {k} behaald" for k in range(1, top + 1)] + \
           [f"t/m fase {k}" for k in range(1, top + 1)] + \
           ["fase", "telt", "som", "score", "beantwoord", "vragen", "score %", "voortgang", "losse stenen"] + \
           [f"steen fase {k}" for k in range(1, top + 1)]
    ws.write_row(base, 0, head)
    ids, phases, met = f"$B$2:$B${n + 1}", f"$C$2:$C${n + 1}", f"$I$2:$I${n + 1}"
    cells = []
    for i, p in enumerate(q.pillars):
        row = base + 1 + i
        r = row + 1
        pc = _pillar_cache(result, q, p.id)
        ws.write_string(row, 0, p.id)
        ws.write_string(row, 1, p.name)
        for k in range(1, top + 1):
            ws.write_formula(row, 1 + k, f'=IF(COUNTIFS({ids},$A{r},{phases},{k},{met},0)=0,1,0)', None, pc["met"][k - 1])
            cum = f"{xl_col_to_name(1 + k)}{r}" if k == 1 else \
                f"{xl_col_to_name(1 + top + k - 1)}{r}*{xl_col_to_name(1 + k)}{r}"
            ws.write_formula(row, 1 + top + k, f"={cum}", None, pc["cum"][k - 1])
        c_phase = 2 + 2 * top
        col = lambda off: xl_col_to_name(c_phase + off)  # noqa: E731
        fase = f"${col(0)}{r}"
        ws.write_formula(row, c_phase, f"=SUM({xl_col_to_name(2 + top)}{r}:{xl_col_to_name(1 + 2 * top)}{r})", None, pc["phase"])
        ws.write_formula(row, c_phase + 1, f"=SUMIFS({app},{pil_col},$A{r})", None, pc["telt"])
        ws.write_formula(row, c_phase + 2, f"=SUMIFS({val},{pil_col},$A{r})", None, pc["som"])
        t, s = f"{col(1)}{r}", f"{col(2)}{r}"
        ws.write_formula(row, c_phase + 3, f'=IF({t}=0,"",{s}/{t})', None, pc["score"])
        ws.write_formula(row, c_phase + 4, f"=SUMIFS({_rng(H_DONE, first, last)},{pil_col},$A{r})", None, pc["done"])
        ws.write_formula(row, c_phase + 5, f'=COUNTIF({pil_col},$A{r})', None, pc["n"])
        ws.write_formula(row, c_phase + 6, f'=IF({t}=0,"",100*{s}/{t})', None, pc["score_pct"])
        nxt = f"COUNTIFS({ids},$A{r},{phases},{fase}+1)"
        ws.write_formula(row, c_phase + 7, f'=IF({fase}>={top},"",IF({nxt}=0,"",'
                         f'100*COUNTIFS({ids},$A{r},{phases},{fase}+1,{met},1)/{nxt}))', None, pc["progress"])
        ws.write_formula(row, c_phase + 8, f'=COUNTIFS({ids},$A{r},{phases},">"&{fase},{met},1)', None, pc["stones"])
        for k in range(1, top + 1):
            ws.write_formula(row, c_phase + 8 + k, f'=IF(AND({k}>{fase},COUNTIFS({ids},$A{r},{phases},{k},{met},1)>0),1,0)',
                             None, pc["stone"][k - 1])
        cell = lambda off: xl_rowcol_to_cell(row, c_phase + off, True, True)  # noqa: E731
        cells.append({"fase": cell(0), "score": cell(6), "voortgang": cell(7), "beantwoord": cell(4),
                      "vragen": cell(5), "stenen": cell(8), "steen": [cell(8 + k) for k in range(1, top + 1)]})
    return cells


def _write_overview(q, ws, fmt, calc_cells, ambitie_cells, first, last, result) -> list[dict[str, str]]:
    """Per pillar what the engine reports, live. Returns per pillar the ambitie and gap cells."""
    top = q.top_phase
    c_block = 8                     # the first block column (F1)
    last_col = c_block + top - 1
    widths = [30, 11, 7, 16, 8, 12, 9, 9] + [5] * top
    for ci, w in enumerate(widths):
        ws.set_column(ci, ci, w)
    ws.merge_range(0, 0, 0, last_col, "Overzicht tijdens het invullen", fmt["title"])
    ws.set_row(0, 24)
    ws.merge_range(1, 0, 1, last_col, "Dit blad rekent mee terwijl u invult. De officiële uitslag met toelichting "
                   "maakt het RIEC met 'piramide score'.", fmt["subtitle"])
    ws.set_row(1, 30)
    done_all = f"SUM({_rng(H_DONE, first, last)})"
    ws.write_string(3, 0, "Beantwoorde vragen", fmt["label"])
    done_n = sum(_pillar_cache(result, q, p.id)["done"] for p in q.pillars)
    ws.write_formula(3, 1, f"={done_all}", fmt["bold_c"], done_n)
    ws.write_string(3, 2, f"van {len(q.questions)}", fmt["text"])
    ws.write_formula(3, 3, f"={done_all}/{len(q.questions)}", fmt["pct"], done_n / len(q.questions))
    head = ["Pijler", "Beantwoord", "Fase", "Fasenaam", "Score", "Naar volgende fase", "Ambitie", "Verschil"] + \
           [f"F{k}" for k in range(1, top + 1)]
    ws.write_row(5, 0, head, fmt["head"])
    ws.set_row(5, row_height([(h, w, 10, True) for h, w in zip(head, widths)]))
    # Above each block its phase's name, the top one too: the pyramid lying on its side.
    for k in range(1, top + 1):
        ws.write_string(4, c_block - 1 + k, q.phase_name(k), fmt["phase_up"])
    ws.set_row(4, max(len(q.phase_name(k)) for k in range(1, top + 1)) * 10 * 0.62 + 8)
    names = ",".join(f'"{n}"' for n in ["Geen fase"] + [p.name for p in q.phases])
    out = []
    for i, p in enumerate(q.pillars):
        row = 6 + i
        r = row + 1
        cells = calc_cells[i]
        c = lambda key: f"{L.SHEET_CALC}!{cells[key]}"  # noqa: E731
        pc = _pillar_cache(result, q, p.id)
        amb = result.measurement.ambitie.get(p.id) if result else None
        ws.write_string(row, 0, p.name, fmt["cell"])
        ws.write_formula(row, 1, f'={c("beantwoord")}&" / "&{c("vragen")}', fmt["num_c"], f"{pc['done']} / {pc['n']}")
        ws.write_formula(row, 2, f"={c('fase')}", fmt["bold_c"], pc["phase"])
        ws.write_formula(row, 3, f"=CHOOSE(C{r}+1,{names})", fmt["num_c"], q.phase_name(pc["phase"]) if pc["phase"] else "Geen fase")
        ws.write_formula(row, 4, f'=IF({c("score")}="","n.v.t.",{c("score")}/100)', fmt["pct"],
                         "n.v.t." if pc["score_pct"] == "" else pc["score_pct"] / 100)
        ws.write_formula(row, 5, f'=IF({c("voortgang")}="","–",{c("voortgang")}/100)', fmt["pct"],
                         "–" if pc["progress"] == "" else pc["progress"] / 100)
        ws.write_formula(row, 6, f'=IFERROR(VALUE(LEFT({ambitie_cells[i]},FIND(" ",{ambitie_cells[i]}&" ")-1)),"")', fmt["num_c"], amb if amb else "")
        ws.write_formula(row, 7, f'=IF(G{r}="","",G{r}-C{r})', fmt["num_c"], (amb - pc["phase"]) if amb else "")
        for k in range(1, top + 1):
            steen = f"{L.SHEET_CALC}!{cells['steen'][k - 1]}"
            mark = "■" if pc["phase"] >= k else ("□" if pc["stone"][k - 1] else "")
            ws.write_formula(row, c_block - 1 + k, f'=IF($C{r}>={k},"■",IF({steen}=1,"□",""))', fmt["block"], mark)
        ws.set_row(row, row_height([(p.name, widths[0], 10)], minimum=20))
        out.append({"ambitie": xl_rowcol_to_cell(row, 6, True, True), "verschil": xl_rowcol_to_cell(row, 7, True, True)})
    rng = (6, c_block, 5 + len(q.pillars), last_col)
    ws.conditional_format(*rng, {"type": "cell", "criteria": "==", "value": '"■"', "format": fmt["reached"]})
    ws.conditional_format(*rng, {"type": "cell", "criteria": "==", "value": '"□"', "format": fmt["stone"]})
    note = 6 + len(q.pillars) + 1
    legend = ("Fase: de hoogste fase waarvan alle indicatoren, en die van alle lagere fasen, behaald zijn "
                   "(0 = nog geen fase). Score: gemiddelde waarde van de toepasselijke vragen "
                   f"({W.score_legend(q)}). "
                   "Naar volgende fase: het deel van de indicatoren van de volgende fase dat behaald is. "
                   "Verschil: ambitie min fase. ■ = fase bereikt; □ = losse stenen: indicatoren van die fase "
                   "behaald terwijl een lagere fase nog niet bereikt is.")
    ws.merge_range(note, 0, note, last_col, legend, fmt["subtitle"])
    ws.set_row(note, row_height([(legend, sum(widths), 10)]))
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                    "format_columns": True})
    page_setup(ws, fit_height=1, footer="&L&9Vertrouwelijk&R&9&P / &N")
    return out


# --- cached results: the engine's values for the formula cells -----------------------------

def _expected(q: Questionnaire, filled: Measurement | None, raw_answers) -> Result:
    m = Measurement(ambitie=dict(filled.ambitie) if filled else {})
    for qq in q.questions:
        value, remark = _prefill(qq.id, filled, raw_answers)
        m.answers[qq.id] = normalize(q.scale(qq.scale_id), qq.id, value, remark or "")
    return score(m, q)


def _answer_cache(result: Result | None, qid: str) -> tuple:
    if result is None:
        return (0, 0, 0, 0, 0, 0)
    a = counted(result.questionnaire.question(qid), result.measurement.answers[qid])
    nvt = a.kind == "nvt"
    value = "" if nvt else (a.value if a.kind == "waarde" else 0)
    return (a.kind, value, 0 if nvt else 1, int(a.kind == "waarde" and a.value == 1),
            int(a.kind in ("leeg", "onbekend", "ongeldig")), int(a.kind not in ("leeg", "ongeldig")))


def _indicator_cache(result: Result | None, q: Questionnaire, iid: str) -> tuple:
    if result is None:
        return (0, 0, 0, 0, 0, 0, 0)
    ir = result.indicator(iid)
    rows = [_answer_cache(result, qq.id) for qq in q.questions_of(iid)]
    applicable = sum(r[2] for r in rows)
    needed = applicable if ir.indicator.minimum is None else min(ir.indicator.minimum, applicable)
    return (applicable, sum(r[3] for r in rows), sum(r[4] for r in rows),
            sum(r[1] for r in rows if r[1] != ""), ir.status, int(ir.status in MET), needed)


def _pillar_cache(result: Result | None, q: Questionnaire, pid: str) -> dict:
    top = q.top_phase
    if result is None:
        return {"met": [0] * top, "cum": [0] * top, "phase": 0, "telt": 0, "som": 0, "score": "", "done": 0, "n": 0,
                "score_pct": "", "progress": "", "stones": 0, "stone": [0] * top}
    pr = result.pillar(pid)
    met = [int(all(ir.met for ir in pr.indicators if ir.indicator.phase == k)) for k in range(1, top + 1)]
    cum = [int(k <= pr.phase) for k in range(1, top + 1)]
    rows = [_answer_cache(result, qq.id) for ir in pr.indicators for qq, _ in ir.answers]
    telt = sum(r[2] for r in rows)
    som = sum(r[1] for r in rows if r[1] != "")
    stone = [int(k > pr.phase and any(ir.met for ir in pr.indicators if ir.indicator.phase == k))
             for k in range(1, top + 1)]
    return {"met": met, "cum": cum, "phase": pr.phase, "telt": telt, "som": som,
            "score": (som / telt) if telt else "", "done": pr.answered, "n": pr.total,
            "score_pct": "" if pr.score is None else pr.score,
            "progress": "" if pr.progress is None else pr.progress,
            "stones": len(pr.loose_stones), "stone": stone}
