"""python-calamine reads values on the hot path; openpyxl is the reference. Every kind of
workbook the test suite makes is read through both and must give identical measurements."""

import datetime as dt

import openpyxl
import pytest

from conftest import SMALL_IDS, all_answers, filled
from piramide.example import example_measurements, file_name
from piramide.reader import Book, _calamine_book, read


def _calamine_ok(data):
    return isinstance(_calamine_book(data), Book)
from piramide.template import write_template
from test_reader import rebuilt

pytest.importorskip("python_calamine", reason="python-calamine is niet geïnstalleerd")


def both(path, q):
    a, b = read(path, q, engine="openpyxl"), read(path, q, engine="auto")
    assert a == b
    return a


def test_examples_read_the_same(tmp_path, default_q):
    for m in example_measurements(default_q):
        p = write_template(default_q, tmp_path / file_name(m), filled=m)
        assert _calamine_ok(p.read_bytes())          # the fast path is really taken
        assert len(both(p, default_q).answers) == 105


def test_every_answer_form_and_remark_reads_the_same(tmp_path, small):
    forms = [" ja ", "JA", "j", True, 1, 1.0, "Nee", False, 0, "N.V.T.", "gedeeltelijk", "weet niet", "misschien", None]
    for n, form in enumerate(forms):
        answers = all_answers(small) | {SMALL_IDS[n % len(SMALL_IDS)]: form}
        p = filled(small, tmp_path / f"f{n}.xlsx", answers, remarks={"A-01": "=1+1", "A-02": "3", "B-01": " spaties "})
        both(p, small)


def test_layouts_read_the_same(tmp_path, small):
    answers = {"A-01": "ja", "A-02": "deels", "A-04": "nee", "B-02": "nee", "B-03": "n.v.t."}
    for n, kw in enumerate([dict(), dict(shuffle=True), dict(extra_cols=3, header_row=4), dict(split=True),
                            dict(drop=("A-05",), duplicate=("A-01",), unknown=("Z-77",)), dict(front=False),
                            dict(date_value="15 maart 2026"), dict(date_value=46096),
                            dict(date_value=dt.datetime(2026, 3, 15, 9, 30))]):
        both(rebuilt(tmp_path, small, answers, name=f"r{n}.xlsx", **kw), small)


def test_formula_without_value_and_far_cell_read_the_same(tmp_path, small):
    both(rebuilt(tmp_path, small, {"A-03": '=IF(1=1,"ja","nee")'}, name="formule.xlsx"), small)
    p = filled(small, tmp_path / "ver.xlsx", all_answers(small))
    wb = openpyxl.load_workbook(p)
    wb["Vragen"].cell(1048576, 16384).value = "x"
    wb.save(p)
    assert not _calamine_ok(p.read_bytes())          # too far for a dense grid: openpyxl reads it
    both(p, small)


def test_empty_template_reads_the_same(tmp_path, default_q):
    m = both(write_template(default_q, tmp_path / "leeg.xlsx"), default_q)
    assert sum(f.code == "antwoord_leeg" for f in m.findings) == 105
