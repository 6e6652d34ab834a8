"""Workbooks as a RIEC made them: layouts piramide did not write, read without a settings file.

Every workbook is built here from small tables; the expected answers and phases are worked
out by hand from the small definitions in conftest.py (`small`, `menu`)."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import SMALL
from piramide import questionnaire as qmod
from piramide.cli import main
from piramide.layout import Header, parse_number, tables_of, text_key
from piramide.reader import Book, _calamine_book, answer_labels, read
from piramide.scoring import score

FRONT = {"Algemeen": [["Gemeente", "Teststad"], ["Datum", dt.date(2026, 3, 15)]]}

# The answers of every small layout below, and what they give, worked out by hand:
# A: A-1 (A-01 ja, A-02 ja) behaald; A-2a (A-03 deels) deels, so phase 1; A-2b (A-04, A-05 ja)
#    and A-3 (A-06 ja) are losse stenen; score (1+1+.5+1+1+1)/6 = 91.67 %.
# B: B-1 (B-01 ja) behaald; B-2 (B-02 nee) niet behaald, so phase 1; B-3 (B-03 n.v.t., B-04 ja)
#    behaald; score (1+0+1)/3 = 66.67 %.
ANSWERS = {"A-01": "ja", "A-02": "ja", "A-03": "deels", "A-04": "ja", "A-05": "ja", "A-06": "ja",
           "B-01": "ja", "B-02": "nee", "B-03": "n.v.t.", "B-04": "ja"}
PHASES = [("A", 1, pytest.approx(91.667, abs=0.01)), ("B", 1, pytest.approx(66.667, abs=0.01))]
STATUS = {"A-1": "behaald", "A-2a": "deels", "A-2b": "behaald", "A-3": "behaald",
          "B-1": "behaald", "B-2": "niet behaald", "B-3": "behaald"}
LABELS = ["Ja", "Deels", "Nee", "N.v.t.", "Weet niet"]


def workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> Path:
    """A workbook whose sheets hold these rows, from A1 down (None leaves a cell empty)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def marks(label: str | None, columns=LABELS, mark="x") -> list:
    """One row's mark cells: `mark` under the column of `label`, the others empty."""
    return [mark if c.lower() == (label or "").lower() else None for c in columns]


def outcome(m, q):
    r = score(m, q)
    return [(p.pillar.id, p.phase, p.score) for p in r.pillars], {i.id: r.indicator(i.id).status for i in q.indicators}


def labels_of(m):
    return {qid: a.label for qid, a in m.answers.items()}


def codes(m, code):
    return [(f.sheet, f.cell) for f in m.findings if f.code == code]


def both(path, q):
    """Both readers, which must agree; the fast path must really be the one taken."""
    data = path.read_bytes()
    assert isinstance(_calamine_book(data), Book)
    a, b = read(path, q, engine="openpyxl"), read(path, q, engine="auto")
    assert a == b
    return a


# --- the layouts ---------------------------------------------------------------------------

def id_and_answer_column(tmp_path, small, answers=ANSWERS):
    rows = [["Zelfscan weerbaarheid 2026"], [],
            ["Code", "Omschrijving", "Score", "Opmerking"]]
    rows += [[qq.id, qq.text, answers.get(qq.id), f"over {qq.id}"] for qq in reversed(small.questions)]
    return workbook(tmp_path / "id-antwoord.xlsx", FRONT | {"Scan": rows})


def number_text_marks(tmp_path, small, answers=ANSWERS, texts=None, extra=()):
    """One sheet: Nr (written as people write numbers), Vraag, a mark per answer, Toelichting;
    gemeente and date on another sheet, one of them as 'label: value' in one cell."""
    numbers = ["1.", "2", 3, 4.0, "5", "6.", "7", 8, "9", "10"]
    rows = [["Nr", "Vraag", *LABELS, "Toelichting"]]
    for n, qq in zip(numbers, small.questions):
        text = (texts or {}).get(qq.id, qq.text)
        rows.append([n, text, *marks(answers.get(qq.id)), None])
    rows += [list(r) for r in extra]
    front = {"Info": [["Gemeente: Teststad"], [], ["Datum meting", "15-03-2026"]]}
    return workbook(tmp_path / "nummer-tekst-kruisjes.xlsx", {"Vragenlijst": rows} | front)


def pillar_sheets_text_marks(tmp_path, small, answers=ANSWERS):
    """One sheet per pillar, named after it; the questions by their text only, written in
    other case, spacing and punctuation; the answer columns in another order."""
    cols = ["Nee", "Ja", "N.v.t.", "Deels"]
    sheets: dict[str, list[list]] = {}
    for p in small.pillars:
        rows = [[f"Pijler {p.id}: de vragen"], ["Vraag", *cols]]
        for i in small.indicators_of(p.id):
            for qq in small.questions_of(i.id):
                typed = "  " + qq.text.upper().replace("?", " ?").replace(" ", "  ")
                rows.append([typed, *marks(answers.get(qq.id), cols, mark="✓")])
        sheets[p.name] = rows
    return workbook(tmp_path / "per-pijler.xlsx", FRONT | sheets)


def tables_under_headings(tmp_path, small, answers=ANSWERS):
    """One sheet with a table per pillar under a heading row; numbers start at 1 in each."""
    rows: list[list] = [["Gemeente", "Teststad", None, "Datum", "15 maart 2026"], []]
    for p in small.pillars:
        rows += [[p.name], ["Nr.", "Vraag", "Antwoord (ja/nee)"]]
        qs = [qq for qq in small.questions if small.pillar_of(qq).id == p.id]
        rows += [[n, qq.text, answers.get(qq.id)] for n, qq in enumerate(qs, 1)]
        rows.append([])
    return workbook(tmp_path / "koppen.xlsx", {"Piramide": rows})


LAYOUTS = [id_and_answer_column, number_text_marks, pillar_sheets_text_marks, tables_under_headings]


@pytest.mark.parametrize("build", LAYOUTS, ids=lambda f: f.__name__)
def test_each_layout_gives_the_answers_and_phases_worked_out_by_hand(tmp_path, small, build):
    m = both(build(tmp_path, small), small)
    assert labels_of(m) == ANSWERS
    assert outcome(m, small) == (PHASES, STATUS)
    assert (m.gemeente, m.datum) == ("Teststad", dt.date(2026, 3, 15))
    assert not [f for f in m.findings if f.severity == "fout"], [f.render() for f in m.findings]


def test_id_layout_keeps_cells_and_remarks(tmp_path, small):
    m = read(id_and_answer_column(tmp_path, small), small)
    # rows: title 1, empty 2, header 3, then the questions in reverse order from row 4
    assert (m.answers["B-04"].sheet, m.answers["B-04"].cell, m.answers["B-04"].remark) == ("Scan", "C4", "over B-04")
    assert m.answers["A-01"].cell == "C13"


def test_marks_name_their_cell_and_a_tick_is_any_of_the_usual_signs(tmp_path, small):
    ticks = {"A-01": "X", "A-02": "✔", "A-04": 1, "A-05": True, "A-06": "ja"}
    path = number_text_marks(tmp_path, small)
    wb = openpyxl.load_workbook(path)
    ws = wb["Vragenlijst"]
    for r, qq in enumerate(small.questions, 2):
        if qq.id in ticks:
            ws.cell(r, 3).value = ticks[qq.id]                      # C: Ja
            ws.cell(r, 5).value = False                              # E: Nee, as a linked checkbox leaves it
    wb.save(path)
    m = both(path, small)
    assert labels_of(m) == ANSWERS
    assert (m.answers["A-03"].sheet, m.answers["A-03"].cell) == ("Vragenlijst", "D4")    # Deels
    assert m.answers["B-03"].cell == "F10"                                                # N.v.t.


def test_two_marks_no_mark_and_a_stray_value(tmp_path, small):
    path = number_text_marks(tmp_path, small, answers=ANSWERS | {"A-02": None})
    wb = openpyxl.load_workbook(path)
    ws = wb["Vragenlijst"]
    ws["E2"] = "x"                 # A-01 (row 2): Ja and Nee
    ws["F5"] = "misschien"         # A-04 (row 5): ja, and something that is no mark under N.v.t.
    wb.save(path)
    m = both(path, small)
    two = next(f for f in m.findings if f.code == "antwoord_twee_markeringen")
    assert (two.sheet, two.cell, two.severity) == ("Vragenlijst", "C2", "fout")
    assert "Vragenlijst!C2 (Ja) en Vragenlijst!E2 (Nee)" in two.message and "A-01" in two.message
    assert m.answers["A-01"].kind == "ongeldig"
    assert codes(m, "antwoord_leeg") == [("Vragenlijst", "C3")]             # no mark
    assert m.answers["A-02"].kind == "leeg"
    stray = next(f for f in m.findings if f.code == "markering_ongeldig")
    assert (stray.cell, m.answers["A-04"].kind) == ("F5", "ongeldig") and "'misschien' onder 'N.v.t.'" in stray.message
    assert not codes(m, "antwoord_ongeldig")


def test_a_mark_under_an_answer_the_scale_lacks_is_invalid(tmp_path, small):
    m = read(number_text_marks(tmp_path, small, answers=ANSWERS | {"B-02": "deels"}), small)   # B-02 is ja/nee
    f = next(f for f in m.findings if f.code == "antwoord_ongeldig")
    assert (f.cell, m.answers["B-02"].kind) == ("D9", "ongeldig") and "kies ja of nee" in f.message


def test_a_near_text_is_reported_with_its_cell_never_taken(tmp_path, small):
    # "Vrag A4" is near "Vraag A4?"; "vraag a5" is the same text after normalising
    path = number_text_marks(tmp_path, small, texts={"A-04": "Vrag A4?", "A-05": "vraag  A5"})
    wb = openpyxl.load_workbook(path)
    ws = wb["Vragenlijst"]
    for r in range(2, 12):
        ws.cell(r, 1).value = None          # no numbers: the text is all there is
    wb.save(path)
    m = both(path, small)
    near = [f for f in m.findings if f.code == "vraag_tekst_lijkt_op"]
    assert [(f.sheet, f.cell) for f in near] == [("Vragenlijst", "B5")]
    assert "A-04" in near[0].message and "'Vrag A4?'" in near[0].message and "Vraag A4?" in near[0].message
    assert "A-04" not in m.answers and m.answers["A-05"].label == "ja"
    assert not [f for f in m.findings if f.code == "vraag_ontbreekt"]     # said once, by the near match


def test_a_number_and_a_text_naming_different_questions_is_a_fout(tmp_path, small):
    path = number_text_marks(tmp_path, small, texts={"A-02": "Vraag A3?"})
    m = read(path, small)
    f = next(f for f in m.findings if f.code == "vraag_nummer_tekst")
    assert (f.cell, f.severity) == ("A3", "fout") and "A-02" in f.message and "A-03" in f.message
    assert "A-02" not in m.answers


def test_one_sheet_per_pillar_by_number(tmp_path, small):
    sheets = {}
    for p in small.pillars:
        qs = [qq for qq in small.questions if small.pillar_of(qq).id == p.id]
        sheets[p.id] = [["Nr", *LABELS]] + [[n, *marks(ANSWERS[qq.id])] for n, qq in enumerate(qs, 1)]
    m = both(workbook(tmp_path / "nummers.xlsx", FRONT | sheets), small)
    assert labels_of(m) == ANSWERS and outcome(m, small) == (PHASES, STATUS)


def test_a_question_number_means_the_id_number_within_a_pillar_else_the_place(tmp_path, small_path):
    """A-01 renumbered A-07 and kept first: within pillar A the ids end in 7, 2..6, all
    different, so '7' is A-07 and '1' is nothing; over the whole definition the ids' numbers
    repeat (A-02 and B-02), so there '1' is the first question, A-07."""
    q = qmod.load(_variant(small_path, SMALL.replace('id = "A-01"', 'id = "A-07"')))
    qs = [qq.id for qq in q.questions]
    assert qs[:2] == ["A-07", "A-02"]
    sheet_a = [["Nr", "Antwoord"], [7, "nee"], [1, "ja"], [2, "deels"]]
    m = read(workbook(Path(small_path).parent / "pijler.xlsx", FRONT | {"Pijler A": sheet_a}), q)
    assert labels_of(m) == {"A-07": "nee", "A-02": "deels"}
    f = next(f for f in m.findings if f.code == "vraag_nummer_onbekend")
    assert (f.sheet, f.cell, f.severity) == ("Pijler A", "A3", "waarschuwing")
    assert "pijler Pijler A" in f.message and "7 = A-07" in f.message
    whole = [["Nr", "Antwoord"], [1, "nee"], [2, "deels"], ["2.1", "ja"], ["B 3", "n.v.t."], ["9.1", "ja"]]
    m = read(workbook(Path(small_path).parent / "geheel.xlsx", FRONT | {"Alles": whole}), q)
    assert labels_of(m) == {"A-07": "nee", "A-02": "deels", "B-01": "ja", "B-03": "n.v.t."}
    assert codes(m, "vraag_nummer_onbekend") == [("Alles", "A6")]       # there is no ninth pillar


def _variant(small_path, text):
    p = Path(small_path).parent / "variant.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_menu_by_text_and_marks_on_pillar_sheets(tmp_path, menu):
    """K-1 (minimaal 2 of K-01..K-04) has K-01 and K-03 ja: behaald; K-2: K-05 ja and K-06
    n.v.t. (allowed there): behaald, so K reaches phase 2. L: L-01 ja, L-02 deels: phase 1.
    K-04 has no mark: empty, reported."""
    answers = {"K-01": "ja", "K-02": "nee", "K-03": "ja", "K-05": "ja", "K-06": "n.v.t.", "L-01": "ja", "L-02": "deels"}
    sheets = {p.name: [["Stelling", "Toelichting", *LABELS]] +
              [[qq.text, None, *marks(answers.get(qq.id))] for qq in menu.questions if menu.pillar_of(qq).id == p.id]
              for p in menu.pillars}
    m = both(workbook(tmp_path / "menu.xlsx", FRONT | sheets), menu)
    assert labels_of(m) == answers | {"K-04": ""}
    assert codes(m, "antwoord_leeg") == [("Pijler K", "C5")]
    r = score(m, menu)
    assert [(p.pillar.id, p.phase) for p in r.pillars] == [("K", 2), ("L", 1)]
    assert r.indicator("K-1").status == "behaald"


def test_nvt_marked_where_it_cannot_be_is_still_a_fout(tmp_path, menu):
    sheets = {"Vragen": [["Vraag", *LABELS]] + [[qq.text, *marks("n.v.t." if qq.id == "K-05" else "ja")]
                                                 for qq in menu.questions]}
    m = read(workbook(tmp_path / "menu.xlsx", FRONT | sheets), menu)
    assert codes(m, "antwoord_nvt_niet_toegestaan") == [("Vragen", "E6")]


def test_a_question_the_workbook_lacks_and_an_extra_row(tmp_path, small):
    extra = [[11, "Heeft de gemeente een eigen extra vraag?", *marks("ja"), None]]
    path = number_text_marks(tmp_path, small, extra=extra)
    wb = openpyxl.load_workbook(path)
    wb["Vragenlijst"].delete_rows(7)
    wb.save(path)
    m = read(path, small)
    missing = [f for f in m.findings if f.code == "vraag_ontbreekt"]
    assert len(missing) == 1 and "A-06" in missing[0].message and missing[0].severity == "fout"
    # the extra row: its number (11) and its text name no question; both are said, as warnings
    assert codes(m, "vraag_nummer_onbekend") == [("Vragenlijst", "A11")]
    assert codes(m, "vraag_tekst_onbekend") == [("Vragenlijst", "B11")]


def test_meta_labels_on_another_sheet(tmp_path, small):
    m = read(number_text_marks(tmp_path, small), small)
    assert (m.gemeente, m.datum) == ("Teststad", dt.date(2026, 3, 15))
    assert (m.answers["A-01"].sheet, m.answers["A-01"].cell) == ("Vragenlijst", "C2")


def test_an_unrecognisable_sheet_says_what_it_found_and_what_is_missing(tmp_path, small):
    rows = [["Nr", "Vraag", "Opmerking"]] + [[n, qq.text, None] for n, qq in enumerate(small.questions, 1)]
    path = workbook(tmp_path / "zonder-antwoord.xlsx", FRONT | {"Vragen": rows})
    m = both(path, small)
    assert [f.code for f in m.findings if f.severity == "fout"] == ["geen_vragen", "indeling_onbekend", "indeling_onbekend"]
    f = next(f for f in m.findings if f.code == "indeling_onbekend" and f.sheet == "Vragen")
    assert f.cell == "A1" and f.file == str(path)
    assert "11 gevulde rijen, waarvan 10 die op vragen lijken" in f.message
    assert "een kopregel op rij 1 met Nr, Vraag, Opmerking" in f.message
    assert "Ontbreekt: een antwoordkolom (Antwoord, Score, Ja/Nee) of een kolom per antwoord (ja, deels, nee" in f.message
    other = next(f for f in m.findings if f.code == "indeling_onbekend" and f.sheet == "Algemeen")
    assert "geen kopregel" in other.message and "2 gevulde rijen, waarvan 0" in other.message


def test_answer_columns_without_a_question_column(tmp_path, small):
    rows = [["", "Ja", "Nee"]] + [[None, *marks("ja", ["Ja", "Nee"])] for _ in small.questions]
    m = read(workbook(tmp_path / "kruisjes.xlsx", {"Blad1": rows}), small)
    f = next(f for f in m.findings if f.code == "indeling_geen_vragen")
    assert f.sheet == "Blad1" and "rij 1" in f.message and "antwoorden Ja (B), Nee (C)" in f.message


def test_a_table_of_another_definition(tmp_path, small):
    rows = [["ID", "Antwoord"], ["X-01", "ja"], ["X-02", "nee"]]
    m = read(workbook(tmp_path / "ander.xlsx", FRONT | {"Vragen": rows}), small)
    assert [c for c in (f.code for f in m.findings) if c != "vraag_onbekend"][:2] == ["geen_vragen", "indeling_geen_vragen"]
    f = next(f for f in m.findings if f.code == "indeling_geen_vragen")
    assert "geen van de 2 rijen" in f.message and "--vragenlijst" in f.message


def test_a_sheet_that_looks_like_questions_but_is_not_recognised_is_named(tmp_path, small):
    path = number_text_marks(tmp_path, small)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Pijler B oud")
    for n, qq in enumerate(small.questions, 1):
        ws.append([n, qq.text, "ja"])              # no header at all
    wb["Vragenlijst"].delete_rows(8, 4)            # B-01..B-04 only on the unrecognised sheet
    wb.save(path)
    m = read(path, small)
    assert len(codes(m, "vraag_ontbreekt")) == 4
    f = next(f for f in m.findings if f.code == "blad_niet_herkend")
    assert (f.sheet, f.severity) == ("Pijler B oud", "waarschuwing") and "geen kopregel" in f.message


def test_a_hidden_sheet_in_a_foreign_layout_is_not_read(tmp_path, small):
    rows = [["ID", *LABELS]] + [[qq.id, *marks("ja")] for qq in small.questions]
    m = read(workbook(tmp_path / "verborgen.xlsx", FRONT | {"Oud": rows}, hidden=("Oud",)), small)
    assert codes(m, "vragen_verborgen") == [("Oud", "")] and not m.answers


# --- the recognition itself, for `questionnaire infer` too ---------------------------------

def test_tables_of_reports_what_it_found(small):
    words = answer_labels(small)
    rows = [("Pijler A",), ("Nr", "Vraag", "Antwoord"), (1, "Vraag A1?", "ja"), (None,), ("Pijler B",),
            ("Vraagnummer", "Stelling", None, None), (None, None, "Ja", "Nee"), ("1", "Vraag B1?", "x", None)]
    first, second = tables_of("Blad", rows, words)
    assert first.header == Header(1, keys=(0,), text=1, answer=2)
    assert (first.start, first.first, first.end) == (0, 2, 5)
    assert second.header == Header(5, keys=(0,), text=1, marks=((2, "Ja"), (3, "Nee")), height=2)
    assert (second.start, second.first, second.end) == (2, 7, 8)


def test_a_row_of_answers_is_never_a_header(small):
    words = answer_labels(small)
    # a question whose answer is 'ja' and whose toelichting is 'nee' stays a question row
    rows = [("Nr", "Vraag", "Antwoord", "Toelichting"), (1, "Vraag A1?", "ja", "nee")]
    assert len(tables_of("Blad", rows, words)) == 1


@pytest.mark.parametrize("typed, expected", [
    ("1", (1, None, "")), ("1.", (1, None, "")), (12, (12, None, "")), (4.0, (4, None, "")), ("3.4", (3, 4, "")),
    ("BO 1", (1, None, "bo")), ("bo-01", (1, None, "bo")), ("Vraag 1 is lang", None), (True, None), ("", None),
])
def test_question_numbers_as_people_write_them(typed, expected):
    n = parse_number(typed)
    assert (n and (n.major, n.minor, n.prefix)) == expected or (n is None and expected is None)


def test_texts_compare_without_case_spaces_punctuation_or_numbering():
    assert text_key(" 3. Is er  een  BELEID, voor 13b?") == text_key("is er een beleid voor 13b") == \
        "is er een beleid voor 13b"
    assert text_key("Café") == text_key("cafe")


# --- through the command line ----------------------------------------------------------------

def test_score_a_foreign_workbook_on_the_command_line(tmp_path, small, small_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = number_text_marks(tmp_path, small)
    r = CliRunner().invoke(main, ["score", "-q", str(small_path), str(good), "-o", "uit"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "Dashboard geschreven: uit/teststad-dashboard-2026-03-15.xlsx (Teststad, fasen A 1, B 1)" in r.output
    assert (tmp_path / "uit" / "teststad-dashboard-2026-03-15.xlsx").exists()
    rows = [["Nr", "Vraag", "Opmerking"]] + [[n, qq.text, None] for n, qq in enumerate(small.questions, 1)]
    bad = workbook(tmp_path / "slecht.xlsx", FRONT | {"Vragen": rows})
    r = CliRunner().invoke(main, ["score", "-q", str(small_path), str(bad), "-o", "uit2"], catch_exceptions=False)
    assert r.exit_code == 1
    assert f"fout: {bad}, Vragen!A1: hier is geen vragentabel herkend." in r.output
    assert "een kopregel op rij 1 met Nr, Vraag, Opmerking" in r.output and "Ontbreekt: een antwoordkolom" in r.output
    assert not (tmp_path / "uit2").exists()


def test_an_answer_column_outranks_label_columns_but_a_score_does_not(small, default_q):
    words = answer_labels(default_q)
    # our own template: helper columns headed 'ja' and 'onbekend' beside 'Antwoord'
    ours = [("ID", "Vraag", "Antwoord", "Toelichting", None, "ind", "soort", "waarde", "ja", "onbekend")]
    (t,) = tables_of("Vragen", ours, words)
    assert (t.header.answer, t.header.marks) == (2, ())
    # a RIEC's 'Score' column counting the marks: the marks are the answer
    theirs = [("Nr", "Vraag", "Ja", "Nee", "Score")]
    (t,) = tables_of("Vragen", theirs, answer_labels(small))
    assert (t.header.answer, t.header.marks) == (None, ((2, "Ja"), (3, "Nee")))


def test_near_matching_is_bounded_per_workbook(tmp_path, small, monkeypatch):
    """Each near comparison costs milliseconds: a sheet of thousands of texts that resemble
    questions is compared only up to NEAR_ROWS rows, so its cost does not grow with it."""
    import difflib

    from piramide import reader
    made = []
    real = difflib.SequenceMatcher

    def counting(*args, **kw):
        made.append(1)
        return real(*args, **kw)
    monkeypatch.setattr(reader.difflib, "SequenceMatcher", counting)
    rows = [["Vraag", "Antwoord"]] + [[f"Vrag A{n % 6 + 1}?", "ja"] for n in range(1000)]
    m = read(workbook(tmp_path / "veel.xlsx", FRONT | {"Vragen": rows}), small)
    assert len(made) == reader.NEAR_ROWS * len(small.questions)
    assert len(codes(m, "vraag_tekst_lijkt_op")) == reader.NEAR_ROWS
