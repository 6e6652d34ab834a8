"""A fill-in workbook for a staff survey, for a gemeente without a survey tool: answers typed
or copied from paper forms, one row per respondent. It reads back with `survey_reader`
like any export (the question texts are the column headings).

Sheets: "Uitleg" (how to use it, privacy), "Antwoorden" (the table: a number column, then
one column per question, a dropdown with the scale's labels where the question has a scale),
and a hidden "Lijsten" holding the dropdowns' labels (the reader skips hidden sheets).
"""

from __future__ import annotations

from pathlib import Path

from .output import atomic_buffer
from .survey import GROEP, KEUZE, OPEN, Survey, SurveyQuestion

SHEET_HELP = "Uitleg"
SHEET_ANSWERS = "Antwoorden"
SHEET_LISTS = "Lijsten"
ROWS = 300
NUMBER_HEADING = "Nr."


def _width(q: SurveyQuestion) -> int:
    """A column wide enough that its heading needs at most about seven lines."""
    if q.kind == OPEN:
        return 45
    return max(18, min(34, -(-len(q.text) // 7)))


def _help_lines(survey: Survey, min_group: int) -> list[tuple[str, str]]:
    """(style, text) per line of the Uitleg sheet."""
    scaled = sum(1 for q in survey.questions if q.kind == KEUZE or (q.kind == GROEP and q.scale_id))
    lines = [
        ("title", f"{survey.title}: invulformulier"),
        ("sub", f"Versie {survey.version}. Voor een gemeente zonder enquêteprogramma: antwoorden intypen of "
                "overnemen van papieren formulieren."),
        ("h2", "Zo gebruikt u dit formulier"),
        ("text", f"1. Ga naar het blad '{SHEET_ANSWERS}'. Iedere rij is één respondent, iedere kolom één vraag "
                 "(de vraag staat bovenaan de kolom)."),
        ("text", f"2. Bij {scaled} vragen kiest u het antwoord uit een keuzelijst: klik op de cel en dan op het "
                 "pijltje. Typen mag ook, als het antwoord maar in de lijst staat."),
        ("text", "3. Laat een vraag leeg als de respondent haar heeft overgeslagen. Een leeg antwoord telt "
                 "niet mee; het wordt nooit als 'nee' gelezen."),
        ("text", "4. Bij de afdeling typt u de naam van de afdeling, steeds op dezelfde manier geschreven."),
        ("text", "5. Verander de kolomkoppen niet: piramide herkent de vragen aan hun tekst. Kolommen "
                 "verplaatsen of rijen sorteren mag wel."),
        ("text", "6. Lees het ingevulde formulier in met: piramide enquete dit-bestand.xlsx -o "
                 "enquete-dashboard.xlsx"),
        ("h2", "Privacy"),
        ("text", "• Noteer geen namen, e-mailadressen, personeelsnummers of andere gegevens waaraan iemand te "
                 "herkennen is; ook niet in de open vragen. Het nummer in de eerste kolom is alleen een "
                 "rijnummer."),
        ("text", f"• Een groep (bijvoorbeeld een afdeling) met minder dan {min_group} respondenten krijgt in de "
                 "uitkomsten geen eigen cijfers; deze respondenten tellen alleen mee in het totaal."),
        ("text", "• Antwoorden op de open vragen worden alleen getoond als daarom wordt gevraagd, en nooit "
                 "per groep."),
        ("text", "• Bewaar de papieren formulieren en dit bestand op een afgeschermde plek en vernietig ze "
                 "als de uitkomsten bekend zijn."),
        ("h2", "Over deze vragenlijst"),
    ]
    if survey.note:
        lines.append(("text", survey.note))
    lines.append(("text", f"{sum(1 for q in survey.questions if q.kind != GROEP)} vragen in "
                          f"{len(survey.themes)} thema's: " + ", ".join(t.name.lower() for t in survey.themes) + "."))
    return lines


def write_form(survey: Survey, path: Path, replace: bool = False) -> Path:
    """Write the fill-in workbook for `survey` at `path` (atomically; an existing file is an
    OutputError unless `replace`)."""
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    path = Path(path)
    min_group = survey.min_group
    with atomic_buffer(path, replace) as buf:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False})
        wb.set_properties({"title": f"{survey.title}: invulformulier", "subject": "Weerbaarheid tegen ondermijning",
                           "comments": f"Enquête {survey.id}, versie {survey.version}"})
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}

        def fmt(**kw):
            return wb.add_format({**base, **kw})

        styles = {
            "title": fmt(bold=True, font_size=16, font_color="#1F3864"),
            "sub": fmt(italic=True, font_color="#595959", text_wrap=True),
            "h2": fmt(bold=True, font_size=12, font_color="#1F3864", bottom=1),
            "text": fmt(text_wrap=True),
        }
        head = fmt(bold=True, font_size=10, text_wrap=True, bg_color="#1F3864", font_color="#FFFFFF", border=1)
        number = fmt(font_color="#7F7F7F", align="center", border=1, border_color="#BFBFBF")
        cell = fmt(bg_color="#FFF2CC", border=1, border_color="#BF9000", text_wrap=True)

        help_ws = wb.add_worksheet(SHEET_HELP)
        ws = wb.add_worksheet(SHEET_ANSWERS)
        lists = wb.add_worksheet(SHEET_LISTS)
        lists.hide()

        # Uitleg
        help_ws.hide_gridlines(2)
        help_ws.set_column(0, 0, 72)
        for r, (style, text) in enumerate(_help_lines(survey, min_group)):
            help_ws.write_string(r, 0, text, styles[style])
            if style in ("title", "h2"):
                help_ws.set_row(r, 26)
            elif len(text) > 78:         # wrapped: Excel and LibreOffice size the row, but not every viewer does
                help_ws.set_row(r, 15 * (-(-len(text) // 78)) + 2)
        help_ws.set_paper(9)
        help_ws.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
        help_ws.fit_to_pages(1, 0)
        help_ws.set_footer("&L&8" + survey.title + "&R&8Pagina &P van &N")
        help_ws.activate()

        # Lijsten: one column per scale that a dropdown uses
        ranges: dict[str, str] = {}
        used = [q.scale_id for q in survey.questions if q.scale_id and q.kind in (KEUZE, GROEP)]
        for c, sid in enumerate(dict.fromkeys(used)):
            labels = survey.scale(sid).labels()
            lists.write_string(0, c, sid)
            for r, label in enumerate(labels, 1):
                lists.write_string(r, c, label)
            col = xl_col_to_name(c)
            ranges[sid] = f"='{SHEET_LISTS}'!${col}$2:${col}${len(labels) + 1}"

        # Antwoorden
        questions = list(survey.questions)
        ws.write_string(0, 0, NUMBER_HEADING, head)
        ws.set_column(0, 0, 6)
        longest = 0
        for c, q in enumerate(questions, 1):
            ws.write_string(0, c, q.text, head)
            w = _width(q)
            ws.set_column(c, c, w)
            longest = max(longest, -(-len(q.text) // (w - 2)))      # lines the heading needs
        ws.set_row(0, min(409, 13 * longest + 8))
        for r in range(1, ROWS + 1):
            ws.write_number(r, 0, r, number)
            for c in range(1, len(questions) + 1):
                ws.write_blank(r, c, None, cell)
        for c, q in enumerate(questions, 1):
            theme = survey.theme(q.theme)
            title = (theme.name if theme else ("Groep" if q.kind == GROEP else "Open vraag"))[:32]
            if q.scale_id and q.kind in (KEUZE, GROEP):
                labels = survey.scale(q.scale_id).labels()
                message = "Kies uit de lijst: " + "; ".join(labels)
                ws.data_validation(1, c, ROWS, c, {
                    "validate": "list", "source": ranges[q.scale_id],
                    "input_title": title, "input_message": message[:255],
                    "error_type": "warning", "error_title": "Geen antwoord uit de lijst",
                    "error_message": ("Dit antwoord staat niet in de keuzelijst en wordt mogelijk niet herkend. "
                                      "Kies een antwoord uit de lijst.")})
            elif q.kind == OPEN:
                ws.data_validation(1, c, ROWS, c, {
                    "validate": "any", "input_title": title,
                    "input_message": "Neem de tekst over zoals geschreven, maar zonder namen."})
            else:
                ws.data_validation(1, c, ROWS, c, {
                    "validate": "any", "input_title": title,
                    "input_message": "Typ de naam van de afdeling, steeds op dezelfde manier."})
        ws.freeze_panes(1, 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.repeat_rows(0)
        ws.repeat_columns(0)
        ws.print_area(0, 0, ROWS, len(questions))
        ws.set_print_scale(80)
        ws.set_footer("&L&8" + survey.title + ": antwoorden&R&8Pagina &P van &N")
        wb.close()
    return path
