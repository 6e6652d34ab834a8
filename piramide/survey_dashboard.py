"""Write a survey dashboard workbook (xlsxwriter) from a SurveyResult.

Only what the SurveyResult holds is written, and the SurveyResult holds only what may be
shown (survey_aggregate): hidden groups are not named here either, a tally that is not shown
is written as "te weinig antwoorden", and free text stands only on the sheet for the whole
survey. Every text that came from an export (gemeente, group names, free text, column
headings) is untrusted: it is made visible (text.display) and always written as a string,
never as something a spreadsheet would run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import xlsxwriter

from . import __version__
from .output import OUTPUT_MARK, atomic_buffer
from .style import MID, PAD, STATUS_FILL, columns_width, findings_sheet, formats, page_setup, page_units, row_height, table
from .survey import KEUZE, NO_GROUP, GroupingResult, IndicatorResult, SurveyResult
from .text import display, round_pct

MARK = "enquete-dashboard"          # the value of OUTPUT_MARK on this workbook (reader.own_output)
OVERVIEW, QUESTIONS, TEXTS, FINDINGS, ABOUT = "Overzicht", "Per vraag", "Vrije tekst", "Meldingen", "Over"
SHEETS = {OVERVIEW, QUESTIONS, TEXTS, FINDINGS, ABOUT}   # the fixed sheets; a grouping's sheet is named by its question

MET, NOT_MET, NOT_JUDGED = "ja", "nee", "niet te beoordelen"
TOO_FEW = "te weinig antwoorden"
NOT_ASKED = "niet gevraagd"
MAX_TEXT = 4000                     # characters of one free-text answer in a cell (a cell holds 32,767)
PAGE_HEIGHT = 520.0                 # points of a landscape A4 page between the margins, at full size
ROWS_PER_PAGE = 34                  # rows of 15 pt on a landscape A4 page at full size: charts never straddle two


def safe(text) -> str:
    """Text from an export, safe for a cell: every control and reordering character made
    visible, line breaks kept."""
    return "\n".join(display(line) for line in str(text).split("\n"))


def pct_text(share: float | None) -> str:
    return "–" if share is None else f"{round_pct(share)}%"


def met_text(ir: IndicatorResult) -> str:
    if ir.met is None:
        return f"{NOT_JUDGED} ({NOT_ASKED if not ir.asked else TOO_FEW})"
    return MET if ir.met else NOT_MET


def hidden_line(g: GroupingResult, minimum: int) -> str:
    """The line under a grouping: how many groups are not shown and how many respondents they
    hold together, never which."""
    if not g.hidden:
        return "Alle groepen worden getoond."
    groups = "groep" if g.hidden == 1 else "groepen"
    return (f"Niet getoond: {g.hidden} {groups} met samen {g.hidden_size} respondenten (minder dan {minimum} per "
            "groep, of verborgen zodat niemand door aftrekken herkenbaar wordt).")


def grouping_sheet_names(result: SurveyResult) -> list[str]:
    """A sheet name per grouping: "Per afdeling" from the question's id when it is a word, else
    from its text; at most 31 characters, without the characters a sheet name may not hold, and
    unique (case ignored) beside the fixed sheets."""
    taken = {s.casefold() for s in SHEETS}
    out = []
    for g in result.groupings:
        q = g.question
        base = q.id if re.fullmatch(r"[^\W\d_]{3,}", q.id) else q.text.rstrip("?").strip()
        base = re.sub(r"[\[\]:*?/\\']", " ", f"Per {base}")
        base = " ".join(display(base).split())
        if len(base) > 31:                   # cut at a word where there is one
            base = base[:32].rsplit(" ", 1)[0] if " " in base[4:32] else base[:31]
        name, n = base, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)].rstrip() + suffix, n + 1
        taken.add(name.casefold())
        out.append(name)
    return out


def default_name(result: SurveyResult) -> str:
    """The dashboard's file name: "zaanstad-enquete-november-2026.xlsx"."""
    from .serialize import slug
    parts = ([slug(result.gemeente)] if result.gemeente else []) + ["enquete"] + \
        ([slug(result.period)] if result.period else [])
    return "-".join(parts) + ".xlsx"


def write_dashboard(result: SurveyResult, path: str | Path, replace: bool = True) -> Path:
    """The survey dashboard of `result` at `path`, written in one step."""
    path = Path(path)
    with atomic_buffer(path, replace) as buf:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False})
        fmt = _formats(wb)
        wb.set_custom_property(OUTPUT_MARK, MARK)
        wb.set_properties({"title": f"{result.survey.title}: {safe(result.gemeente)}", "subject": "Enquête-dashboard",
                           "comments": f"Gemaakt met piramide {__version__}. Vertrouwelijk."})
        _overview(wb, wb.add_worksheet(OVERVIEW), fmt, result)
        if result.shown:
            _questions(wb.add_worksheet(QUESTIONS), fmt, result)
            for g, name in zip(result.groupings, grouping_sheet_names(result)):
                _grouping(wb.add_worksheet(name), fmt, result, g)
            if result.texts:
                _texts(wb.add_worksheet(TEXTS), fmt, result)
        findings_sheet(wb.add_worksheet(FINDINGS), fmt, result.findings)
        _about(wb.add_worksheet(ABOUT), fmt, result)
        wb.close()
    return path


def _formats(wb) -> dict:
    fmt = formats(wb)
    base = {"font_name": "Calibri", "font_size": 10, "border": 1, "border_color": "#BFBFBF", "align": "center",
            "valign": "top", "num_format": "0%"}
    fmt["pct_met"] = wb.add_format({**base, "bg_color": STATUS_FILL["behaald"]})
    fmt["pct_not"] = wb.add_format({**base, "bg_color": STATUS_FILL["niet behaald"]})
    fmt["met"] = wb.add_format({**base, "num_format": "@", "bg_color": STATUS_FILL["behaald"]})
    fmt["not"] = wb.add_format({**base, "num_format": "@", "bg_color": STATUS_FILL["niet behaald"]})
    fmt["unjudged"] = wb.add_format({**base, "num_format": "@", "font_color": "#595959", "text_wrap": True,
                                     "bg_color": STATUS_FILL["onbekend"]})
    fmt["total"] = wb.add_format({"font_name": "Calibri", "font_size": 10, "bold": True, "border": 1,
                                  "border_color": "#BFBFBF", "valign": "top", "text_wrap": True})
    fmt["head9"] = wb.add_format({"font_name": "Calibri", "font_size": 9, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                  "text_wrap": True, "border": 1, "valign": "top"})
    fmt["subwrap"] = wb.add_format({"font_name": "Calibri", "font_size": 10, "font_color": "#404040",
                                    "text_wrap": True, "valign": "top"})
    fmt["warn"] = wb.add_format({"font_name": "Calibri", "font_size": 12, "bold": True, "font_color": "#C00000",
                                 "text_wrap": True, "valign": "top"})
    fmt["qhead"] = wb.add_format({"font_name": "Calibri", "font_size": 10, "bold": True, "text_wrap": True,
                                  "valign": "top", "bg_color": "#DDEBF7", "border": 1, "border_color": "#BFBFBF"})
    return fmt


def _header(ws, fmt, result: SurveyResult, width_units: float, title: str, ncols: int) -> int:
    """The title lines of a sheet, across its `ncols` columns; returns the first free row."""
    ws.hide_gridlines(2)
    ws.write_string(0, 0, title, fmt["title"])
    ws.set_row(0, 28)
    period = result.period or "periode onbekend"
    sub = (f"{safe(result.gemeente) or 'Gemeente onbekend'} · {period} · {result.respondents} respondenten · "
           f"groepen kleiner dan {result.min_group} respondenten worden niet getoond · {result.survey.label()}")
    if ncols > 1:
        ws.merge_range(1, 0, 1, ncols - 1, sub, fmt["subwrap"])
    else:
        ws.write_string(1, 0, sub, fmt["subwrap"])
    ws.set_row(1, row_height([(sub, width_units, 10)]))
    return 3


def _indicator_rows(result: SurveyResult):
    """The indicators in the order of the themes, each with its theme's name."""
    s = result.survey
    order = {t.id: i for i, t in enumerate(s.themes)}
    inds = sorted(s.indicators, key=lambda i: order.get(i.theme, len(order)))
    return [(_theme_name(result, i.theme), result.indicators[i.id]) for i in inds if i.id in result.indicators]


def _theme_name(result: SurveyResult, tid: str) -> str:
    theme = result.survey.theme(tid)
    return theme.name if theme else ""


def _overview(wb, ws, fmt, result: SurveyResult):
    heads = [("Thema", 18), ("Indicator", 44), ("Norm", 15), ("Aandeel", 9), ("n", 7), ("Behaald", 16)]
    title = f"{result.survey.title}: {safe(result.gemeente)}" if result.gemeente else result.survey.title
    if not result.shown:
        top = _header(ws, fmt, result, 110, title, 1)
        ws.set_column(0, 0, 110)
        text = (f"Deze enquête heeft {result.respondents} respondenten, minder dan het minimum van {result.min_group}. "
                "Daarom staan er geen cijfers in dit dashboard: met zo weinig antwoorden zou te herleiden zijn wie wat "
                "heeft geantwoord. Verzamel meer antwoorden en maak het dashboard opnieuw.")
        ws.write_string(top, 0, text, fmt["warn"])
        ws.set_row(top, row_height([(text, 110, 12, True)]))
        page_setup(ws)
        return
    top = _header(ws, fmt, result, columns_width([w for _, w in heads]), title, len(heads))
    if not result.survey.indicators:
        text = ("Deze enquête-definitie heeft geen indicatoren (normen op een percentage). De verdeling van de "
                "antwoorden staat op het blad Per vraag.")
        ws.merge_range(top, 0, top, len(heads) - 1, text, fmt["wrap"])
        ws.set_row(top, row_height([(text, columns_width([w for _, w in heads]), 10)]))
        for c, (_, w) in enumerate(heads):
            ws.set_column(c, c, w)
        page_setup(ws)
        return
    rows, fmts, data = [], [], []
    for theme, ir in _indicator_rows(result):
        ind = ir.indicator
        share = None if ir.share is None else ir.share / 100
        rows.append([theme, ind.name, ind.norm_text(), share if share is not None else "–", ir.n, met_text(ir)])
        fmts.append(["cell", "cell", "cell", "pct" if share is not None else "cell_c", "cell_c",
                     "met" if ir.met else ("not" if ir.met is False else "unjudged")])
        data.append((theme, ind, ir))
    _table_mixed(ws, fmt, heads, rows, fmts, top, repeat=len(rows) > ROWS_PER_PAGE - top - 3)
    last = top + len(rows)
    note = ("Aandeel: het deel van de respondenten die de vraag met een meetellend antwoord beantwoordden (n) dat het "
            "antwoord van de indicator gaf. Antwoorden als 'wil ik niet zeggen' tellen niet mee. Behaald: het aandeel "
            "voldoet aan de norm. Niet te beoordelen: de vraag stond niet in de export, of te weinig mensen "
            f"beantwoordden haar (minder dan {result.min_group}).")
    ws.merge_range(last + 1, 0, last + 1, len(heads) - 1, note, fmt["small"])
    ws.set_row(last + 1, row_height([(note, columns_width([w for _, w in heads]), 9)]))
    _charts(wb, ws, fmt, data, last + 3, columns_width([w for _, w in heads]))


def _table_mixed(ws, fmt, heads, rows, fmts, top, repeat: bool = True):
    """A printable table like style.table, with a format per cell (a share as a number, or a
    dash as text). `repeat` False: the header row is not repeated on later pages (a short table
    with charts below it). The widths given must fit the page."""
    widths = [float(w) for _, w in heads]
    for c, ((title, _), w) in enumerate(zip(heads, widths)):
        ws.set_column(c, c, w)
        ws.write_string(top, c, title, fmt["head"])
    ws.set_row(top, row_height([(t, w, 10, True) for (t, _), w in zip(heads, widths)]))
    for r, (row, rf) in enumerate(zip(rows, fmts), top + 1):
        h = row_height([(v, w, 10, f in ("qhead", "label")) for v, w, f in zip(row, widths, rf) if isinstance(v, str)])
        if h > 15:
            ws.set_row(r, h)
        for c, (v, f) in enumerate(zip(row, rf)):
            if isinstance(v, str):
                ws.write_string(r, c, v, fmt[f])
            elif v is None:
                ws.write_blank(r, c, None, fmt[f])
            else:
                ws.write_number(r, c, v, fmt[f])
    ws.freeze_panes(top + 1, 0)
    if repeat:
        ws.repeat_rows(top)
    page_setup(ws)


def _charts(wb, ws, fmt, data, row: int, width_units: float):
    """One bar chart per theme: the share of each indicator beside its norm. The chart's data
    stand in hidden columns to the right of the table."""
    themes: dict[str, list] = {}
    for theme, ind, ir in data:
        themes.setdefault(theme, []).append((ind, ir))
    dc = 8                                    # the first hidden data column
    ws.set_column(dc, dc + 2, 12, None, {"hidden": True})
    ws.write_string(row, 0, "Per thema: aandeel en norm", fmt["h2"])
    breaks = [row]                            # the charts start on a page of their own
    row += 1
    drow = row
    page_left = ROWS_PER_PAGE - 1
    width_px = int(width_units * 7)
    for theme, items in themes.items():
        first = drow
        for ind, ir in items:
            label = f"{ind.name} (norm: {ind.norm_text()})"
            ws.write_string(drow, dc, label)
            if ir.share is not None:
                ws.write_number(drow, dc + 1, ir.share / 100)
            else:
                ws.write_string(drow, dc + 1, "")
            norm = ind.minimum if ind.minimum is not None else ind.maximum
            ws.write_number(drow, dc + 2, (norm or 0) / 100)
            drow += 1
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": "Aandeel", "categories": [OVERVIEW, first, dc, drow - 1, dc],
                          "values": [OVERVIEW, first, dc + 1, drow - 1, dc + 1], "fill": {"color": MID},
                          "data_labels": {"value": True, "num_format": "0%", "font": {"size": 9}}, "gap": 60})
        chart.add_series({"name": "Norm", "categories": [OVERVIEW, first, dc, drow - 1, dc],
                          "values": [OVERVIEW, first, dc + 2, drow - 1, dc + 2],
                          "fill": {"color": "#D9D9D9"}, "border": {"color": "#7F7F7F"},
                          "data_labels": {"value": True, "num_format": "0%", "font": {"size": 9, "color": "#595959"}}})
        chart.set_title({"name": f"{theme or 'Zonder thema'}", "name_font": {"size": 11, "bold": True}})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "major_unit": 0.25,
                          "num_font": {"size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})
        chart.set_legend({"position": "bottom", "font": {"size": 9}})
        chart.show_hidden_data()
        height = 110 + 52 * len(items)
        chart.set_size({"width": width_px, "height": height})
        need = math.ceil(height / 20) + 1
        if need > page_left and page_left < ROWS_PER_PAGE - 1:
            breaks.append(row)
            page_left = ROWS_PER_PAGE
        ws.insert_chart(row, 0, chart, {"object_position": 3})
        row += need
        page_left -= need
    ws.set_h_pagebreaks(breaks)


def _questions(ws, fmt, result: SurveyResult):
    s = result.survey
    heads = [("Vraag", 52), ("Antwoord", 24), ("Aantal", 9), ("Aandeel", 9), ("n", 8)]
    top = _header(ws, fmt, result, columns_width([w for _, w in heads]), "Antwoorden per vraag",
                  len(heads))
    rows: list[list] = []
    fmts: list[list[str]] = []
    for q in s.of_kind(KEUZE):
        text = f"{q.id}. {q.text}"
        t = result.tallies.get(q.id)
        if t is None:
            rows.append([text, NOT_ASKED + " (de vraag stond niet in de export)", None, None, None])
            fmts.append(["qhead", "unjudged", "cell_c", "cell_c", "cell_c"])
            continue
        if not t.shown:
            rows.append([text, f"{TOO_FEW} (minder dan {result.min_group})", None, None, None])
            fmts.append(["qhead", "unjudged", "cell_c", "cell_c", "cell_c"])
            continue
        for i, c in enumerate(x for x in s.scale(q.scale_id).choices if x.counted):
            k = t.counts.get(c.label, 0)
            rows.append([text if i == 0 else "", c.label, k, (k / t.n) if t.n else "–", t.n if i == 0 else None])
            fmts.append(["qhead" if i == 0 else "cell", "cell", "cell_c", "pct" if t.n else "cell_c", "cell_c"])
    _table_mixed(ws, fmt, heads, rows, fmts, top)
    note = ("n: de respondenten die de vraag met een meetellend antwoord beantwoordden. Antwoorden als 'wil ik niet "
            "zeggen' en lege antwoorden tellen niet mee. Een vraag met minder dan "
            f"{result.min_group} meetellende antwoorden toont geen cijfers.")
    r = top + len(rows) + 1
    ws.merge_range(r, 0, r, len(heads) - 1, note, fmt["small"])
    ws.set_row(r, row_height([(note, columns_width([w for _, w in heads]), 9)]))


def _grouping(ws, fmt, result: SurveyResult, g: GroupingResult):
    """Rows: the whole survey and the shown groups; columns: the indicators, as many as fit
    across a page, the rest in a next block on a page of its own."""
    inds = [ir for _, ir in _indicator_rows(result)]
    q = g.question
    name_w, size_w = 26.0, 13.0
    # an indicator column as wide as its longest word, so that the headers do not break inside words
    longest = max((len(w) for ir in inds for w in ir.indicator.name.split()), default=8)
    ind_w = float(min(18, max(10, math.ceil(longest * 9 / 11) + 1)))     # headers in 9 pt
    per_block = max(1, int((page_units() - columns_width([name_w, size_w])) // (ind_w + PAD)))
    blocks = [inds[i:i + per_block] for i in range(0, len(inds), per_block)] or [[]]
    ncols = 2 + min(len(inds), per_block)
    width = columns_width([name_w, size_w] + [ind_w] * (ncols - 2))
    row = _header(ws, fmt, result, width, f"Per groep: {q.text}", ncols)
    ws.set_column(0, 0, name_w)
    ws.set_column(1, 1, size_w)
    if ncols > 2:                          # (xlsxwriter swaps a reversed range: 2..1 would narrow column 1)
        ws.set_column(2, ncols - 1, ind_w)
    groups = [("Totaal", result.respondents, result.indicators)] + [
        (g_.name or NO_GROUP, g_.size, g_.indicators) for g_ in g.groups if g_.shown]
    first_head = row
    breaks = []
    used = PAGE_HEIGHT                      # points used on the current page; the title lines first
    for b, block in enumerate(blocks):
        heads = ["Groep", "Respondenten"] + [f"{ir.indicator.name} ({ir.indicator.norm_text()})" for ir in block]
        head_h = row_height([(h, ind_w, 9) if c > 1 else (h, name_w, 10, True) for c, h in enumerate(heads)])
        heights = [row_height([(safe(name), name_w, 10, name == "Totaal")]) for name, _, _ in groups]
        need = head_h + sum(heights) + 30
        if b and used + need > PAGE_HEIGHT:     # the next block on a page of its own, unless it fits below
            breaks.append(row)
            used = 0
        used = (used if b else 60) + need
        for c, h in enumerate(heads):
            ws.write_string(row, c, h, fmt["head9"] if c > 1 else fmt["head"])
        ws.set_row(row, head_h)
        for (name, size, irs), height in zip(groups, heights):
            row += 1
            if height > 15:
                ws.set_row(row, height)
            ws.write_string(row, 0, safe(name), fmt["total"] if name == "Totaal" else fmt["cell"])
            ws.write_number(row, 1, size, fmt["cell_c"])
            for c, ir0 in enumerate(block, 2):
                ir = irs.get(ir0.indicator.id)
                if ir is None or ir.share is None:
                    ws.write_string(row, c, "–", fmt["cell_c"])
                else:
                    ws.write_number(row, c, ir.share / 100, fmt["pct_met"] if ir.met else fmt["pct_not"])
        row += 2
    notes = [hidden_line(g, result.min_group),
             "Groen: de norm is behaald; oranje: niet behaald. '–': te weinig antwoorden in die groep op die vraag "
             f"(minder dan {result.min_group}), of de vraag stond niet in de export."]
    for note in notes:
        ws.merge_range(row, 0, row, ncols - 1, note, fmt["wrap"] if note is notes[0] else fmt["small"])
        ws.set_row(row, row_height([(note, width, 10 if note is notes[0] else 9)]))
        row += 1
    ws.freeze_panes(first_head + 1, 1)
    if len(blocks) == 1:
        ws.repeat_rows(first_head)
    elif breaks:
        ws.set_h_pagebreaks(breaks)
    page_setup(ws)


def _texts(ws, fmt, result: SurveyResult):
    heads = [("Vraag", 30), ("Antwoord", 84)]
    top = _header(ws, fmt, result, columns_width([w for _, w in heads]), "Vrije tekst", len(heads))
    ws.merge_range(2, 0, 2, 1, "Alle antwoorden van de hele organisatie, op alfabet (nooit per groep), zoals getypt.",
                   fmt["small"])
    rows = []
    for q in result.survey.questions:
        for i, t in enumerate(result.texts.get(q.id, [])):
            t = safe(t)
            rows.append([q.text if i == 0 else "", t if len(t) <= MAX_TEXT else t[:MAX_TEXT] + " … (ingekort)"])
    table(ws, fmt, heads, rows, ["label", "cell"], top=top)


def _about(ws, fmt, result: SurveyResult):
    s = result.survey
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 92)
    ws.write_string(0, 0, "Over dit dashboard", fmt["title"])
    sources = "\n".join(f"{safe(Path(name).name)} (SHA-256 {sha})" for name, sha in result.sources) or "geen"
    dropped = ", ".join(safe(c) for c in result.dropped_columns)
    lines = [
        ("Enquête", f"{s.label()}, id {s.id}"),
        ("Over de enquête", s.note),
        ("Gemeente", safe(result.gemeente) or "niet opgegeven"),
        ("Periode", result.period or "onbekend (de export had geen kolom met de tijd van invullen)"),
        ("Respondenten", str(result.respondents)),
        ("Kleinste groep", f"{result.min_group} respondenten"),
        ("Bronbestanden", sources),
        ("Wat bewaard is", "Alleen de antwoorden op de vragen van de enquête, en die alleen opgeteld: aantallen en "
                           "percentages per vraag, per indicator en per groep. Van een kolom met de tijd van invullen "
                           "is alleen de maand van het laatste antwoord gebruikt (de periode)."),
        ("Wat niet bewaard is", "Namen, e-mailadressen, respondentnummers en tijdstippen worden niet gelezen en "
                                "staan nergens in dit dashboard, de JSON of de CSV. Losse antwoorden van één persoon "
                                "staan er ook niet in."),
        ("Niet gelezen kolommen", dropped or "geen"),
        ("Kleine groepen", f"Een groep (een afdeling, een functie) met minder dan {result.min_group} respondenten "
                           "toont geen cijfers en wordt niet genoemd; die respondenten tellen alleen mee in het "
                           "totaal. Zou iemand door het totaal min de getoonde groepen toch herkenbaar worden, dan "
                           "wordt ook de kleinste getoonde groep verborgen. Hetzelfde geldt per vraag."),
        ("Vrije tekst", "Opgenomen op het blad Vrije tekst, alleen voor de hele organisatie." if result.texts else
                        "Niet opgenomen (alleen op verzoek, en dan nooit per groep)."),
        ("Gemaakt op", f"{dt.datetime.now():%d-%m-%Y %H:%M}"),
        ("Gemaakt met", f"piramide {__version__}"),
    ]
    for i, (k, v) in enumerate(lines, 2):
        ws.write_string(i, 0, k, fmt["label"])
        ws.write_string(i, 1, v or "", fmt["wrap"])
        ws.set_row(i, row_height([(k, 24, 10, True), (v or "", 92, 10)]))
    page_setup(ws)
