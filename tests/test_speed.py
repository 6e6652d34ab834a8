"""Speed is measured in benchmarks/bench.py, never here. These tests bound the WORK of the fast
path instead: what one score imports and parses, and that the shortcuts taken for speed
(the fast scan of a sheet, formulas found in the sheet's XML) say exactly what the careful
way says."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from piramide import parts
from piramide import questionnaire as qmod
from piramide import reader
from piramide.template import write_template

from conftest import all_answers, filled, meta
from test_hostile import set_cell_xml

HEAVY = ("pandas", "openpyxl", "numpy")

RUNNER = """
import json, sys
from piramide.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
from piramide import questionnaire
print(json.dumps({"code": code, "modules": sorted(sys.modules), "parsed": len(questionnaire._LOADED)}))
"""


def run_score(tmp_path, *args) -> dict:
    """`piramide score` in a fresh interpreter; what it imported and how many definitions it parsed."""
    out = subprocess.run([sys.executable, "-c", RUNNER, "score", *map(str, args), "-o", str(tmp_path / "uit"),
                          "--vervang"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.stdout.strip(), out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY]


def test_one_score_imports_no_pandas_openpyxl_or_numpy_and_parses_one_definition(tmp_path, default_q):
    path = filled(default_q, tmp_path / "gemeente.xlsx", all_answers(default_q))
    got = run_score(tmp_path, path)
    assert got["code"] in (0, None)
    assert heavy(got["modules"]) == []
    assert "xlsxwriter" in got["modules"] and "python_calamine" in got["modules"]   # the runner did the work
    assert got["parsed"] == 1          # the built-in 1.0 and veilige-publieke-taak are not parsed
    # what only an action plan or a survey needs stays out of a plain score
    assert {"piramide.actionplan", "piramide.cli_enquete", "piramide.survey"}.isdisjoint(got["modules"])


def test_empty_answers_and_an_uncalculated_formula_still_need_no_openpyxl(tmp_path, default_q):
    answers = all_answers(default_q)
    first, second = default_q.questions[0].id, default_q.questions[1].id
    answers[first] = None
    src = filled(default_q, tmp_path / "leeg.xlsx", answers)
    m = reader.read(src, default_q)
    cell = m.answers[second].cell
    path = set_cell_xml(src, tmp_path / "formule.xlsx", m.answers[second].sheet, cell, b'<c r="@@"><f>1+1</f></c>')
    got = run_score(tmp_path, path)
    assert heavy(got["modules"]) == []
    m = reader.read(path, default_q)
    codes = {f.code: f.cell for f in m.findings}
    assert codes["antwoord_formule_zonder_waarde"] == cell
    assert codes["antwoord_leeg"] == m.answers[first].cell


def test_a_workbook_of_version_1_parses_that_version_only_when_it_is_read(tmp_path):
    old = qmod.load("piramide-fitte-gemeenten-1.0")
    m = meta()
    path = write_template(old, tmp_path / "nul.xlsx", filled=m)
    got = run_score(tmp_path, path)
    assert got["parsed"] == 2 and heavy(got["modules"]) == []     # the default (main) and 1.0


def test_candidates_load_lazily_and_choose_by_id_and_version():
    c = qmod.candidates()
    assert c.keys()[0] == (c[0].id, c[0].version) and len(c._loaded) == 0
    old = c.choose("piramide-fitte-gemeenten", "1.0")
    assert old.version == "1.0" and c.index(old) == 1 and list(c._loaded) == [1]
    assert c.choose("iets-anders", "9") is c[0]
    with pytest.raises(ValueError):                              # by identity, and nothing is loaded to find it
        c.index(qmod.load("veilige-publieke-taak"))
    assert [(q.id, q.version) for q in c] == c.keys()           # what the heads say is what loads


@pytest.mark.parametrize("ref,fits", [("A1", True), ("BH9999", True), ("BI1", False), ("A10000", False),
                                      ("AZ5", True), ("XFD1048576", False), ("ZZ1", False)])
def test_fast_scan_agrees_with_the_careful_scan(ref, fits):
    sheet = b'<worksheet><sheetData><row r="1">%s<c r="%s"><v>1</v></c></row></sheetData></worksheet>'
    assert parts.scan(sheet % (b'<c r="A1" t="s"><v>0</v></c>', ref.encode())).fits is fits
    # an error value sends the scan down the careful loop, which decides the same
    careful = parts.scan(sheet % (b'<c r="A1" t="e"><v>#N/A</v></c>', ref.encode()))
    assert careful.fits is fits and (not fits or careful.errors == {(0, 0): "#N/A"})


@pytest.mark.parametrize("cell,formula", [
    (b'<c r="@@"><f>1+1</f></c>', True),
    (b'<c r="@@"><f/></c>', True),
    (b'<c r="@@" t="str"><f>IF(1,"","")</f><v></v></c>', True),
    (b'<c r="@@"><f t="shared" si="7"/></c>', True),
    (b'<c r="@@"><f t="array" ref="@@">1+1</f></c>', False),     # openpyxl gives an object, not text
    (b'<c r="@@"/>', False),
    (b'<c r="@@" t="s"></c>', False),
])
def test_formulas_found_in_the_xml_are_the_ones_openpyxl_finds(tmp_path, small, cell, formula):
    src = filled(small, tmp_path / "f.xlsx", all_answers(small))
    a = reader.read(src, small).answers["A-03"]
    path = set_cell_xml(src, tmp_path / "g.xlsx", a.sheet, a.cell, cell)
    data = path.read_bytes()
    r, c = _rc(a.cell)
    cells = [(a.sheet, r, c)]
    pkg = reader.package(data)
    by_xml = reader._formula_cells(data, str(path), cells, pkg)
    by_openpyxl = reader._formula_cells(data, str(path), cells, None)
    assert by_xml == by_openpyxl == ({(a.sheet, r, c)} if formula else set())


def _rc(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def test_a_cell_without_its_reference_leaves_formulas_to_openpyxl():
    xml = b'<worksheet><sheetData><row r="1"><c><f>1+1</f></c></row></sheetData></worksheet>'
    assert parts.formula_cells(xml, {(0, 0)}) is None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x", b"")
    assert reader._formula_cells_xml(buf.getvalue(), [("Blad", 0, 0)], parts.Package([])) is None


def test_the_survey_model_is_loaded_only_for_a_survey(tmp_path):
    """Every command pays for what it imports: the survey model (a dozen dataclasses) only
    where a survey is read; the help's minimum group stays the model's. (Run outside the
    checkout, which has no piramide.questionnaires of its own, as the installed one has.)"""
    code = ("import sys, piramide.cli, piramide.cli_enquete as c; "
            "print('piramide.survey' in sys.modules, c.MIN_GROUP)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout.split()
    from piramide.survey import MIN_GROUP
    assert out == ["False", str(MIN_GROUP)]


# --- the parsed twins of the built-in definitions ------------------------------------------

def test_every_builtin_has_a_fresh_twin_equal_to_its_toml():
    """A stale twin costs every score the TOML parse (about 12 ms). Run scripts/make-twins."""
    import tomllib
    for name in qmod.builtin_names():
        toml = qmod.builtin_dir() / f"{name}.toml"
        text = toml.read_text(encoding="utf-8")
        assert qmod.parsed_twin(qmod.twin_of(toml), text) == tomllib.loads(text), f"{name}: run scripts/make-twins"


def test_a_builtin_is_loaded_from_its_twin_without_parsing_toml(monkeypatch):
    import tomllib
    parsed = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(len(text)) or real(text))
    monkeypatch.setattr(qmod, "_LOADED", {})
    q = qmod.load()
    assert q.id == qmod.DEFAULT and parsed == []


def test_a_twin_is_used_only_when_made_from_this_text_and_only_beside_a_builtin(tmp_path):
    import tomllib

    from conftest import SMALL
    toml = tmp_path / "eigen.toml"
    toml.write_text(SMALL, encoding="utf-8")
    forged = tomllib.loads(SMALL) | {"titel": "Vervalst"}
    twin = tmp_path / ("eigen" + qmod.TWIN_SUFFIX)
    twin.write_text(json.dumps({"toml_sha256": qmod.text_sha256(SMALL), "data": forged}), encoding="utf-8")
    assert qmod.parsed_twin(twin, SMALL)["titel"] == "Vervalst"          # the twin as such is read
    assert qmod.parsed_twin(twin, SMALL + "\n# bewerkt\n") is None        # another text: ignored
    twin.write_text("{kapot", encoding="utf-8")
    assert qmod.parsed_twin(twin, SMALL) is None
    twin.write_text(json.dumps({"toml_sha256": qmod.text_sha256(SMALL), "data": forged}), encoding="utf-8")
    assert qmod.load(toml).title == "Testpiramide"                       # a user's folder: the TOML decides


def test_one_read_parses_the_zip_directory_once(tmp_path, default_q, monkeypatch):
    """The gate opens and checks the zip; the package, the mark of our outputs and the fast
    reader look into that same one instead of parsing its directory again."""
    path = filled(default_q, tmp_path / "gemeente.xlsx", all_answers(default_q))
    calls = []
    real = zipfile.ZipFile._RealGetContents

    def counted(self):
        calls.append(1)
        return real(self)
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counted)
    m = reader.read(path, default_q)
    assert len(m.answers) == len(default_q.questions)
    assert len(calls) == 1


def test_cells_as_excel_and_xlsxwriter_write_them_take_the_fast_scan(tmp_path, default_q, monkeypatch):
    """The fast scan decides alone for cells written the usual way (reference, style, a type
    other than an error): the careful loop, ten times slower, is never entered for them."""
    path = filled(default_q, tmp_path / "gemeente.xlsx", all_answers(default_q))
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(sp.part) for sp in parts.inspect(z).sheets]

    class NoCarefulLoop:
        def finditer(self, xml):
            raise AssertionError("the careful loop was entered")
    monkeypatch.setattr(parts, "_CELL", NoCarefulLoop())
    excel = (b'<worksheet><sheetData><row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1" t="n"><v>1</v></c>'
             b'<c r="C1" t="b"><v>1</v></c><c r="D1" s="2" t="str"><f>A1</f><v>x</v></c><c r="BH9999" s="12"/>'
             b'</row></sheetData></worksheet>')
    for xml in sheets + [excel]:
        assert parts.scan(xml).fits


def test_a_workbook_saved_by_openpyxl_takes_the_fast_reader(tmp_path, default_q):
    """The gate's rules for python-calamine fence off tricks, never an ordinary package: one
    saved by openpyxl (absolute targets, its own zip) is read fast. LibreOffice's: see
    test_libreoffice."""
    import openpyxl
    path = filled(default_q, tmp_path / "gemeente.xlsx", all_answers(default_q))
    wb = openpyxl.load_workbook(path)
    wb.save(tmp_path / "opgeslagen.xlsx")
    assert isinstance(reader._calamine_book((tmp_path / "opgeslagen.xlsx").read_bytes()), reader.Book)
