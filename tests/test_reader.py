"""Reading filled workbooks as people really fill them."""

import datetime as dt
import random

import openpyxl
import pytest

from conftest import SMALL_IDS, all_answers, filled
from piramide import labels as L
from piramide.reader import ReadError, parse_date, read
from piramide.scoring import score


def codes_at(m, code):
    return [(f.sheet, f.cell) for f in m.findings if f.code == code]


def answer_cell(path, qid):
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SHEET_QUESTIONS]
    for row in ws.iter_rows():
        if row[0].value == qid:
            return row[3].coordinate
    raise KeyError(qid)


def test_reads_the_example_and_its_metadata(tmp_path, default_q):
    from piramide.example import example_measurements, file_name
    from piramide.template import write_template
    m0 = example_measurements(default_q)[1]
    path = write_template(default_q, tmp_path / file_name(m0), filled=m0)
    m = read(path, default_q)
    assert (m.gemeente, m.regio, m.datum, m.soort) == ("Voorbeeldstad", "RIEC Midden-Voorbeeld",
                                                       dt.date(2026, 3, 18), "vervolgmeting")
    assert m.ambitie == {"BO": 3, "IP": 3, "BH": 3, "IW": 4, "CO": 2}
    assert (m.questionnaire_id, m.questionnaire_version) == (default_q.id, default_q.version)
    assert len(m.answers) == 105
    typed = [a for a in m.answers.values() if a.raw == " Ja"]              # typed as people type
    assert len(typed) == 1 and typed[0].label == "ja"
    nvt = [(qid, a) for qid, a in m.answers.items() if a.label == "n.v.t."]
    assert len(nvt) == 1 and default_q.question(nvt[0][0]).nvt_allowed    # only where n.v.t. can be
    assert nvt[0][1].remark.startswith("N.v.t.: ")
    assert m.geraadpleegd.startswith("OOV, HR/P&O") and sum(a.basis == "document" for a in m.answers.values()) > 30
    assert len(m.sha256) == 64


@pytest.mark.parametrize("typed, label", [
    (" ja ", "ja"), ("JA", "ja"), ("j", "ja"), ("Ja", "ja"), (True, "ja"), (1, "ja"), (1.0, "ja"),
    ("Nee", "nee"), ("n", "nee"), (False, "nee"), (0, "nee"),
    ("n.v.t.", "n.v.t."), ("nvt", "n.v.t."), ("N.V.T.", "n.v.t."),
    ("deels", "deels"), ("gedeeltelijk", "deels"), ("Gedeeltelijk ", "deels"),
    ("weet niet", "weet niet"), ("Weet  niet", "weet niet"),
])
def test_every_answer_form_is_read(tmp_path, small, typed, label):
    answers = all_answers(small)
    answers["A-03"] = typed
    m = read(filled(small, tmp_path / "f.xlsx", answers), small)
    assert m.answers["A-03"].label == label


def test_invalid_answer_is_a_finding_with_its_cell_never_a_guess(tmp_path, small):
    answers = all_answers(small)
    answers["A-03"] = "misschien"
    path = filled(small, tmp_path / "f.xlsx", answers)
    m = read(path, small)
    assert m.answers["A-03"].kind == "ongeldig"
    f = next(f for f in m.findings if f.code == "antwoord_ongeldig")
    assert (f.sheet, f.cell) == (L.SHEET_QUESTIONS, answer_cell(path, "A-03"))
    assert f.severity == "fout"
    assert "'misschien' is geen geldig antwoord" in f.message and "n.v.t. of weet niet" in f.message


def test_empty_answer_is_reported_not_read_as_nee(tmp_path, small):
    answers = all_answers(small)
    del answers["B-03"]
    path = filled(small, tmp_path / "f.xlsx", answers)
    m = read(path, small)
    assert m.answers["B-03"].kind == "leeg"
    assert codes_at(m, "antwoord_leeg") == [(L.SHEET_QUESTIONS, answer_cell(path, "B-03"))]
    assert score(m, small).indicator("B-3").status == "onbekend"


def test_weet_niet_is_reported_as_a_gap(tmp_path, small):
    answers = all_answers(small)
    answers["A-01"] = "weet niet"
    path = filled(small, tmp_path / "f.xlsx", answers)
    m = read(path, small)
    assert codes_at(m, "antwoord_weet_niet") == [(L.SHEET_QUESTIONS, answer_cell(path, "A-01"))]


def rebuilt(tmp_path, small, answers, *, shuffle=False, extra_cols=0, header_row=1, split=False,
            drop=(), duplicate=(), unknown=(), front=True, name="eigen.xlsx", date_value=dt.date(2026, 3, 15)):
    """A workbook laid out the way a person might remake it: other sheet names and order,
    extra columns, rows sorted differently, questions over two sheets."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = [wb.create_sheet("Deel 2"), wb.create_sheet("Mijn vragen")] if split else [wb.create_sheet("Mijn vragen")]
    if front:
        fr = wb.create_sheet("Algemeen")
        fr["B3"], fr["C3"] = "Gemeente:", "Teststad"
        fr["B4"], fr["C4"] = "datum meting", date_value
        fr["B6"], fr["C6"] = "Ambitie: Pijler A", "fase 2"
        fr["B7"], fr["C7"] = "ambitie B", 3
    ids = [q for q in SMALL_IDS if q not in drop] + list(duplicate) + list(unknown)
    if shuffle:
        random.Random(7).shuffle(ids)
    for n, ws in enumerate(sheets):
        for c in range(extra_cols):
            ws.cell(header_row, 1 + c, f"extra {c}")
        base = extra_cols
        ws.cell(header_row, base + 1, "Vraag-ID")
        ws.cell(header_row, base + 2, "Vraag")
        ws.cell(header_row, base + 3, "Opmerking")
        ws.cell(header_row, base + 4, "Antwoord")
        part = ids[n::len(sheets)]
        for r, qid in enumerate(part, header_row + 1):
            ws.cell(r, base + 1, qid)
            ws.cell(r, base + 2, f"tekst van {qid}")
            ws.cell(r, base + 3, f"toelichting {qid}")
            ws.cell(r, base + 4, answers.get(qid.upper(), "ja"))
    path = tmp_path / name
    wb.save(path)
    return path


def phases(m, q):
    r = score(m, q)
    return [(p.pillar.id, p.phase, p.score) for p in r.pillars], {i: r.indicator(i).status for i in
                                                                   [x.id for x in q.indicators]}


def test_same_answers_same_result_whatever_the_layout(tmp_path, small):
    answers = {"A-01": "ja", "A-02": "deels", "A-04": "nee", "B-02": "nee", "B-03": "n.v.t."}
    ours = read(filled(small, tmp_path / "ours.xlsx", answers | {q: "ja" for q in SMALL_IDS if q not in answers}),
                small)
    expected = phases(ours, small)
    for kw in [dict(), dict(shuffle=True), dict(extra_cols=3, header_row=4), dict(split=True, shuffle=True)]:
        m = read(rebuilt(tmp_path, small, answers, **kw), small)
        assert phases(m, small) == expected, kw
        assert m.answers["A-02"].remark == "toelichting A-02"
        assert m.ambitie == {"A": 2, "B": 3} and m.gemeente == "Teststad"


def test_our_template_with_rows_and_columns_moved_and_sheets_renamed(tmp_path, small):
    answers = all_answers(small) | {"A-04": "nee"}
    path = filled(small, tmp_path / "f.xlsx", answers)
    expected = phases(read(path, small), small)
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SHEET_QUESTIONS]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    ws.insert_cols(1, 2)           # two columns added in front
    ws.delete_rows(2)              # a band row removed
    ws.title = "Vragenlijst 2026"
    wb.move_sheet(ws, offset=-2)
    wb[L.SHEET_FRONT].title = "Start"
    wb.save(tmp_path / "moved.xlsx")
    m = read(tmp_path / "moved.xlsx", small)
    assert phases(m, small) == expected
    assert m.answers["A-04"].sheet == "Vragenlijst 2026" and m.answers["A-04"].cell.startswith("F")


def test_missing_duplicated_and_unknown_ids(tmp_path, small):
    path = rebuilt(tmp_path, small, {}, drop=("A-05",), duplicate=("A-01",), unknown=("Z-77",))
    m = read(path, small)
    missing = [f for f in m.findings if f.code == "vraag_ontbreekt"]
    assert len(missing) == 1 and "A-05" in missing[0].message and missing[0].severity == "fout"
    assert "A-05" not in m.answers
    # rows: header 1, nine questions 2-10, the duplicate 11, the unknown id 12
    dup = next(f for f in m.findings if f.code == "vraag_dubbel")
    assert dup.sheet == "Mijn vragen" and dup.cell == "A11" and "Mijn vragen!D2" in dup.message
    unk = next(f for f in m.findings if f.code == "vraag_onbekend")
    assert unk.cell == "A12" and "Z-77" in unk.message
    assert score(m, small).indicator("A-2b").status == "onbekend"


def test_missing_gemeente_and_date(tmp_path, small):
    path = rebuilt(tmp_path, small, {}, front=False)
    m = read(path, small)
    assert {f.message.split("'")[1] for f in m.findings if f.code == "meta_ontbreekt"} == {"Gemeente", "Datum meting"}
    path = filled(small, tmp_path / "f.xlsx", all_answers(small), gemeente="", datum=None)
    m = read(path, small)
    assert codes_at(m, "meta_ontbreekt") == [(L.SHEET_FRONT, "B5"), (L.SHEET_FRONT, "B7")]


def test_unrecognised_date_is_a_finding(tmp_path, small):
    m = read(rebuilt(tmp_path, small, {}, date_value="volgende week"), small)
    assert codes_at(m, "meta_datum_ongeldig") == [("Algemeen", "C4")]


@pytest.mark.parametrize("typed, expected", [
    ("15-03-2026", dt.date(2026, 3, 15)), ("15-3-2026", dt.date(2026, 3, 15)), ("15/03/2026", dt.date(2026, 3, 15)),
    ("15.03.26", dt.date(2026, 3, 15)), ("2026-03-15", dt.date(2026, 3, 15)), ("15 maart 2026", dt.date(2026, 3, 15)),
    ("15 mrt 2026", dt.date(2026, 3, 15)), (dt.datetime(2026, 3, 15, 0, 0), dt.date(2026, 3, 15)),
    (46096, dt.date(2026, 3, 15)), ("31-02-2026", None), ("maart", None),
])
def test_dates_as_dutch_users_type_them(typed, expected):
    assert parse_date(typed) == expected


def test_workbook_from_another_questionnaire_or_version(tmp_path, small, small_path):
    from piramide import questionnaire as qmod
    path = filled(small, tmp_path / "f.xlsx", all_answers(small))
    newer = tmp_path / "v3.toml"
    newer.write_text(small_path.read_text().replace('versie = "2"', 'versie = "3"'))
    m = read(path, qmod.load(newer))
    f = next(f for f in m.findings if f.code == "versie_anders")
    assert (f.sheet, f.cell) == (L.SHEET_INFO, "B3") and "versie 2" in f.message and "versie 3" in f.message
    other = tmp_path / "other.toml"
    other.write_text(small_path.read_text().replace('id = "test-piramide"', 'id = "regio-norm"'))
    m = read(path, qmod.load(other))
    f = next(f for f in m.findings if f.code == "vragenlijst_anders")
    assert (f.sheet, f.cell, f.severity) == (L.SHEET_INFO, "B2", "fout") and "regio-norm" in f.message


def test_formula_without_cached_value_is_named(tmp_path, small):
    path = rebuilt(tmp_path, small, {"A-03": '=IF(1=1,"ja","nee")'})
    m = read(path, small)   # openpyxl writes formulas without a cached result
    (sheet, cell), = codes_at(m, "antwoord_formule_zonder_waarde")
    assert sheet == "Mijn vragen" and openpyxl.load_workbook(path)[sheet][cell].value.startswith("=IF")


def test_not_a_piramide(tmp_path, small):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Begroting 2026"
    wb.save(tmp_path / "begroting.xlsx")
    m = read(tmp_path / "begroting.xlsx", small)
    assert any(f.code == "geen_vragen" for f in m.findings)


def test_unreadable_file_raises_a_dutch_read_error(tmp_path, small):
    p = tmp_path / "kapot.xlsx"
    p.write_bytes(b"dit is geen werkboek")
    with pytest.raises(ReadError, match="tekstbestand") as exc:
        read(p, small)
    assert exc.value.code == "invoer_tekst"


def test_input_is_never_changed(tmp_path, small):
    path = filled(small, tmp_path / "f.xlsx", all_answers(small))
    before = path.read_bytes()
    read(path, small)
    assert path.read_bytes() == before
