"""The fill-in workbook's structure: ids, dropdowns, names, protection, print setup, and
formula results that already agree with the engine when the file is opened."""

import openpyxl
import pytest

from conftest import Values, all_answers, defined_cells, filled, live_disagreements
from piramide import labels as L
from piramide.example import example_measurements
from piramide.reader import read
from piramide.scoring import score
from piramide.template import write_template


@pytest.fixture(scope="module")
def template_wb(tmp_path_factory, default_q):
    path = tmp_path_factory.mktemp("t") / "invul.xlsx"
    write_template(default_q, path)
    return openpyxl.load_workbook(path)


def answer_cells(ws):
    head = [c.value for c in ws[1]]
    id_col, ans_col = head.index(L.COL_ID) + 1, head.index(L.COL_ANSWER) + 1
    for row in ws.iter_rows(min_row=2):
        v = row[id_col - 1].value
        if isinstance(v, str) and "-" in v and len(v) <= 6:
            yield v, row[ans_col - 1]


def test_105_unique_ids_each_with_a_dropdown(template_wb, default_q):
    ws = template_wb[L.SHEET_QUESTIONS]
    cells = list(answer_cells(ws))
    ids = [i for i, _ in cells]
    assert len(ids) == 105 and set(ids) == {q.id for q in default_q.questions}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    for qid, cell in cells:
        dv = [d for d in lists if cell.coordinate in d.sqref]
        assert len(dv) == 1, qid
        nvt = default_q.question(qid).nvt_allowed                    # n.v.t. only where it can be
        assert dv[0].formula1 == ('"ja,deels,nee,n.v.t.,weet niet"' if nvt else '"ja,deels,nee,weet niet"')
        assert dv[0].showErrorMessage


def test_defined_names_hold_the_live_phase_per_pillar(template_wb, default_q):
    names = sorted(n for n in template_wb.defined_names if n.startswith("piramide_fase_"))
    assert names == [f"piramide_fase_{i}" for i in range(1, 6)]
    for key in ("score", "voortgang", "beantwoord", "stenen", "ambitie", "verschil"):
        assert sorted(n for n in template_wb.defined_names if n.startswith(f"piramide_{key}_")) == \
            [f"piramide_{key}_{i}" for i in range(1, 6)]
    calc = template_wb[L.SHEET_CALC]
    for i, p in enumerate(default_q.pillars, 1):
        sheet, ref = template_wb.defined_names[f"piramide_fase_{i}"].attr_text.split("!")
        assert sheet == L.SHEET_CALC
        row = calc[ref.replace("$", "")].row
        assert calc.cell(row, 1).value == p.id          # in the definition's pillar order
        assert str(calc[ref.replace("$", "")].value).startswith("=SUM(")


def test_hidden_info_sheet_names_the_questionnaire(template_wb, default_q):
    info = template_wb[L.SHEET_INFO]
    assert info.sheet_state == "hidden"
    values = {r[0]: r[1] for r in info.iter_rows(values_only=True)}
    assert values[L.INFO_ID] == default_q.id and values[L.INFO_VERSION] == default_q.version
    assert template_wb[L.SHEET_CALC].sheet_state == "hidden"


def test_structure_locked_but_answers_editable(template_wb):
    ws = template_wb[L.SHEET_QUESTIONS]
    assert ws.protection.sheet and not ws.protection.password
    qid, cell = next(answer_cells(ws))
    assert cell.protection.locked is False
    head = [c.value for c in ws[1]]
    for title in (L.COL_BASIS, L.COL_EVIDENCE, L.COL_REMARK):                # beside the answer, to fill in
        assert ws.cell(cell.row, head.index(title) + 1).protection.locked is False, title
    assert ws.cell(cell.row, head.index("Vraag") + 1).protection.locked is True   # the question text
    front = template_wb[L.SHEET_FRONT]
    assert front.protection.sheet
    assert front["B5"].protection.locked is False and front["A5"].value == "Gemeente"


def test_print_setup_a4_fit_to_width_repeated_header(template_wb):
    ws = template_wb[L.SHEET_QUESTIONS]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    # fitToWidth 1 is the OOXML default, so it may be left out; fitToHeight 0 = as many pages as needed
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "C2"


def test_front_sheet_has_metadata_and_ambitie_fields(template_wb, default_q):
    front = template_wb[L.SHEET_FRONT]
    labels = [c.value for c in front["A"] if c.value]
    for lbl in L.META.values():
        assert lbl in labels
    for p in default_q.pillars:
        assert f"{L.AMBITIE_PREFIX}{p.name}" in labels


def test_cached_formula_results_agree_with_the_engine(tmp_path, default_q):
    """What a program shows without recalculating (LibreOffice's default) is the engine's answer:
    every live figure's stored result, not only the phase."""
    pillars = []
    for m in example_measurements(default_q):
        path = write_template(default_q, tmp_path / f"{m.soort}.xlsx", filled=m)
        r = score(read(path, default_q), default_q)
        assert not live_disagreements(default_q, r, Values(path), defined_cells(path, default_q))
        pillars += r.pillars
    assert any(p.loose_stones for p in pillars) and any(p.gap for p in pillars)


def test_overview_blocks_are_coloured_by_their_mark(template_wb, default_q):
    """The pyramid's colours are conditional formats on the marks the live test checks."""
    ws = template_wb[L.SHEET_OVERVIEW]
    rules = {r.formula[0]: r.dxf.fill.bgColor.rgb
             for cf in ws.conditional_formatting for r in cf.rules}
    assert set(rules) == {'"■"', '"□"'}
    assert rules['"■"'] != rules['"□"']
    head = [c.value for c in ws[6]]
    blocks = [c for c in ws.conditional_formatting][0].sqref
    assert str(blocks) == f"{ws.cell(7, head.index('F1') + 1).coordinate}:" \
                          f"{ws.cell(6 + len(default_q.pillars), head.index(f'F{default_q.top_phase}') + 1).coordinate}"


def test_user_text_never_becomes_a_formula(tmp_path, small):
    path = filled(small, tmp_path / "f.xlsx", all_answers(small), remarks={"A-01": "=HYPERLINK(\"x\")"},
                  gemeente="+31 Gemeente")
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb[L.SHEET_QUESTIONS].iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)
    assert wb[L.SHEET_FRONT]["B5"].data_type == "s"
