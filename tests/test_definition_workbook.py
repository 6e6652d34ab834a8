"""Definitions authored in Excel: a definition workbook read with places (sheet and cell),
written from any definition, and round trips TOML -> Excel -> TOML. The workbooks are built
here from small tables."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from conftest import CUSTOM, MENU, SMALL, all_answers, filled
from piramide import questionnaire as qmod
from piramide.definition_toml import string, to_toml
from piramide.definition_workbook import Todo, write_definition


def tables() -> dict[str, list[list]]:
    """A small valid definition as the tables of a workbook: sheet -> rows, header first."""
    return {
        "Instellingen": [["veld", "waarde"], ["id", "mini"], ["versie", "1.0"], ["titel", "Mini"]],
        "Fasen": [["nummer", "naam"], [1, "Basis"], [2, "Top"]],
        "Pijlers": [["id", "naam", "fase 1", "fase 2"], ["A", "Pijler A", "A heeft iets", "A doet het"]],
        "Schalen": [["id", "naam", "label", "waarde", "soort", "synoniemen"],
                    ["jn", "ja/nee", "ja", 1, None, "j\nyes"],
                    ["jn", "ja/nee", "nee", 0, None, None],
                    ["jn", "ja/nee", "n.v.t.", None, "nvt", "nvt"]],
        "Indicatoren": [["id", "pijler", "fase", "naam", "handvat", "producten"],
                        ["A-1", "A", 1, "A basis", "Doe A1.", "X\nY"],
                        ["A-2", "A", 2, "A top", "Doe A2.", None]],
        "Vragen": [["id", "indicator", "vraag", "bron", "vervangt"],
                   ["A-01", "A-1", "Vraag 1?", "eigen", None],
                   ["A-02", "A-2", "Vraag 2?", "eigen", "OUD-2"]],
    }


def book(path, sheets: dict[str, list[list]], hidden=(), merged: dict[str, str] | None = None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row, 1):
                if v is not None:
                    ws.cell(r, c, v)
        if name in hidden:
            ws.sheet_state = "hidden"
    for name, rng in (merged or {}).items():
        wb[name].merge_cells(rng)
    wb.save(path)
    return path


def same(a, b) -> list[str]:
    """The fields in which two Questionnaires differ, `path` aside."""
    return [f.name for f in dataclasses.fields(a) if f.name not in ("path", "_index")
            and getattr(a, f.name) != getattr(b, f.name)]


def test_a_definition_workbook_loads_with_lists_in_cells(tmp_path):
    q = qmod.load(book(tmp_path / "mini.xlsx", tables()))
    assert (q.id, q.version, q.title) == ("mini", "1.0", "Mini")
    assert q.scale("jn").labels() == ["ja", "nee", "n.v.t."]
    assert q.scale("jn").options[0].aliases == ("j", "yes")
    assert q.scale("jn").options[2].kind == "nvt" and q.scale("jn").options[2].value is None
    assert q.pillar("A").phase_texts == ("A heeft iets", "A doet het")
    assert q.indicator("A-1").products == ("X", "Y")
    assert q.question("A-02").replaces == ("OUD-2",)
    assert q.question("A-01").scale_id == "jn"          # the first scale is the standard one


def _definitions(tmp_path):
    out = list(qmod.builtin_names())
    for name, text in (("small", SMALL), ("custom", CUSTOM), ("menu", MENU)):
        p = tmp_path / f"{name}.toml"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def test_round_trips_give_the_same_questionnaire(tmp_path):
    defs = _definitions(tmp_path)
    assert len(defs) >= 6
    for n, src in enumerate(defs):
        q = qmod.load(src)
        x = write_definition(q, tmp_path / f"d{n}.xlsx")
        from_xlsx, findings = qmod.check(x)
        assert from_xlsx is not None and findings == [], (src, [f.render() for f in findings])
        assert same(q, from_xlsx) == [], src
        t = tmp_path / f"d{n}.toml"                      # Excel -> TOML -> load
        t.write_text(to_toml(from_xlsx), encoding="utf-8")
        from_toml, findings = qmod.check(t)
        assert from_toml is not None and findings == [], (src, [f.render() for f in findings])
        assert same(q, from_toml) == [], src
        assert from_toml == dataclasses.replace(q, path=str(t))      # the same definition, also in the dataclass's eyes


def test_toml_strings_are_escaped(tmp_path):
    import tomllib
    nasty = 'een "quote", een \\ backslash, regel\nnieuw, tab\t, \x1b[8m en \x7f, ü €'
    assert tomllib.loads(f"x = {string(nasty)}")["x"] == nasty
    text = SMALL.replace('naam = "A basis"', f'naam = {string(nasty)}')
    p = tmp_path / "nasty.toml"
    p.write_text(text, encoding="utf-8")
    q = qmod.load(p)
    back = tmp_path / "back.toml"
    back.write_text(to_toml(q), encoding="utf-8")
    assert qmod.load(back).indicator("A-1").name == nasty


def _findings(tmp_path, sheets, **kw):
    q, findings = qmod.check(book(tmp_path / "def.xlsx", sheets, **kw))
    return q, findings


def _one(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, (code, [f.render() for f in findings])
    return hits[0]


def _set(sheets, sheet, row, col, value):
    rows = sheets[sheet]
    while len(rows[row - 1]) < col:
        rows[row - 1].append(None)
    rows[row - 1][col - 1] = value
    return sheets


@pytest.mark.parametrize("sheet, row, col, value, code, severity", [
    ("Indicatoren", 3, 2, "=A1", "defx_formule", "fout"),
    ("Indicatoren", 2, 4, "#N/A", "defx_foutwaarde", "fout"),
    ("Instellingen", 3, 2, 2.0, "defx_geen_tekst", "fout"),             # versie typed as a number
    ("Vragen", 2, 1, dt.datetime(2026, 1, 2), "defx_geen_tekst", "fout"),  # Excel made a date of it
    ("Indicatoren", 2, 3, True, "defx_geen_getal", "fout"),
    ("Indicatoren", 3, 2, "C", "def_onbekende_pijler", "fout"),
    ("Indicatoren", 3, 3, 7, "def_onbekende_fase", "fout"),
    ("Vragen", 3, 1, "A-01", "def_dubbel_id", "fout"),
    ("Vragen", 3, 2, "A-3", "def_onbekende_indicator", "fout"),
    ("Schalen", 3, 4, 5, "def_schaal_fout", "fout"),
    ("Schalen", 2, 5, "misschien", "def_schaal_fout", "fout"),
])
def test_each_error_names_its_sheet_and_cell(tmp_path, sheet, row, col, value, code, severity):
    q, findings = _findings(tmp_path, _set(tables(), sheet, row, col, value))
    f = _one(findings, code)
    assert (f.sheet, f.cell, f.severity) == (sheet, f"{'ABCDEF'[col - 1]}{row}", severity), f.render()
    assert f.render().startswith(f"fout: {tmp_path / 'def.xlsx'}, {sheet}!{'ABCDEF'[col - 1]}{row}: ")
    assert q is None
    # a cell the reader reported is not reported again by the validator
    assert len([g for g in findings if (g.sheet, g.cell) == (f.sheet, f.cell)]) == 1, [g.render() for g in findings]


def test_a_missing_required_field_names_the_empty_cell(tmp_path):
    q, findings = _findings(tmp_path, _set(tables(), "Fasen", 3, 2, None))
    f = _one(findings, "def_veld_ontbreekt")
    assert (f.sheet, f.cell) == ("Fasen", "B3") and "'naam'" in f.message
    q, findings = _findings(tmp_path, _set(tables(), "Instellingen", 4, 1, "titl"))
    assert [(f.code, f.sheet, f.cell) for f in findings if f.severity == "fout"] == \
        [("def_veld_ontbreekt", "Instellingen", "A5")]
    typo = _one(findings, "def_onbekend_veld")
    assert (typo.sheet, typo.cell) == ("Instellingen", "A4") and "bedoelt u 'titel'" in typo.message


def test_an_indicator_without_questions_points_at_its_row(tmp_path):
    sheets = tables()
    sheets["Indicatoren"].append(["A-3", "A", 2, "A extra", "Doe A3."])
    q, findings = _findings(tmp_path, sheets)
    f = _one(findings, "def_indicator_zonder_vragen")
    assert (f.sheet, f.cell) == ("Indicatoren", "A4")


def test_a_misspelled_sheet_is_named_with_a_suggestion(tmp_path):
    sheets = tables()
    sheets["Indikatoren"] = sheets.pop("Indicatoren")
    q, findings = _findings(tmp_path, sheets)
    assert q is None
    f = _one(findings, "defx_blad_ontbreekt")
    assert "'Indicatoren'" in f.message and "bedoelt u het blad 'Indikatoren'" in f.message
    assert not [g for g in findings if g.code == "defx_blad_onbekend"]     # said once
    # the questions now name unknown indicators; that follows, and is said with its cell
    assert _one(findings, "def_onbekende_indicator").sheet == "Vragen"


def test_every_missing_required_sheet_is_named(tmp_path):
    sheets = tables()
    del sheets["Schalen"], sheets["Fasen"]
    q, findings = _findings(tmp_path, sheets)
    missing = {f.message.split("'")[1] for f in findings if f.code == "defx_blad_ontbreekt"}
    assert missing == {"Schalen", "Fasen"}
    assert not [f for f in findings if f.code == "def_leeg"]       # not again as "bevat geen …"


def test_a_misspelled_column_gets_a_suggestion(tmp_path):
    q, findings = _findings(tmp_path, _set(tables(), "Indicatoren", 1, 5, "handvaat"))
    missing = _one(findings, "defx_kolom_ontbreekt")
    assert missing.sheet == "Indicatoren" and "'handvat'" in missing.message and "'handvaat'" in missing.message
    unknown = _one(findings, "defx_kolom_onbekend")
    assert (unknown.cell, unknown.severity) == ("E1", "waarschuwing") and "bedoelt u 'handvat'" in unknown.message
    # one finding for the column, not one per row
    assert not [f for f in findings if f.code == "def_veld_ontbreekt"], [f.render() for f in findings]


def test_what_people_do_to_a_sheet_still_reads(tmp_path):
    """Trailing spaces, other case, spaces for underscores, empty rows between, an extra
    sheet: the definition loads (the extra sheet with a warning)."""
    sheets = tables()
    sheets["vragen "] = sheets.pop("Vragen")
    sheets["vragen "][0][0] = " ID "
    sheets["Indicatoren"][1][0] = "A-1  "
    sheets["Indicatoren"].insert(2, [None, " "])            # an empty row between two indicators
    sheets["Notities"] = [["wat ik nog wil"], ["meer vragen"]]
    q, findings = _findings(tmp_path, sheets)
    assert q is not None, [f.render() for f in findings]
    assert [f.code for f in findings] == ["defx_blad_onbekend"] and findings[0].sheet == "Notities"
    assert q.indicator("A-1").name == "A basis" and len(q.indicators) == 2
    # a finding below the empty row names the row as the user sees it
    sheets["Indicatoren"][3][1] = "Q"
    q, findings = _findings(tmp_path, sheets)
    assert _one(findings, "def_onbekende_pijler").cell == "B4"


def test_merged_and_hidden_sheets_are_findings(tmp_path):
    sheets = tables()
    q, findings = _findings(tmp_path, sheets, merged={"Schalen": "A2:A4"})
    f = _one(findings, "defx_samengevoegd")
    assert (f.sheet, f.cell) == ("Schalen", "A2") and "A2:A4" in f.message
    q, findings = _findings(tmp_path, tables(), hidden=("Vragen",))
    assert _one(findings, "defx_blad_verborgen").sheet == "Vragen" and q is None


def test_not_a_workbook_is_said_by_the_gate(tmp_path):
    p = tmp_path / "def.xlsx"
    p.write_text("id,versie\n", encoding="utf-8")
    q, findings = qmod.check(p)
    assert q is None and [f.code for f in findings] == ["invoer_tekst"]
    q, findings = qmod.check(tmp_path / "weg.xlsx")
    assert [f.code for f in findings] == ["def_bestaat_niet"]


def test_the_export_has_dropdowns_that_reach_beyond_the_rows(tmp_path):
    q = qmod.load(book(tmp_path / "mini.xlsx", tables()))
    out = write_definition(q, tmp_path / "export.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Uitleg" and wb["Lijsten"].sheet_state == "hidden"
    assert "piramide questionnaire check" in " ".join(str(c.value) for row in wb["Uitleg"].iter_rows() for c in row)

    def lists(sheet):
        return {str(dv.sqref): dv.formula1 for dv in wb[sheet].data_validations.dataValidation if dv.type == "list"}

    ind = lists("Indicatoren")
    assert ind["B2:B1003"] == "Pijlers!$A$2:$A$2000" and ind["C2:C1003"] == "Fasen!$A$2:$A$2000"
    vr = lists("Vragen")
    assert vr["B2:B1003"] == "Indicatoren!$A$2:$A$2000" and vr["H2:H1003"].startswith("Lijsten!$A$2")
    assert lists("Schalen")["E2:E1004"] == '"waarde,nvt,onbekend"'
    assert wb["Vragen"].freeze_panes == "B2"


def test_todo_cells_are_marked_and_left_empty(tmp_path):
    q = qmod.load(book(tmp_path / "mini.xlsx", tables()))
    draft = dataclasses.replace(q, indicators=tuple(dataclasses.replace(i, phase=0) if i.id == "A-2" else i
                                                    for i in q.indicators))
    out = write_definition(draft, tmp_path / "concept.xlsx", todo=[Todo("indicatoren", "A-2", "fase")])
    ws = openpyxl.load_workbook(out)["Indicatoren"]
    assert ws["C3"].value is None and "nog in te vullen" in ws["C3"].comment.text.lower()
    assert ws["C2"].value == 1 and ws["C2"].comment is None
    q2, findings = qmod.check(out)                    # check says what is still missing, with the cell
    f = _one(findings, "def_veld_ontbreekt")
    assert (f.sheet, f.cell) == ("Indicatoren", "C3")


# --- the command line ---------------------------------------------------------------------



def test_cli_export_check_template_and_score(run, tmp_path):
    r = run("questionnaire", "export", "-o", "def.xlsx")
    assert r.exit_code == 0 and "Definitie geschreven: def.xlsx" in r.output
    r = run("questionnaire", "check", "def.xlsx")
    assert r.exit_code == 0 and "in orde" in r.output and "105 vragen" in r.output
    assert run("questionnaire", "export", "def.xlsx", "-o", "def.toml").exit_code == 0
    assert same(qmod.load(tmp_path / "def.toml"), qmod.load(None)) == []
    r = run("questionnaire", "export", "-o", "def.xlsx")                 # exists: refused, unchanged
    assert r.exit_code == 1 and "--vervang" in r.output
    r = run("questionnaire", "export", "def.xlsx", "-o", "def.xlsx", "--vervang")   # never over its input
    assert r.exit_code == 1 and "invoerbestand" in r.output
    assert run("questionnaire", "export", "-o", "def.csv").exit_code == 2

    small = tmp_path / "small.toml"
    small.write_text(SMALL, encoding="utf-8")
    assert run("questionnaire", "export", small, "-o", "small.xlsx").exit_code == 0
    r = run("template", "-q", "small.xlsx", "-o", "leeg.xlsx")
    assert r.exit_code == 0 and "10 vragen" in r.output
    q = qmod.load(tmp_path / "small.xlsx")
    filled(q, tmp_path / "ingevuld.xlsx", all_answers(q))
    r = run("score", "ingevuld.xlsx", "-q", "small.xlsx", "-o", "dash")
    assert r.exit_code == 0, r.output
    assert "fasen A 3, B 3" in r.output


def test_cli_says_in_dutch_what_is_wrong_with_a_definition_workbook(run, tmp_path):
    book(tmp_path / "kapot.xlsx", _set(tables(), "Indicatoren", 3, 2, "C"))
    r = run("questionnaire", "check", "kapot.xlsx")
    assert r.exit_code == 1
    assert "kapot.xlsx, Indicatoren!B3: indicator 'A-2' verwijst naar pijler 'C', die niet bestaat" in r.output
    assert "2 fout(en) gevonden" in r.output          # and pillar A now lacks phase 2
    r = run("template", "-q", "kapot.xlsx", "-o", "t.xlsx")
    assert r.exit_code == 1 and "Indicatoren!B3" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "t.xlsx").exists()
