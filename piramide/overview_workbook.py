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
from .style import MID, findings_sheet, formats, page_setup, row_height, table


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
        if not ov.anonymous:
            findings_sheet(wb.add_worksheet("Meldingen"), fmt, ov.findings)
        _about(wb.add_worksheet("Over"), fmt, ov)
        wb.close()
    return path


def _region(wb, ws, fmt, ov: Overview, dash_dir: Path):
    q = ov.questionnaire
    pids = ov.pillar_ids()
    names = {p.id: p.name for p in q.pillars}
    top = q.top_phase
    n = len(ov.rows)
    ncol = 2 + 3 * len(pids) + (0 if ov.anonymous else 1)
    ws.set_column(0, 0, 28 if not ov.anonymous else 12)
    ws.set_column(1, 1, 11)
    ws.set_column(2, 1 + 3 * len(pids), 6.5)
    ws.set_column(2 + 3 * len(pids), 2 + 3 * len(pids), 38)
    regio = sorted({r.latest.measurement.regio for r in ov.rows if r.latest.measurement.regio})
    title = "Regio-overzicht" + ("" if ov.anonymous or not regio else f": {', '.join(regio)}")
    ws.merge_range(0, 0, 0, ncol - 1, title + (" (geanonimiseerd)" if ov.anonymous else ""), fmt["title"])
    dates = [r.latest.measurement.datum for r in ov.rows if r.latest.measurement.datum]
    span = ""
    if dates:
        lo, hi = min(dates), max(dates)
        span = f" · laatste metingen van {lo:%m-%Y} t/m {hi:%m-%Y}" if ov.anonymous else \
            f" · laatste metingen van {lo:%d-%m-%Y} t/m {hi:%d-%m-%Y}"
    ws.merge_range(1, 0, 1, ncol - 1, f"{n} gemeenten{span} · {q.label()} · per pijler de fase (F), de score (S) "
                   "en het verschil in score met de vorige meting (Δ)", fmt["sub"])
    head = 3
    ws.write_string(head, 0, "Code" if ov.anonymous else "Gemeente", fmt["head"])
    ws.write_string(head, 1, "Maand" if ov.anonymous else "Datum", fmt["head"])
    for j, pid in enumerate(pids):
        c = 2 + 3 * j
        ws.merge_range(head - 1, c, head - 1, c + 2, names[pid], fmt["head"])
        for k, h in enumerate(["F", "S", "Δ"]):
            ws.write_string(head, c + k, h, fmt["head"])
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
            c = 2 + 3 * j
            p = now.get(pid)
            ws.write(r, c, p.phase if p else "–", fmt["cell_c"])
            ws.write(r, c + 1, (p.score / 100) if p and p.score is not None else "–", fmt["pct"])
            b = before.get(pid)
            delta = "" if not (p and b and p.score is not None and b.score is not None) else f"{p.score - b.score:+.0f}"
            ws.write_string(r, c + 2, delta, fmt["cell_c"])
        if not ov.anonymous:
            name = default_name(row.latest)
            if (dash_dir / name).exists():
                ws.write_url(r, ncol - 1, f"external:{name}", fmt["cell"], name)
            else:
                ws.write_string(r, ncol - 1, name, fmt["cell"])
    last = head + n
    for j in range(len(pids)):
        c = 2 + 3 * j
        ws.conditional_format(head + 1, c, last, c, {"type": "2_color_scale", "min_type": "num", "min_value": 0,
                                                     "max_type": "num", "max_value": top, "min_color": "#F2F2F2",
                                                     "max_color": MID})
        ws.conditional_format(head + 1, c + 1, last, c + 1, {"type": "3_color_scale", "min_type": "num",
                                                             "min_value": 0, "mid_type": "num", "mid_value": 0.5,
                                                             "max_type": "num", "max_value": 1,
                                                             "min_color": "#F8CBAD", "mid_color": "#FFE699",
                                                             "max_color": "#C6E0B4"})
        ws.conditional_format(head + 1, c + 2, last, c + 2, {"type": "text", "criteria": "begins with", "value": "+",
                                                             "format": wb.add_format({"font_color": "#376026", "bold": True})})
        ws.conditional_format(head + 1, c + 2, last, c + 2, {"type": "text", "criteria": "begins with", "value": "-",
                                                             "format": wb.add_format({"font_color": "#C00000", "bold": True})})
    ws.freeze_panes(head + 1, 1)
    ws.autofilter(head, 0, last, ncol - 1)
    note = last + 2
    ws.merge_range(note, 0, note, ncol - 1, "F = fase (0 = nog geen fase, donkerder = hoger); S = score (rood laag, "
                   "groen hoog); Δ = verschil in score (procentpunten) met de vorige meting van die gemeente.",
                   fmt["small"])
    ws.repeat_rows(head - 1, head)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.4, 0.4, 0.5, 0.5)
    ws.set_footer("&L&8Vertrouwelijk&R&8&A · &P / &N")


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
    for i, pid in enumerate(ov.pillar_ids()):
        ws.write_string(3 + i, 0, names[pid], fmt["cell"])
        for k, count in enumerate(dist[pid]):
            ws.write_number(3 + i, 1 + k, count, fmt["cell_c"])
    n = len(dist)
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    shades = ["#D9D9D9", "#BDD7EE", "#9DC3E6", "#2E75B6", "#1F3864", "#0B1A33"]
    patterns = [None, "light_upward_diagonal", "dark_upward_diagonal", "wide_upward_diagonal", None, None]
    for k in range(top + 1):
        fill = {"color": shades[k % len(shades)]}
        series = {"name": ["Verdeling", 2, 1 + k], "categories": ["Verdeling", 3, 0, 2 + n, 0],
                  "values": ["Verdeling", 3, 1 + k, 2 + n, 1 + k], "fill": fill,
                  "border": {"color": "#404040", "width": 0.5}, "data_labels": {"value": True, "font": {"size": 8}}}
        if patterns[k % len(patterns)]:
            series["pattern"] = {"pattern": patterns[k % len(patterns)], "fg_color": "#1F3864",
                                 "bg_color": shades[k % len(shades)]}
            del series["fill"]
        chart.add_series(series)
    chart.set_title({"name": "Gemeenten per fase, per pijler", "name_font": {"size": 11, "bold": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_x_axis({"name": "aantal gemeenten", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 820, "height": 320})
    ws.insert_chart(4 + n, 0, chart)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)


def _open(ws, fmt, ov: Overview):
    heads = [("Indicator", 9), ("Naam", 30), ("Pijler", 7), ("Fase", 5), ("Open bij", 9), ("Gemeten bij", 10),
             ("Handvat: wat helpt", 70)]
    rows = [[ind.id, ind.name, pid, ind.phase, open_n, total, ind.handvat]
            for ind, pid, open_n, total in ov.open_indicators()]
    table(ws, fmt, heads, rows, ["cell_c", "cell", "cell_c", "cell_c", "cell_c", "cell_c", "cell"])


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
