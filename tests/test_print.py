"""Printed text is legible and never cut: every sheet prints (A4, fit to width) at 8 pt or more,
rows are as high as their wrapped text, every output prints a footer with Vertrouwelijk."""

import re
import subprocess

import openpyxl
import pytest

from conftest import all_answers, filled, needs_soffice, soffice_convert
from piramide.dashboard import write_dashboard
from piramide.history import build_trends
from piramide.overview_workbook import write_overview
from piramide.reader import read
from piramide.regional import build_overview
from piramide.scoring import score
from piramide.style import LINE
from piramide.style import lines as style_lines

LONG = "Wij hebben dit vastgelegd in het beleid en evalueren het jaarlijks met het college. " * 4


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, default_q):
    """The template (filled, long toelichtingen), a dashboard with trend sheets, a region of six."""
    q, d = default_q, tmp_path_factory.mktemp("print")
    remarks = {qq.id: LONG for qq in q.questions[::7]}
    a = filled(q, d / "a0.xlsx", all_answers(q, "deels"), remarks, gemeente="Aalsterveen", datum=__import__("datetime").date(2025, 3, 1))
    b = filled(q, d / "a1.xlsx", all_answers(q, "ja"), remarks, gemeente="Aalsterveen")
    others = [filled(q, d / f"g{i}.xlsx", {qq.id: ["ja", "nee", "deels"][(i + j) % 3] for j, qq in enumerate(q.questions)},
                     gemeente=f"Gemeente {i}") for i in range(5)]
    results = [score(read(p, q), q) for p in [a, b, *others]]
    (t, *_) = [t for t in build_trends(results) if t.gemeente == "Aalsterveen"]
    dash = write_dashboard(t.latest, d / "dash.xlsx", trend=t)
    # the staff survey of the example (13 indicators): its dashboard, and the region's sheet Enquête
    from piramide import survey_definition
    from piramide.regional import attach_surveys
    from piramide.survey_aggregate import aggregate, pool
    from piramide.survey_dashboard import write_dashboard as write_survey_dashboard
    from piramide.survey_example import write_example
    from piramide.survey_reader import read_export
    forms = next(p for p in write_example(d / "enquete") if p.suffix == ".xlsx")
    export = read_export(forms, survey_definition.load())
    ov = build_overview(results)
    attach_surveys(ov, [export])
    region = write_overview(ov, d / "regio.xlsx")
    survey = write_survey_dashboard(aggregate(pool([export]), texts=True), d / "enquete.xlsx")
    return {"template": b, "dashboard": dash, "regio": region, "enquete": survey}


def test_region_over_sheet_has_page_setup_and_footer(outputs):
    ws = openpyxl.load_workbook(outputs["regio"])["Over"]
    assert "Vertrouwelijk" in (ws.oddFooter.left.text or "")
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)


def test_every_printed_sheet_has_the_footer(outputs):
    for name, path in outputs.items():
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state == "visible" and name != "regio" or ws.title in ("Over", "Open indicatoren", "Meldingen",
                                                                               "Enquête"):
                assert "ertrouwelijk" in (ws.oddFooter.left.text or ""), (name, ws.title)


def _needed(text: str, width: float, size: float) -> float:
    """An independent, lenient estimate: 1.3 characters per width unit at 10 pt."""
    per_line = max(1, int(width * 1.3 * 10 / size))
    n = 0
    for para in text.split("\n"):
        n += max(1, -(-len(para) // per_line))
    return n * size * 1.2


def test_rows_are_as_high_as_their_wrapped_text(outputs):
    bad = []
    for name, path in outputs.items():
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            merged = {m.min_row * 10000 + m.min_col: m for m in ws.merged_cells.ranges}
            for row in ws.iter_rows():
                for c in row:
                    if not isinstance(c.value, str) or not c.alignment.wrap_text or c.alignment.textRotation:
                        continue
                    m = merged.get(c.row * 10000 + c.column)
                    cols = range(c.column, (m.max_col if m else c.column) + 1)
                    width = sum((ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width or 8.43) for k in cols)
                    height = ws.row_dimensions[c.row].height or 15
                    if height + 1 < _needed(c.value, width, c.font.sz or 11):
                        bad.append((name, ws.title, c.coordinate, height, round(_needed(c.value, width, c.font.sz or 11))))
    assert not bad, bad[:10]


def test_trend_headers_are_not_split_mid_word(outputs):
    wb = openpyxl.load_workbook(outputs["dashboard"])
    for title in ("Trend", "Trend indicatoren", "Gewijzigde antwoorden"):
        ws = wb[title]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.fill.fgColor.rgb in ("FF1F3864",) and c.value:
                    width = ws.column_dimensions[c.column_letter].width or 8.43
                    longest = max(len(w) for w in c.value.split())
                    assert longest * 1.1 <= width * 1.2, (title, c.coordinate, c.value, width)


def word_sizes(pdf):
    """Per page, the printed size (pt) of every word above the footer (height / 1.3 for the
    fonts LibreOffice uses: line boxes are 1.3 times the font size)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in xml.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', page)
        out.append([((float(b) - float(a)) / LINE, w) for a, b, w in words if float(a) < height - 40])
    return out


@needs_soffice
def test_printed_text_is_8_pt_or_more(outputs, tmp_path):
    pdfs = soffice_convert([outputs["template"], outputs["dashboard"], outputs["regio"], outputs["enquete"]], "pdf",
                           tmp_path / "pdf", tmp_path / "profile",
                           recalc=False)
    small = []
    for pdf in pdfs:
        for n, page in enumerate(word_sizes(pdf), 1):
            small += [(pdf.stem, n, round(size, 1), w) for size, w in page if size < 8 * 0.97]
    assert not small, small[:10]


def test_a_half_percent_is_shown_as_the_spreadsheet_rounds_it(tmp_path, small):
    """Pillar A: ja, ja, deels, nee and two n.v.t. = 2.5 / 4 = 62.5 %. The cell shows 63 % (a
    spreadsheet rounds half up); the text beside it must too, not Python's 62 (half to even)."""
    from piramide.text import round_pct
    answers = {"A-01": "ja", "A-02": "ja", "A-03": "deels", "A-04": "nee", "A-05": "n.v.t.", "A-06": "n.v.t."}
    r = score(read(filled(small, tmp_path / "a.xlsx", answers), small), small)
    assert r.pillar("A").score == 62.5 and round_pct(62.5) == 63 and round_pct(42.5) == 43
    texts = [c.value for row in openpyxl.load_workbook(write_dashboard(r, tmp_path / "d.xlsx"))["Dashboard"].iter_rows()
             for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Score 63%") for t in texts), [t for t in texts if t.startswith("Score")]


def test_every_finding_code_fits_on_one_line_of_its_column():
    """A code has no spaces: one longer than its column is broken mid-word on the printed page."""
    from piramide.findings import CATALOGUE
    from piramide.style import CODE_WIDTH
    assert max(len(code) for code in CATALOGUE) <= CODE_WIDTH - 2


@pytest.mark.parametrize("text,width,expected", [
    ("kort", 10, 1),                                  # 11 characters per line at 10 pt
    ("Den Haag\nEde\nZaanstad", 10, 3),               # a list of names: one line each
    ("een twee drie vier vijf", 10, 3),               # 'een twee' | 'drie vier' | 'vijf'
    ("aaaaaaaaaaaaaaaaaaaaaaa", 10, 3),               # one word of 23 breaks inside: 11 + 11 + 1
    ("een  twee", 4, 2),                              # two spaces count as the one a wrap leaves
    ("", 10, 1),
    ("a" * 11, 10, 1), ("a" * 12, 10, 2),             # one character more than the line holds
])
def test_wrapped_lines_are_counted_as_a_spreadsheet_wraps_words(text, width, expected):
    assert style_lines(text, width) == expected
