"""Write the region overview workbook (xlsxwriter): where each municipality stands per
pillar, who moved, how the region is spread over the phases, and what is most often open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from . import __version__
from .dashboard import default_name
from .output import OUTPUT_MARK, atomic_buffer
from .regional import Overview
from .text import round_pct
from .style import lines as style_lines
from .style import (DARK, LIGHT, MID, columns_width, findings_sheet, formats, page_setup, page_units, row_height, signed,
                    table)


def write_overview(ov: Overview, path: str | Path, dashboards_dir: Path | None = None,
                   replace: bool = True) -> Path:
    path = Path(path)
    with atomic_buffer(path, replace) as buf:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        fmt = formats(wb)
        wb.set_custom_property(OUTPUT_MARK, "regio-overzicht")
        wb.set_properties({"title": "Regio-overzicht Piramide Fitte Gemeenten",
                           "comments": f"Gemaakt met piramide {__version__}. Vertrouwelijk."})
        _region(wb, wb.add_worksheet("Regio"), fmt, ov, path.parent if dashboards_dir is None else dashboards_dir)
        _distribution(wb, wb.add_worksheet("Verdeling"), fmt, ov)
        _open(wb.add_worksheet("Open indicatoren"), fmt, ov)
        if ov.surveys:
            _surveys(wb, wb.add_worksheet("Enquête"), fmt, ov)
        if not ov.anonymous:
            findings_sheet(wb.add_worksheet("Meldingen"), fmt, ov.findings)
        _about(wb.add_worksheet("Over"), fmt, ov)
        wb.close()
    return path


PER_PILLAR = [("F", 5), ("S", 6.5), ("Δ", 6), ("Tot amb.", 7.5)]   # columns per pillar, widths
AVERAGE_LABEL = "Gemiddelde regio"
NOTE = ("F = fase (0 = nog geen fase, donkerder = hoger); S = score (rood laag, "
        "groen hoog); Δ = verschil in score (procentpunten) met de vorige meting van die gemeente; "
        "Tot amb. = ambitie min fase (rood: nog te gaan; 0: ambitie bereikt; leeg: geen ambitie gekozen). "
        "Gemiddelde regio: het gemiddelde van de laatste metingen; een pijler die bij een gemeente niet "
        "te beoordelen is (alles n.v.t.) telt daar niet mee.")


def _title(regio: list[str], width: float) -> str:
    """'Regio-overzicht: <regio's>', with as many names as fit on the title's one line and the
    rest counted ("en 8 andere"): the title cell does not wrap."""
    for shown in range(len(regio), 0, -1):
        rest = len(regio) - shown
        title = "Regio-overzicht: " + ", ".join(regio[:shown]) + (f" en {rest} andere" if rest else "")
        if style_lines(title, width, 18, bold=True) == 1:
            return title
    return "Regio-overzicht" + (f": {len(regio)} regio's" if regio else "")


def _region(wb, ws, fmt, ov: Overview, dash_dir: Path):
    q = ov.questionnaire
    pids = ov.pillar_ids()
    names = {p.id: p.name for p in q.pillars}
    top = q.top_phase
    n = len(ov.rows)
    k = len(PER_PILLAR)
    ncol = 2 + k * len(pids) + (0 if ov.anonymous else 1)
    ws.set_column(0, 0, 28 if not ov.anonymous else 17)
    ws.set_column(1, 1, 11)
    for j in range(len(pids)):
        for i, (_, width) in enumerate(PER_PILLAR):
            ws.set_column(2 + k * j + i, 2 + k * j + i, width)
    ws.set_column(2 + k * len(pids), 2 + k * len(pids), 38)
    first = 28 if not ov.anonymous else 17
    groups = [(1, [11.0])] + [(2 + k * j, [float(w) for _, w in PER_PILLAR]) for j in range(len(pids))] \
        + ([] if ov.anonymous else [(2 + k * len(pids), [38.0])])
    breaks = _page_breaks(groups, first)
    end = breaks[0] - 1 if breaks else ncol - 1          # texts across the sheet stay on its first page,
    c0 = 1 if breaks else 0                              # and out of the gemeente column every page repeats
    regio = sorted({r.latest.measurement.regio for r in ov.rows if r.latest.measurement.regio})
    width = (0 if breaks else first) + sum(sum(ws_) for start, ws_ in groups if start <= end)   # the merged width
    title = _title([] if ov.anonymous else regio, width)
    ws.merge_range(0, c0, 0, end, title + (" (geanonimiseerd)" if ov.anonymous else ""), fmt["title"])
    dates = [r.latest.measurement.datum for r in ov.rows if r.latest.measurement.datum]
    span = ""
    if dates:
        lo, hi = min(dates), max(dates)
        span = f" · laatste metingen van {lo:%m-%Y} t/m {hi:%m-%Y}" if ov.anonymous else \
            f" · laatste metingen van {lo:%d-%m-%Y} t/m {hi:%d-%m-%Y}"
    sub = (f"{n} gemeenten{span} · {q.label()} · per pijler de fase (F), de score (S), het verschil in score met "
           "de vorige meting (Δ) en de fasen tot de ambitie (Tot amb.)")
    lines = -(-len(sub) // int(width * 1.1))       # with few pillars the lines wrap, and their rows grow
    ws.merge_range(1, c0, 1, end, sub, wb.add_format({"font_name": "Calibri", "font_size": 10,
                                                          "font_color": "#404040", "text_wrap": True,
                                                          "valign": "top"}))
    if lines > 1:
        ws.set_row(1, 13 * lines + 2)
    head = 3
    ws.write_string(head, 0, "Code" if ov.anonymous else "Gemeente", fmt["head"])
    ws.write_string(head, 1, "Maand" if ov.anonymous else "Datum", fmt["head"])
    for j, pid in enumerate(pids):
        c = 2 + k * j
        ws.merge_range(head - 1, c, head - 1, c + k - 1, names[pid], fmt["head"])
        for i, (h, _) in enumerate(PER_PILLAR):
            ws.write_string(head, c + i, h, fmt["head"])
    ws.set_row(head - 1, 30)
    if not ov.anonymous:
        ws.write_string(head, ncol - 1, "Dashboard", fmt["head"])
    for i, row in enumerate(ov.rows):
        r = head + 1 + i
        m = row.latest.measurement
        ws.write_string(r, 0, row.name, fmt["cell"])
        ws.write_string(r, 1, (m.datum.strftime("%m-%Y") if ov.anonymous else m.datum.strftime("%d-%m-%Y"))
                        if m.datum else "?", fmt["cell_c"])
        before = {p.pillar.id: p for p in row.previous.pillars} if row.previous else {}
        now = {p.pillar.id: p for p in row.latest.pillars}
        for j, pid in enumerate(pids):
            c = 2 + k * j
            p = now.get(pid)
            ws.write(r, c, p.phase if p else "–", fmt["cell_c"])
            ws.write(r, c + 1, (p.score / 100) if p and p.score is not None else "–", fmt["pct"])
            b = before.get(pid)
            delta = "" if not (p and b and p.score is not None and b.score is not None) else \
                signed(round_pct(p.score) - round_pct(b.score))
            ws.write_string(r, c + 2, delta, fmt["cell_c"])
            if p and p.gap is not None:
                ws.write_number(r, c + 3, p.gap, fmt["cell_c"])
            else:
                ws.write_blank(r, c + 3, None, fmt["cell_c"])
        if not ov.anonymous:
            name = default_name(row.latest)
            if (dash_dir / name).exists():
                ws.write_url(r, ncol - 1, f"external:{name}", fmt["cell"], name)
            else:
                ws.write_string(r, ncol - 1, name, fmt["cell"])
    last = head + n
    green = wb.add_format({"font_color": "#376026", "bold": True})
    red = wb.add_format({"font_color": "#C00000", "bold": True})
    for j in range(len(pids)):
        c = 2 + k * j
        ws.conditional_format(head + 1, c, last, c, {"type": "2_color_scale", "min_type": "num", "min_value": 0,
                                                     "max_type": "num", "max_value": top, "min_color": "#F2F2F2",
                                                     "max_color": MID})
        ws.conditional_format(head + 1, c + 1, last, c + 1, {"type": "3_color_scale", "min_type": "num",
                                                             "min_value": 0, "mid_type": "num", "mid_value": 0.5,
                                                             "max_type": "num", "max_value": 1,
                                                             "min_color": "#F8CBAD", "mid_color": "#FFE699",
                                                             "max_color": "#C6E0B4"})
        ws.conditional_format(head + 1, c + 2, last, c + 2, {"type": "text", "criteria": "begins with", "value": "+",
                                                             "format": green})
        ws.conditional_format(head + 1, c + 2, last, c + 2, {"type": "text", "criteria": "begins with", "value": "-",
                                                             "format": red})
        ws.conditional_format(head + 1, c + 3, last, c + 3, {"type": "cell", "criteria": ">", "value": 0,
                                                             "format": red})
    _average_row(wb, ws, ov, last + 1, k, ncol)
    ws.freeze_panes(head + 1, 1)
    ws.autofilter(head, 0, last, ncol - 1)    # the average row stays below, out of sorting and filtering
    note = last + 3
    ws.merge_range(note, c0, note, end, NOTE, fmt["small"])
    ws.set_row(note, 11 * -(-len(NOTE) // int(width * 1.3)) + 3)      # 8 points: more characters a line
    ws.repeat_rows(head - 1, head)
    page_setup(ws, landscape=True)
    if not ov.anonymous:                   # the dashboard's file name is for the screen, not for paper
        ws.print_area(0, 0, note, ncol - 2)
    if breaks:
        ws.fit_to_pages(0, 0)                  # no fitting: the scale below holds
        ws.set_print_scale(PRINT_SCALE)
        ws.set_v_pagebreaks(breaks)
        ws.repeat_columns(0)
        ws.set_header(f"&L&9{title.replace('&', '&&')}")


PRINT_SCALE = 95          # the Regio sheet: legible, over as many pages across as its pillars need


def _page_breaks(groups: list[tuple[int, list[float]]], first: float) -> list[int]:
    """Where a wide sheet breaks when printed at a legible scale over several pages across:
    only between column groups (a pillar's columns stay together); the gemeente column is
    repeated on every page."""
    room = page_units(True, PRINT_SCALE / 100) - columns_width([first])
    breaks, used = [], 0.0
    for start, widths in groups:
        w = columns_width(widths)
        if used and used + w > room:
            breaks.append(start)
            used = 0.0
        used += w
    return breaks


def _average_row(wb, ws, ov: Overview, r: int, k: int, ncol: int):
    """The row "Gemiddelde regio": per pillar the mean phase (one decimal) and mean score."""
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top", "bold": True, "bg_color": LIGHT,
            "font_color": DARK, "border": 1, "border_color": "#BFBFBF", "top": 6, "top_color": DARK}
    label = wb.add_format(base)
    plain = wb.add_format({**base, "align": "center"})
    phase = wb.add_format({**base, "align": "center", "num_format": "0.0"})
    pct = wb.add_format({**base, "align": "center", "num_format": "0%"})
    ws.write_string(r, 0, AVERAGE_LABEL, label)
    ws.write_blank(r, 1, None, plain)
    for j, a in enumerate(ov.averages()):
        c = 2 + k * j
        if a.phase is None:
            ws.write_string(r, c, "–", plain)
        else:
            ws.write_number(r, c, a.phase, phase)
        if a.score is None:
            ws.write_string(r, c + 1, "–", plain)
        else:
            ws.write_number(r, c + 1, a.score / 100, pct)
        for i in range(2, k):
            ws.write_blank(r, c + i, None, plain)
    for c in range(2 + k * len(ov.pillar_ids()), ncol):
        ws.write_blank(r, c, None, plain)


def _phase_colours(top: int) -> list[str]:
    """A fill per phase 0 … top, all different: grey for no phase, then light to dark blue in
    the house palette (light blue, MID, DARK), so a higher phase is always darker."""
    stops = [(0xBD, 0xD7, 0xEE), _rgb(MID), _rgb(DARK)]
    out = ["#D9D9D9"]
    for n in range(1, top + 1):
        t = 0.0 if top == 1 else (n - 1) / (top - 1) * (len(stops) - 1)
        i = min(int(t), len(stops) - 2)
        a, b = stops[i], stops[i + 1]
        out.append("#" + "".join(f"{round(x + (y - x) * (t - i)):02X}" for x, y in zip(a, b)))
    return out


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _is_dark(colour: str) -> bool:
    r, g, b = _rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def _distribution(wb, ws, fmt, ov: Overview):
    q = ov.questionnaire
    top = q.top_phase
    dist = ov.distribution()
    names = {p.id: p.name for p in q.pillars}
    ws.set_column(0, 0, 34)
    ws.set_column(1, top + 1, 14)
    ws.merge_range(0, 0, 0, top + 1, "Hoeveel gemeenten staan in welke fase", fmt["title"])
    heads = ["Pijler"] + ["Geen fase"] + [f"{p.number} {p.name}" for p in q.phases]
    ws.set_row(2, 30)
    for c, h in enumerate(heads):
        ws.write_string(2, c, h, fmt["head"])
    pids = ov.pillar_ids()
    for i, pid in enumerate(pids):
        ws.write_string(3 + i, 0, names[pid], fmt["cell"])
        for k, count in enumerate(dist[pid]):
            ws.write_number(3 + i, 1 + k, count, fmt["cell_c"])
    n = len(dist)
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for k, colour in enumerate(_phase_colours(top)):
        # An empty segment gets no label: a "0" would sit on the border of its neighbours.
        custom = [{"delete": True} if dist[pid][k] == 0 else None for pid in pids]
        chart.add_series({"name": ["Verdeling", 2, 1 + k], "categories": ["Verdeling", 3, 0, 2 + n, 0],
                          "values": ["Verdeling", 3, 1 + k, 2 + n, 1 + k], "fill": {"color": colour},
                          "border": {"color": "#404040", "width": 0.5},
                          "data_labels": {"value": True, "custom": custom,
                                          "font": {"size": 10, "bold": True,
                                                   "color": "#FFFFFF" if _is_dark(colour) else "#000000"}}})
    chart.set_title({"name": "Gemeenten per fase, per pijler", "name_font": {"size": 11, "bold": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 10}})
    chart.set_x_axis({"name": "aantal gemeenten", "name_font": {"size": 10}, "num_font": {"size": 10},
                      "min": 0, "major_unit": 1,                       # whole gemeenten
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 10}})
    chart.set_size({"width": 820, "height": 320})
    ws.insert_chart(4 + n, 0, chart)
    page_setup(ws, landscape=True, fit_height=1)


WHO_WIDTH = 36        # the column "Welke gemeenten": a line holds this many characters in every program


def _who(names: list[str]) -> list[str]:
    """The names (codes) as lines that fit the column, broken only between names: left to the
    program, "G-52D6GSYH" or "'s-Hertogenbosch" would be broken at its hyphen."""
    lines = [""]
    for name in names:
        if lines[-1] and len(lines[-1]) + 2 + len(name) > WHO_WIDTH:
            lines[-1] += ","
            lines.append(name)
        else:
            lines[-1] += (", " if lines[-1] else "") + name
    return lines


def _open(ws, fmt, ov: Overview):
    heads = [("Indicator", 9), ("Naam", 28), ("Pijler", 7), ("Fase", 5), ("Open bij", 8), ("Gemeten bij", 11),
             ("Welke codes" if ov.anonymous else "Welke gemeenten", WHO_WIDTH), ("Handvat: wat helpt", 52)]
    items = ov.open_indicators()
    who = [_who(o.gemeenten) for o in items]
    rows = [[o.indicator.id, o.indicator.name, o.pillar_id, o.indicator.phase, o.open, o.measured,
             "\n".join(lines), o.indicator.handvat] for o, lines in zip(items, who)]
    table(ws, fmt, heads, rows, ["cell_c", "cell", "cell_c", "cell_c", "cell_c", "cell_c", "cell", "cell"], keep=(6,))
    # table() measures every cell, the line breaks we put in the name lists included


def _surveys(wb, ws, fmt, ov: Overview):
    """The staff survey per gemeente and indicator: the share, marked when the norm is met. A
    gemeente with fewer respondents than the minimum shows no figures, and the region no total.
    The indicators go in blocks as wide as a page, each block with the gemeenten again, so the
    print stays legible however many indicators a survey has."""
    results = [r for _, r in ov.surveys]
    survey = results[0].survey
    f = {"font_name": "Calibri", "font_size": 10, "border": 1, "border_color": "#BFBFBF", "align": "center",
         "valign": "top"}
    fmt = {**fmt, "met": wb.add_format({**f, "bold": True, "bg_color": LIGHT}), "c": wb.add_format(f),
           "head9": wb.add_format({"font_name": "Calibri", "font_size": 9, "bold": True, "bg_color": DARK,
                                   "font_color": "#FFFFFF", "text_wrap": True, "border": 1, "valign": "top"})}
    fixed = [("Code" if ov.anonymous else "Gemeente", 20.0), ("Respondenten", 13.0), ("Periode", 13.0)]
    ind_w = 12.0
    per_block = max(1, int((page_units() - columns_width([w for _, w in fixed])) // (ind_w + 0.71)))
    indicators = list(survey.indicators)
    blocks = [indicators[i:i + per_block] for i in range(0, len(indicators), per_block)] or [[]]
    ncols = len(fixed) + min(len(indicators), per_block)
    for c, (_, w) in enumerate(fixed):
        ws.set_column(c, c, w)
    if ncols > len(fixed):
        ws.set_column(len(fixed), ncols - 1, ind_w)
    width = columns_width([w for _, w in fixed] + [ind_w] * (ncols - len(fixed)))
    ws.write_string(0, 0, f"{survey.title}: per gemeente", fmt["title"])
    intro = ("Het deel van de antwoorden per indicator; ✓ en gekleurd: de norm is behaald. Een gemeente met minder dan "
             f"{results[0].min_group} respondenten krijgt geen cijfers; de regio geen totaal, zodat niemand door "
             "aftrekken herkenbaar wordt.")
    ws.merge_range(1, 0, 1, ncols - 1, intro, fmt["small"])
    ws.set_row(1, row_height([(intro, width, 9)]))
    row, breaks = 3, []
    for b, block in enumerate(blocks):
        if b:
            breaks.append(row)
        heads = [h for h, _ in fixed] + [f"{i.name} ({i.norm_text()})" for i in block]
        for c, h in enumerate(heads):
            ws.write_string(row, c, h, fmt["head"] if c < len(fixed) else fmt["head9"])
        ws.set_row(row, row_height([(h, w, 10, True) for h, (_, w) in zip(heads, fixed)] +
                                   [(h, ind_w, 9, True) for h in heads[len(fixed):]]))
        for name, r in ov.surveys:
            row += 1
            ws.write_string(row, 0, name, fmt["cell"])
            ws.write_string(row, 1, str(r.respondents) if r.shown else f"minder dan {r.min_group}", fmt["c"])
            ws.write_string(row, 2, r.period or "onbekend", fmt["c"])
            for c, ind in enumerate(block, len(fixed)):
                ir = r.indicators.get(ind.id)
                if ir is None or not ir.asked:
                    ws.write_string(row, c, "niet gevraagd", fmt["c"])
                elif ir.share is None:
                    ws.write_string(row, c, "te weinig", fmt["c"])
                else:
                    ws.write_string(row, c, f"{round_pct(ir.share)}%" + (" ✓" if ir.met else ""),
                                    fmt["met"] if ir.met else fmt["c"])
        row += 2
    if breaks:
        ws.set_h_pagebreaks(breaks)
    page_setup(ws)


def _about(ws, fmt, ov: Overview):
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 92)
    ws.write_string(0, 0, "Over dit overzicht", fmt["title"])
    lines = [("Gemaakt op", f"{dt.datetime.now():%d-%m-%Y %H:%M}"), ("Gemaakt met", f"piramide {__version__}"),
             ("Gemeenten", str(len(ov.rows))),
             ("Per gemeente", "De laatste meting; Δ vergelijkt met de meting daarvoor van dezelfde gemeente."),
             ("Open indicatoren", "Indicatoren die in de laatste meting niet behaald (en niet n.v.t.) zijn, met het "
                                  "aantal gemeenten: daar helpt een regionale aanpak het meest.")]
    if ov.anonymous:
        lines.append(("Geanonimiseerd", "Namen zijn vervangen door codes die alleen met de sleutel van het RIEC "
                      "te herleiden zijn. Weggelaten: namen, regio, invullers, toelichtingen, bestandsnamen, "
                      "SHA-256 en dagen (alleen maand en jaar)."))
    for i, (k, v) in enumerate(lines, 2):
        ws.write_string(i, 0, k, fmt["label"])
        ws.write_string(i, 1, v, fmt["wrap"])
        ws.set_row(i, row_height([(k, 24, 10, True), (v, 92, 10)]))
    page_setup(ws)
