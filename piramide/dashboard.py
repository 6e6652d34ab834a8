"""Write a municipality's dashboard workbook (xlsxwriter) from a Result.

Every figure on the Dashboard sheet can be traced: Indicatoren lists the answers behind each
status, Antwoorden the cell each answer came from, Over the source file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from . import __version__
from . import wording as W
from .output import OUTPUT_MARK, atomic_buffer
from .text import for_file, round_pct
from .scoring import Result
from .style import MID, PAD, STATUS_FILL, findings_sheet, formats, page_setup, page_units, row_height, signed, table

def default_name(r: Result) -> str:
    from .serialize import slug
    m = r.measurement
    datum = m.datum.isoformat() if m.datum else "zonder-datum"
    return f"{slug(m.gemeente)}-dashboard-{datum}.xlsx"


def dashboard_paths(trends, folder: Path) -> list[Path]:
    """One dashboard path per gemeente in `folder`. Two gemeenten whose names give one file
    name (say on a file system that ignores case) each get a stable suffix from their name."""
    import hashlib
    names = [default_name(t.latest) for t in trends]
    keys = [n.casefold() for n in names]
    out = []
    for t, name, key in zip(trends, names, keys):
        if keys.count(key) > 1:
            tag = hashlib.sha256(t.gemeente.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            stem, _, ext = name.rpartition(".")
            name = f"{stem}-{tag}.{ext}"
        out.append(folder / name)
    return out


def write_dashboard(r: Result, path: str | Path, trend=None, replace: bool = True, plan=None) -> Path:
    """The dashboard of `r` (with trend sheets when `trend` holds more measurements). `plan`,
    an actionplan.CarriedPlan, puts the previous action plan on the Verbeterpunten sheet."""
    path = Path(path)
    with atomic_buffer(path, replace) as buf:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "default_date_format": "dd-mm-yyyy"})
        fmt = formats(wb)
        fmt["steps"] = wb.add_format({"font_name": "Calibri", "font_size": 9, "text_wrap": True, "valign": "top"})
        wb.set_custom_property(OUTPUT_MARK, "dashboard")
        m = r.measurement
        wb.set_properties({"title": f"{r.questionnaire.title}: {m.gemeente}", "subject": "Dashboard weerbaarheid",
                           "comments": f"Gemaakt met piramide {__version__}. Vertrouwelijk."})
        has_trend = trend is not None and len(trend.results) > 1
        _dashboard(wb, wb.add_worksheet("Dashboard"), fmt, r, trend if has_trend else None)
        if has_trend:
            _trend(wb, wb.add_worksheet("Trend"), fmt, trend)
            _trend_indicators(wb, wb.add_worksheet("Trend indicatoren"), fmt, trend)
            _answer_changes(wb.add_worksheet("Gewijzigde antwoorden"), fmt, trend)
        if m.invullers:
            _invuller_differences(wb.add_worksheet(DIFF_SHEET), fmt, r)
        _improvements(wb, wb.add_worksheet("Verbeterpunten"), fmt, r, plan)
        _indicators(wb, wb.add_worksheet("Indicatoren"), fmt, r)
        _answers(wb.add_worksheet("Antwoorden"), fmt, r)
        findings_sheet(wb.add_worksheet("Meldingen"), fmt, r.findings + (trend.findings if trend else []) +
                       (plan.findings if plan else []))
        _about(wb.add_worksheet("Over"), fmt, r)
        wb.close()
    return path


def _fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d-%m-%Y") if d else "datum onbekend"


def _dashboard(wb, ws, fmt, r: Result, trend=None):
    q, m = r.questionnaire, r.measurement
    n_ph = q.top_phase
    width = 2 * n_ph + 3  # the bottom layer; each layer up is one column narrower on each side
    gap = 1
    # At least as wide as the default five pillars, so that titles, table and steps fit beside
    # the pyramids of a definition with fewer pillars or phases.
    n_cols = max(len(r.pillars) * (width + gap) - gap, 49)
    col_w = max(1.2, page_units() / n_cols - PAD)      # the whole width on one page at 8 pt or more
    ws.set_column(0, n_cols - 1, col_w)
    across = lambda n: n * (col_w + PAD) - PAD  # noqa: E731  (the width of n merged columns)
    ws.hide_gridlines(2)
    ws.merge_range(0, 0, 0, n_cols - 1, f"{q.title}: {m.gemeente}", fmt["title"])
    ws.set_row(0, 28)
    sub = (f"Meting van {_fmt_date(m.datum)}" + (f" ({m.soort})" if m.soort else "") +
           (f" · {m.regio}" if m.regio else "") + (f" · ingevuld door {m.ingevuld_door}" if m.ingevuld_door else "") +
           f" · {q.label()}")
    ws.merge_range(1, 0, 1, n_cols - 1, sub, fmt["wrap"])
    ws.set_row(1, row_height([(sub, across(n_cols), 10)]))
    if trend is not None:
        ws.merge_range(2, 0, 2, n_cols - 1, f"Onder elke pijler: de fase bij de vorige meting ({trend.labels()[-2]}) "
                       f"\u2192 nu, en tussen haakjes het verschil in score. Zie het blad Trend voor alle "
                       f"{len(trend.results)} metingen.", fmt["small"])
    top_row = 3
    bricks: dict[int, float] = {}
    info: dict[int, float] = {}
    for pi, pr in enumerate(r.pillars):
        c0 = pi * (width + gap)
        for k in range(1, n_ph + 1):
            row = top_row + (n_ph - k)
            inset = k - 1
            a, b = c0 + inset, c0 + width - 1 - inset
            reached = k <= pr.phase
            stone = not reached and any(ir.met for ir in pr.indicators if ir.indicator.phase == k)
            kind = "reached" if reached else ("stone" if stone else "open")
            if pr.ambitie == k:
                kind += "_amb"
            text = f"{k} {q.phase_name(k)}" + (" ✓" if reached else "")
            bricks[row] = max(bricks.get(row, 0), row_height([(text, across(b - a + 1), 10, True)], minimum=20))
            if b > a:
                ws.merge_range(row, a, row, b, text, fmt[kind])
            else:
                ws.write_string(row, a, text, fmt[kind])
        base = top_row + n_ph
        ws.merge_range(base, c0, base, c0 + width - 1, pr.pillar.name, fmt["pname"])
        phase_txt = f"Fase {pr.phase}: {pr.phase_name}" if pr.phase else "Nog geen fase"
        change = ""             # the phase change since the previous measurement, on the line below
        if not pr.judgeable:
            phase_txt = "Niet te beoordelen"
        elif trend is not None:
            was = next((p for p in trend.previous.pillars if p.pillar.id == pr.pillar.id), None)
            if was is not None and was.judgeable:
                change = (f"Fase {was.phase}\u00a0\u2192\u00a0{pr.phase} · " if was.phase != pr.phase
                          else "Fase gelijk · ")
        ws.merge_range(base + 1, c0, base + 1, c0 + width - 1, phase_txt, fmt["pphase"])
        score = change + (f"score {round_pct(pr.score)}%" if pr.score is not None else "score n.v.t.")
        score = score[:1].upper() + score[1:]
        if trend is not None:
            before = next((p for p in trend.previous.pillars if p.pillar.id == pr.pillar.id), None)
            if before is not None and before.score is not None and pr.score is not None:
                score += f" ({signed(round_pct(pr.score) - round_pct(before.score))})"
        prog = f" · naar fase {pr.next_phase}: {pr.progress:.0f}%" if pr.progress is not None else ""
        ws.merge_range(base + 2, c0, base + 2, c0 + width - 1, score + prog, fmt["pinfo"])
        if pr.ambitie and pr.gap is not None:    # the gap is set with the ambitie
            amb = f"Ambitie fase {pr.ambitie}: " + (f"nog {pr.gap} fase{'n' if pr.gap != 1 else ''}" if pr.gap > 0
                                                   else "bereikt")
        else:
            amb = "Geen ambitie opgegeven"
        ws.merge_range(base + 3, c0, base + 3, c0 + width - 1, amb, fmt["pinfo"])
        stones = f"Losse stenen: {', '.join(pr.loose_stones)}" if pr.loose_stones else ""
        ws.merge_range(base + 4, c0, base + 4, c0 + width - 1, stones, fmt["pinfo"])
        for off, (text, size) in enumerate([(pr.pillar.name, 10), (phase_txt, 11), (score + prog, 9), (amb, 9),
                                            (stones, 9)]):
            info[base + off] = max(info.get(base + off, 0), row_height([(text, across(width), size, off < 2)]))
    for row, h in {**bricks, **info}.items():
        ws.set_row(row, h)
    legend_row = top_row + n_ph + 5
    legend = ("Legenda: donker met ✓ = fase bereikt; licht cursief = losse stenen (indicatoren behaald boven een "
                   "ontbrekende basis); grijs = nog niet bereikt; rode rand = ambitie. Een fase telt pas als alle "
              "lagere fasen ook bereikt zijn.")
    ws.merge_range(legend_row, 0, legend_row, n_cols - 1, legend, fmt["small"])
    ws.set_row(legend_row, row_height([(legend, across(n_cols), 9)]))

    # Table (left) and the first steps (right).
    t0 = legend_row + 2
    split = n_cols // 2 + 1
    ws.merge_range(t0, 0, t0, split - 2, "Score per pijler", fmt["h2"])
    heads = [("Pijler", split - 1 - 3 * 4 - 6), ("Fase", 4), ("Score", 4), ("Ambitie", 4), ("Op documenten", 6)]
    spans = []
    c = 0
    for title, span in heads:
        spans.append((c, c + span - 1))
        ws.merge_range(t0 + 1, c, t0 + 1, c + span - 1, title, fmt["head"])
        c += span
    ws.set_row(t0 + 1, row_height([(title, across(span), 10, True) for title, span in heads]))
    for i, pr in enumerate(r.pillars):
        row = t0 + 2 + i
        vals = [(pr.pillar.name, "cell"), (pr.phase, "cell_c"),
                ((pr.score / 100) if pr.score is not None else "n.v.t.", "pct"),
                (pr.ambitie if pr.ambitie else "–", "cell_c"),
                ((pr.on_documents / 100) if pr.on_documents is not None else "–", "pct")]
        for (a, b), (v, f) in zip(spans, vals):
            ws.merge_range(row, a, row, b, "", fmt[f])
            ws.write(row, a, v, fmt[f])
        ws.set_row(row, row_height([(pr.pillar.name, across(spans[0][1] + 1), 10)]))
    # Beside the table, where the rows below it are free up to the reasons: the first steps
    # (foundations first), what the bestuur agrees on first.
    n = len(r.pillars)
    e0 = t0 + 2 + max(n, 9) + 2
    ws.merge_range(t0, split, t0, n_cols - 1, "Eerste stappen", fmt["h2"])
    steps = first_steps_text(r)
    ws.merge_range(t0 + 1, split, e0 - 2, n_cols - 1, steps, fmt["steps"])
    need = row_height([(steps, across(n_cols - split), 9)], minimum=0)
    table_rows = [row_height([(title, across(span), 10, True) for title, span in heads])] + \
        [row_height([(pr.pillar.name, across(spans[0][1] + 1), 10)]) for pr in r.pillars]
    spare = list(range(t0 + 2 + n, e0 - 1))
    if spare:                                 # the free rows under the table grow so that every step shows
        each = max(15.0, (need - sum(table_rows)) / len(spare))
        for row in spare:
            ws.set_row(row, each)

    ws.merge_range(e0, 0, e0, n_cols - 1, "Waarom deze fase", fmt["h2"])
    for i, pr in enumerate(r.pillars):
        row = e0 + 1 + i
        text = f"{pr.pillar.name}: {pr.explanation}"
        meaning = pr.pillar.phase_text(pr.next_phase) if pr.next_phase is not None else ""
        if meaning and pr.judgeable and pr.next_phase is not None:
            name = q.phase_name(pr.next_phase)            # a text may start with the phase's own name
            if meaning.lower().startswith(name.lower() + ":"):
                meaning = meaning[len(name) + 1:].strip()
            text += f" Fase {pr.next_phase} ({name}) betekent hier: {meaning[:1].lower() + meaning[1:]}"
            text = text.rstrip(".") + "."
        ws.merge_range(row, 0, row, n_cols - 1, text, fmt["wrap"])
        ws.set_row(row, row_height([(text, across(n_cols), 10)]))
    foot = e0 + 2 + n
    ws.merge_range(foot, 0, foot, n_cols - 1,
                   f"Bron: {_source_line(m)} · gemaakt {dt.date.today():%d-%m-%Y} "
                   f"met piramide {__version__} · details op de bladen Indicatoren, Antwoorden en Over · vertrouwelijk",
                   fmt["small"])
    ws.set_h_pagebreaks([e0 - 1])       # the reasons start a page of their own
    ws.set_row(foot, row_height([("x" * 200, across(n_cols), 9)]))
    page_setup(ws)      # fit to width only: the reasons may go on to a second page, at 8 pt or more
    ws.print_area(0, 0, foot, n_cols - 1)
    ws.activate()


def first_steps_text(r: Result) -> str:
    """The three to five first steps, one numbered line each (scoring.first_steps)."""
    lines = []
    for i, imp in enumerate(r.first_steps, 1):
        ind = imp.indicator.indicator
        lines.append(f"{i}. {ind.name} ({ind.id}, fase {ind.phase}): {ind.first_step or ind.handvat}")
    return "\n".join(lines) or "Geen: alle pijlers staan in de hoogste fase."


# --- Verbeterpunten: the action plan, a living document (see actionplan) ---------------------

ACTION_STATUSES = ["open", "loopt", "afgerond", "vervallen"]
OUTCOME_FILL = {"afgerond": "#C6E0B4", "afgerond_indicator_open": "#F4B183", "over_tijd": "#F8CBAD",
                "indicator_behaald": "#E2EFDA", "vervallen": "#EDEDED"}


def _improvements(wb, ws, fmt, r: Result, plan=None):
    """The verbeterpunten with yellow columns for the gemeente's action plan. With `plan` (the
    previous plan carried over): its summary on top, every action in the gemeente's own order
    with what the new measurement says of it (Uitkomst), then the new verbeterpunten."""
    # With a plan the indicator's status is in Uitkomst ("indicator nu deels"): room for the rest.
    heads = [("Nr", 4), ("Pijler", 13), ("Fase", 4), ("Indicator", 14)] + ([] if plan else [("Status", 9)]) + \
        [("Waarom", 9), ("Handvat: wat helpt", 26 if plan else 28), ("Actiehouder", 12), ("Streefdatum", 10),
         ("Status actie", 9), ("Opmerking", 12)] + ([("Uitkomst", 15)] if plan else [])
    fmts = ["cell_c", "cell", "cell_c", "cell"] + ([] if plan else ["cell"]) + \
        ["cell", "cell", "input", "input_date", "input", "input"]
    status_col = [h for h, _ in heads].index("Status actie")
    handvat_col = [h for h, _ in heads].index("Handvat: wat helpt")
    top = 0
    if plan is None:
        rows = [[i, imp.pillar.name, imp.indicator.indicator.phase,
                 f"{imp.indicator.indicator.id} {imp.indicator.indicator.name}", imp.indicator.status, imp.reason,
                 handvat_text(imp.indicator.indicator), None, None, None, None] for i, imp in enumerate(r.improvements, 1)]
    else:
        from .actionplan import O_NIEUW, outcome_text      # only with a plan: a plain score never imports it
        rows = []
        for pr in plan.rows:
            a, ir = pr.action, pr.indicator
            if ir is not None:      # a met indicator needs no first step: its handvat alone
                ind = ir.indicator
                left = [pr.nr, pr.pillar_name, ind.phase, f"{ind.id} {ind.name}", pr.reason,
                        ind.handvat if ir.met else handvat_text(ind)]
            else:              # an action of the gemeente's own, shown as they typed it
                assert a is not None
                left = [pr.nr, a.pijler, a.fase, a.indicator, a.waarom, a.handvat]
            if a is None:
                right = [None, None, None, None]
            else:
                status = a.status if a.status is not None else a.status_typed
                right = [a.actiehouder or None, a.streefdatum or a.streefdatum_typed or None,
                         status if (a.status_typed or a.status != "open") else None, a.notes or None]
            rows.append(left + right + [outcome_text(pr)])
        fmts.append("cell")
        widths = [w for _, w in heads]
        across = sum(widths) + PAD * (len(widths) - 1)
        when = lambda d: f"{d:%d-%m-%Y}" if d else "datum onbekend"  # noqa: E731
        lines = [
            (f"Actieplan: {r.measurement.gemeente}", "title", 18),
            (f"Overgenomen uit het dashboard van de meting van {when(plan.plan.datum)} "
             f"({for_file(Path(plan.plan.source).name)}), met actiehouder, streefdatum, status en opmerkingen zoals de "
             f"gemeente ze invulde, en beoordeeld met deze meting van {when(plan.datum)}.", "wrap", 10),
            (plan.summary(), "label_wrap", 10),
            ("Uitkomst: afgerond = actie afgerond en indicator behaald; te bespreken = actie afgerond, maar de "
             "indicator is nog niet behaald; over tijd = de streefdatum ligt voor de datum van deze meting en de "
             "indicator is nog niet behaald; indicator behaald = de indicator is gehaald, maar de actie staat niet op "
             "afgerond. Nieuwe verbeterpunten staan onderaan, fundamenten eerst.", "wrap", 10),
        ]
        fmt = dict(fmt, label_wrap=wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                                  "font_name": "Calibri", "font_size": 10}))
        for i, (text, f, size) in enumerate(lines):
            ws.merge_range(i, 0, i, len(heads) - 1, text, fmt[f])
            ws.set_row(i, 28 if f == "title" else row_height([(text, across, size, f == "label_wrap")]))
        top = len(lines) + 1
    table(ws, fmt, heads, rows, fmts, keep=(handvat_col,), top=top)
    ws.data_validation(top + 1, status_col, top + max(len(rows), 1) + 50, status_col,
                       {"validate": "list", "source": ACTION_STATUSES, "show_error": False,
                        "input_title": "Status actie", "input_message": "open, loopt, afgerond of vervallen"})
    if plan is not None:
        for i, pr in enumerate(plan.rows, top + 1):
            color = OUTCOME_FILL.get(pr.outcome)
            if color or pr.outcome == O_NIEUW or pr.indicator is None:
                bold = pr.outcome in ("afgerond_indicator_open", "over_tijd")
                f = wb.add_format({"font_name": "Calibri", "font_size": 10, "text_wrap": True, "valign": "top",
                                   "border": 1, "border_color": "#BFBFBF", "bold": bold,
                                   "italic": pr.indicator is None, **({"bg_color": color} if color else {})})
                ws.write_string(i, len(heads) - 1, outcome_text(pr), f)
    if not rows:
        ws.write_string(top + 1, 1, "Geen verbeterpunten: alle pijlers staan in de hoogste fase.", fmt["sub"])


def handvat_text(ind) -> str:
    """The handvat with what makes it usable: a first step, an owner, the variant for a small
    gemeente, the existing products (each on its own line, where the definition has it)."""
    parts = [ind.handvat]
    for label, text in (("Eerste stap", ind.first_step), ("Eigenaar", ind.owner), ("Kleine gemeente", ind.small),
                        ("Gebruik", "; ".join(ind.products))):
        if text:
            parts.append(f"{label}: {text}")
    return "\n".join(parts)


def _indicators(wb, ws, fmt, r: Result):
    heads = [("Pijler", 22), ("Indicator", 8), ("Naam", 28), ("Fase", 5), ("Status", 12), ("Gemiddelde", 10),
             ("Antwoorden", 44), ("Cellen", 22)]
    rows = []
    for pr in r.pillars:
        for ir in pr.indicators:
            answers = "; ".join(f"{qq.id}: {a.label or ('leeg' if a.kind == 'leeg' else repr(a.raw))}"
                                for qq, a in ir.answers)
            cells = ", ".join(f"{a.sheet}!{a.cell}" for _, a in ir.answers if a.cell)
            rows.append([pr.pillar.name, ir.indicator.id, ir.indicator.name, ir.indicator.phase, ir.status,
                         ir.mean if ir.mean is not None else "n.v.t.", answers, cells])
    table(ws, fmt, heads, rows, ["cell", "cell_c", "cell", "cell_c", "cell", "pct", "cell", "cell"])
    for status, color in STATUS_FILL.items():
        ws.conditional_format(1, 4, len(rows), 4, {"type": "cell", "criteria": "==", "value": f'"{status}"',
                                                   "format": wb.add_format({"bg_color": color})})


def _answers(ws, fmt, r: Result):
    q = r.questionnaire
    heads = [("ID", 7), ("Indicator", 8), ("Vraag", 44), ("Antwoord", 10), ("Zoals ingevuld", 11),
             ("Hoe bepaald", 11), ("Bewijs (vindplaats)", 22), ("Toelichting", 32), ("Cel", 11)]
    rows = []
    for pr in r.pillars:
        for ir in pr.indicators:
            for qq, a in ir.answers:
                rows.append([qq.id, ir.indicator.id, qq.text,
                             a.label or ("leeg" if a.kind == "leeg" else "ongeldig"), a.raw, a.basis or "–",
                             a.evidence, a.remark, f"{a.sheet}!{a.cell}" if a.cell else "niet gevonden"])
    order = {qq.id: i for i, qq in enumerate(q.questions)}
    rows.sort(key=lambda x: order[x[0]])
    table(ws, fmt, heads, rows, ["cell_c", "cell_c", "cell", "cell_c", "cell_c", "cell_c", "cell", "cell", "cell"])


def _about(ws, fmt, r: Result):
    q, m = r.questionnaire, r.measurement
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 92)
    ws.write_string(0, 0, "Over dit dashboard", fmt["title"])
    lines = [
        ("Gemeente", m.gemeente), ("Datum meting", _fmt_date(m.datum)), ("Soort meting", m.soort or "onbekend"),
        ("Ingevuld door", m.ingevuld_door), ("Geraadpleegd", m.geraadpleegd or "niet opgegeven"),
        ("Vragenlijst", f"{q.title}, id {q.id}, versie {q.version}"),
        ("Over de vragenlijst", q.note),
        *_about_sources(m),
        ("Gemaakt op", f"{dt.datetime.now():%d-%m-%Y %H:%M}"), ("Gemaakt met", f"piramide {__version__}"),
        ("Antwoorden", W.score_legend(q, empty="leeg = 0 (en een melding)", nvt="telt nergens mee") + "."),
        ("Indicator", W.status_rule(q)),
        ("Fase", "De hoogste fase waarvan alle indicatoren, en die van alle lagere fasen, gehaald zijn; 0 als fase 1 "
                 "nog niet gehaald is. Gehaalde indicatoren boven die fase heten losse stenen."),
        ("Score", "Het gemiddelde van de toepasselijke vragen van de pijler, als percentage. De voortgang naar de "
                  "volgende fase is het deel van de indicatoren van die fase dat gehaald is."),
        ("Onderbouwing", "Per antwoord staat op het blad Antwoorden hoe het is bepaald (document, enquête, "
                         "gesprek of inschatting) en waar het bewijs ligt. 'Op documenten' op het Dashboard is het deel van de "
                         "beantwoorde vragen van een pijler dat op een document rust."),
        ("Herleidbaarheid", "Blad Indicatoren: de antwoorden achter elke status. Blad Antwoorden: de cel waar elk "
                            "antwoord stond. Blad Meldingen: wat er aan de invoer opviel."),
    ]
    if m.invullers:
        lines.append(("Meer invullers", W.COMBINE_RULE))
    if m.surveys:
        lines.append(("Uit een enquête", "\n".join(m.surveys) + ". Deze antwoorden komen uit de enquête onder "
                      "medewerkers: ja als de norm van de indicator is behaald, nee als niet (bepaald: enquête; de "
                      "toelichting geeft het percentage). Ze vervangen wat in het werkboek stond."))
    for i, (k, v) in enumerate(lines, 2):
        ws.write_string(i, 0, k, fmt["label"])
        ws.write_string(i, 1, v or "", fmt["wrap"])
        ws.set_row(i, row_height([(k, 24, 10, True), (v or "", 92, 10)]))   # not every program grows rows
    page_setup(ws)


# --- several invullers, one measurement (combine.py) ---------------------------------------

DIFF_SHEET = "Verschillen tussen invullers"


def _source_line(m) -> str:
    if m.invullers:
        return (f"{len(m.invullers)} werkboeken van invullers, samen één meting "
                f"({', '.join(for_file(Path(i.source).name) for i in m.invullers)}; waar ze verschillen: blad "
                f"{DIFF_SHEET}; SHA-256 op het blad Over)")
    return f"{for_file(Path(m.source).name)} (SHA-256 {m.sha256[:16]}…)"


def _about_sources(m) -> list[tuple[str, str]]:
    if not m.invullers:
        return [("Bronbestand", for_file(Path(m.source).name)), ("SHA-256 bronbestand", m.sha256)]
    files = "\n".join(f"{i.name}: {for_file(Path(i.source).name)}" + (f" ({i.cell})" if i.cell else "") +
                      f", SHA-256 {i.sha256}" for i in m.invullers)
    return [("Bronbestanden", files)]


def _invuller_differences(ws, fmt, r: Result):
    """Every question on which the invullers differ: who answered what, with their
    toelichtingen, and what the combination took, so that the RIEC can settle them."""
    from .combine import word
    q, m = r.questionnaire, r.measurement
    text = {qq.id: qq.text for qq in q.questions}
    heads = [("ID", 7), ("Vraag", 34), ("Antwoorden", 20), ("Toelichtingen", 38), ("Genomen", 10), ("Waarom", 34)]
    rows = [[d.question_id, text.get(d.question_id, ""),
             "\n".join(f"{i.name}: {word(a)}" for i, a in d.given),
             "\n".join(f"{i.name}: {a.remark}" for i, a in d.given if a.remark.strip()),
             word(d.taken), d.why] for d in m.differences]
    table(ws, fmt, heads, rows, ["cell_c", "cell", "cell", "cell", "cell_c", "cell"])
    row = len(rows) + 2
    if not rows:
        ws.write_string(1, 1, "De invullers gaven op elke vraag hetzelfde antwoord.", fmt["sub"])
        row = 3
    widths = sum(w for _, w in heads)
    notes = ["Invullers: " + "; ".join(f"{i.name} ({for_file(Path(i.source).name)}"
                                         + (f", {i.cell}" if i.cell else "") + ")" for i in m.invullers) + ".",
             f"Rekenregel: {W.COMBINE_RULE}"]
    for line in notes:
        ws.merge_range(row, 0, row, len(heads) - 1, line, fmt["wrap"])
        ws.set_row(row, row_height([(line, widths * 0.85, 10)]))
        row += 1


# --- trend sheets ---------------------------------------------------------------------------

def _delta(a, b, fmt_str=None) -> str:
    if a is None or b is None:
        return ""
    return fmt_str.format(b - a) if fmt_str else signed(round_pct(b) - round_pct(a))


DATE_HEAD = 10.5          # a bold dd-mm-jjjj (non-breaking hyphens) fits on one line


def _trend(wb, ws, fmt, t):
    labels = t.labels()
    n = len(t.results)
    series = t.pillar_series()
    base_i = t.results.index(t.baseline)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 2 * n + 6, 9)
    ws.set_column(2, 1 + 2 * n, DATE_HEAD)      # "Fase 12-03-2025": the date never breaks at its hyphen
    ws.hide_gridlines(2)
    last_col = max(2 * n + 5, 9)
    ws.merge_range(0, 0, 0, last_col, f"Trend: {t.gemeente}", fmt["title"])
    kinds = [f"{lbl} ({r.measurement.soort or 'meting'})" for lbl, r in zip(labels, t.results)]
    ws.merge_range(1, 0, 1, last_col, f"{n} metingen: " + ", ".join(kinds), fmt["sub"])

    mv = t.movers()
    row = 3
    ws.merge_range(row, 0, row, last_col, f"Wat bewoog het meest sinds de vorige meting ({labels[-2]} → {labels[-1]})",
                   fmt["h2"])

    def pillar_line(items):
        return "; ".join(f"{name}: score {signed(d)} procentpunt" + (f", fase {dp:+d}" if dp else "")
                         for d, dp, _, name in items) or "geen"

    def ind_line(items):
        return "; ".join(f"{i.indicator_id} {i.name} ({i.statuses[-2] or '–'} → {i.statuses[-1]})"
                         for i in items[:6]) + (f" en nog {len(items) - 6}" if len(items) > 6 else "") or "geen"
    lines = [("Pijlers vooruit", pillar_line(mv["pillars_up"])), ("Pijlers achteruit", pillar_line(mv["pillars_down"])),
             ("Indicatoren vooruit", ind_line(mv["indicators_up"])),
             ("Indicatoren achteruit", ind_line(mv["indicators_down"]))]
    for k, v in lines:
        row += 1
        ws.write_string(row, 0, k, fmt["label"])
        ws.merge_range(row, 1, row, last_col, v, fmt["wrap"])
        ws.set_row(row, row_height([(v, 9 * last_col + PAD * (last_col - 1), 10)]))

    row += 2
    ws.merge_range(row, 0, row, last_col, "Per pijler", fmt["h2"])
    row += 1
    nb = [lbl.replace("-", "\u2011") for lbl in labels]      # a non-breaking hyphen: the date stays whole
    heads = ["Pijler", "Ambitie"] + [x for lbl in nb for x in (f"Fase {lbl}", f"Score {lbl}")] + \
        ["Fase t.o.v. vorige", "Score t.o.v. vorige", "Fase t.o.v. 0-meting", "Score t.o.v. 0-meting"]
    widths = [24.0, 9.0] + [DATE_HEAD] * (2 * n) + [9.0] * 4
    ws.set_row(row, row_height([(h, w, 10, True) for h, w in zip(heads, widths)]))
    for c, h in enumerate(heads):
        ws.write_string(row, c, h, fmt["head"])
    for pid, name, prs in series:
        row += 1
        ws.set_row(row, row_height([(name, 24, 10)]))
        last, prev, base = prs[-1], prs[-2], prs[base_i]
        ws.write_string(row, 0, name, fmt["cell"])
        ws.write(row, 1, last.ambitie if last and last.ambitie else "–", fmt["cell_c"])
        for i, pr in enumerate(prs):
            ws.write(row, 2 + 2 * i, pr.phase if pr else "–", fmt["cell_c"])
            ws.write(row, 3 + 2 * i, (pr.score / 100) if pr and pr.score is not None else "–", fmt["pct"])
        c = 2 + 2 * n
        for a, b in ((prev, last), (base, last)):
            ws.write_string(row, c, _delta(a.phase if a else None, b.phase if b else None, "{:+d}"), fmt["cell_c"])
            ws.write_string(row, c + 1, _delta(a.score if a else None, b.score if b else None), fmt["cell_c"])
            c += 2

    # Data for the chart, and the phase steps: one row per measurement.
    row += 2
    ws.merge_range(row, 0, row, last_col, "Score en fase per meting", fmt["h2"])
    row += 1
    data_head = row
    ws.set_h_pagebreaks([data_head - 1])         # the measurements and their chart start a page of their own
    pid_of = [pid for pid, _, _ in series]
    ws.write_string(row, 0, "Meting", fmt["head"])
    for j, (_, name, _) in enumerate(series):      # short ids: a pillar's name does not fit the column
        ws.write_string(row, 1 + j, f"Score {pid_of[j]}", fmt["head"])
        ws.write_string(row, 2 + len(series) + j, f"Fase {pid_of[j]}", fmt["head"])
    ws.set_row(row, row_height([(f"Score {pid}", 9, 10, True) for pid in pid_of]))
    for i, lbl in enumerate(labels):
        row += 1
        ws.write_string(row, 0, lbl, fmt["cell"])
        for j, (_, _, prs) in enumerate(series):
            pr = prs[i]
            ws.write(row, 1 + j, (pr.score / 100) if pr and pr.score is not None else "", fmt["pct"])
            ws.write(row, 2 + len(series) + j, pr.phase if pr else "", fmt["cell_c"])
    top = t.latest.questionnaire.top_phase
    ws.conditional_format(data_head + 1, 2 + len(series), row, 1 + 2 * len(series),
                          {"type": "2_color_scale", "min_type": "num", "min_value": 0, "max_type": "num",
                           "max_value": top, "min_color": "#F2F2F2", "max_color": MID})
    chart = wb.add_chart({"type": "line"})
    colors = ["#1F3864", "#C00000", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#808080"]
    for j, (_, name, _) in enumerate(series):
        chart.add_series({"name": name, "categories": ["Trend", data_head + 1, 0, row, 0],
                          "values": ["Trend", data_head + 1, 1 + j, row, 1 + j],
                          "marker": {"type": "circle", "size": 6},
                          "line": {"color": colors[j % len(colors)], "width": 2,
                                   "dash_type": ["solid", "dash", "round_dot", "long_dash", "dash_dot"][j % 5]}})
    chart.set_title({"name": "Score per pijler per meting", "name_font": {"size": 10, "bold": True}})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True,
                                                                                   "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"name": "Datum meting"})
    chart.set_legend({"position": "right", "font": {"size": 10}})
    chart.set_size({"width": 760, "height": 260})
    row += 2
    ws.insert_chart(row, 0, chart)
    row += 14

    counts: dict[str, dict[str, int]] = {}
    for it in t.indicators():
        counts.setdefault(it.pillar_id, {}).setdefault(it.change, 0)
        counts[it.pillar_id][it.change] += 1
    ws.merge_range(row, 0, row, last_col, "Indicatoren per pijler sinds de vorige meting", fmt["h2"])
    row += 1
    kinds = ["nieuw behaald", "verloren", "nog open", "behaald gebleven", "nieuw in deze versie"]
    ws.set_row(row, row_height([(k, 9, 10, True) for k in kinds]))
    for c, h in enumerate(["Pijler"] + kinds):
        ws.write_string(row, c, h, fmt["head"])
    for pid, name, _ in series:
        row += 1
        ws.set_row(row, row_height([(name, 24, 10)]))
        ws.write_string(row, 0, name, fmt["cell"])
        for c, k in enumerate(kinds, 1):
            ws.write_number(row, c, counts.get(pid, {}).get(k, 0), fmt["cell_c"])
    versions = sorted({r.questionnaire.label() for r in t.results})
    notes = t.not_comparable()
    if len(versions) > 1 or notes:
        row += 2
        ws.merge_range(row, 0, row, last_col, "Versies van de vragenlijst", fmt["h2"])
        for line in [f"Gemeten met: {', '.join(versions)}. Vergeleken op vaste id's en 'vervangt'-verwijzingen."] + \
                notes:
            row += 1
            ws.merge_range(row, 0, row, last_col, line, fmt["wrap"])
            ws.set_row(row, row_height([(line, 9 * last_col + PAD * (last_col - 1), 10)]))
    page_setup(ws)


def _trend_indicators(wb, ws, fmt, t):
    labels = t.labels()
    heads = [("Pijler", 8), ("Indicator", 9), ("Naam", 30), ("Fase", 5)] + [(lbl, 12) for lbl in labels] + \
        [("Sinds vorige meting", 18)]
    rows = [[it.pillar_id, it.indicator_id, it.name, it.phase] + [s or "–" for s in it.statuses] + [it.change]
            for it in t.indicators()]
    table(ws, fmt, heads, rows, ["cell_c", "cell_c", "cell", "cell_c"] + ["cell"] * len(labels) + ["cell"])
    for status, color in STATUS_FILL.items():
        ws.conditional_format(1, 4, len(rows), 3 + len(labels), {"type": "cell", "criteria": "==",
                              "value": f'"{status}"', "format": wb.add_format({"bg_color": color})})
    last = 4 + len(labels)
    for word, color in (("nieuw behaald", "#C6E0B4"), ("verloren", "#F8CBAD")):
        ws.conditional_format(1, last, len(rows), last, {"type": "cell", "criteria": "==", "value": f'"{word}"',
                                                         "format": wb.add_format({"bg_color": color, "bold": True})})


def _answer_changes(ws, fmt, t):
    a, b = (lbl.replace("-", "\u2011") for lbl in t.labels()[-2:])    # the date never breaks at a hyphen
    heads = [("ID", 7), ("Pijler", 6), ("Vraag", 46), (f"Antwoord {a}", 12), (f"Toelichting {a}", 30),
             (f"Antwoord {b}", 12), (f"Toelichting {b}", 30)]
    rows = [[c.question_id, c.pillar_id, c.text, c.before, c.before_remark, c.after, c.after_remark]
            for c in t.answer_changes()]
    table(ws, fmt, heads, rows, ["cell_c", "cell_c", "cell", "cell_c", "cell", "cell_c", "cell"])
    if not rows:
        ws.write_string(1, 2, "Geen antwoorden veranderd sinds de vorige meting.", fmt["sub"])
