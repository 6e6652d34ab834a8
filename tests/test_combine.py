"""Several invullers, one measurement (combine.py), on the small test definition.

The trio, Teststad on 15-03-2026, every answer ja except (OOV, HR, burgerzaken):

  question  OOV                HR                burgerzaken   combined (why)
  A-01      deels "Plan…"      ja "Staat er."    ja            deels   (most cautious, of OOV)
  A-02      n.v.t.             nee               ja            nee     (n.v.t. beside real answers ignored)
  A-03      (empty)            ja                ja            ja      (OOV left it empty)
  A-05      n.v.t.             n.v.t.            n.v.t.        n.v.t.  (all agree: no difference)
  A-06      ja                 ja                n.v.t.        ja      (n.v.t. ignored)
  B-01      ja                 weet niet         ja            weet niet (0 beats ja)
  B-03      nee                weet niet         ja            nee     (a real nee beats weet niet)

  six differences: A-01, A-02, A-03, A-06, B-01, B-03.

Scored by hand:
  A: A-1 (A-01 deels ½, A-02 nee 0) mean ¼ -> deels, not met -> phase 0; A-2a (A-03 ja), A-2b
     (A-04 ja, A-05 n.v.t.), A-3 (A-06 ja) behaald -> loose stones A-2a, A-2b, A-3.
     score (½ + 0 + 1 + 1 + 1) / 5 = 70 %.
  B: B-1 (B-01 weet niet) onbekend -> phase 0; B-2 behaald; B-3 (nee, ja) deels.
     score (0 + 1 + 0 + 1) / 4 = 50 %.
  ambitie: OOV A 3, B 2; HR A 2, B 2; burgerzaken none -> A 2 (a finding), B 2.
  ingevuld door, in order of the names compared without case: "burgerzaken; HR; OOV".
  geraadpleegd, in invuller order (burgerzaken none, HR "burgerzaken; Juridische zaken", OOV
     "HR, burgerzaken"), each once -> "burgerzaken; Juridische zaken; HR".
"""

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

import piramide
from conftest import MENU, SMALL, all_answers, filled
from piramide import questionnaire as qmod
from piramide.combine import combine, combine_answers
from piramide.measurement import Answer, Invuller, Measurement
from piramide.scoring import score

D = dt.date(2026, 3, 15)
EARLIER = dt.date(2025, 3, 10)


@pytest.fixture
def trio(tmp_path, small):
    base = all_answers(small)
    oov = filled(small, tmp_path / "oov.xlsx",
                 base | {"A-01": "deels", "A-02": "n.v.t.", "A-03": None, "A-05": "n.v.t.", "B-03": "nee"},
                 {"A-01": "Plan in concept.", "B-03": "Geen Bibob-beleid."},
                 ingevuld_door="OOV", ambitie={"A": 3, "B": 2}, geraadpleegd="HR, burgerzaken", datum=D)
    hr = filled(small, tmp_path / "hr.xlsx",
                base | {"A-02": "nee", "A-05": "nvt", "B-01": "weet niet", "B-03": "weet niet"},
                {"A-01": "Staat er.", "B-01": "Navragen bij P&O."},
                ingevuld_door="HR", ambitie={"A": 2, "B": 2}, geraadpleegd="burgerzaken; Juridische zaken",
                datum=D)
    bz = filled(small, tmp_path / "bz.xlsx", base | {"A-05": "N.V.T.", "A-06": "n.v.t."},
                ingevuld_door="  burgerzaken ", datum=D)
    return [oov, hr, bz]


def _check(paths, *qs):
    return piramide.check(paths, list(qs))


def test_most_cautious_answer_and_the_pyramid_of_the_whole(trio, small):
    run = _check(trio, small)
    (t,) = run.trends
    assert len(t.results) == 1
    r = t.latest
    m = r.measurement
    got = {qid: a.label or a.kind for qid, a in m.answers.items()}
    assert got == {"A-01": "deels", "A-02": "nee", "A-03": "ja", "A-04": "ja", "A-05": "n.v.t.", "A-06": "ja",
                   "B-01": "weet niet", "B-02": "ja", "B-03": "nee", "B-04": "ja"}
    assert [d.question_id for d in m.differences] == ["A-01", "A-02", "A-03", "A-06", "B-01", "B-03"]
    assert (r.pillar("A").phase, r.pillar("A").loose_stones, r.pillar("A").score) == (0, ["A-2a", "A-2b", "A-3"], 70.0)
    assert (r.pillar("B").phase, r.pillar("B").score) == (0, 50.0)
    assert [r.indicator(i).status for i in ("A-1", "B-1", "B-3")] == ["deels", "onbekend", "deels"]
    assert m.ingevuld_door == "burgerzaken; HR; OOV"
    assert [Path(i.source).name for i in m.invullers] == ["bz.xlsx", "hr.xlsx", "oov.xlsx"]
    assert m.geraadpleegd == "burgerzaken; Juridische zaken; HR"
    assert m.ambitie == {"A": 2, "B": 2}
    assert [f.code for f in t.findings] == ["invullers_samengenomen", "ambitie_verschilt"]
    assert "HR fase 2, OOV fase 3" in t.findings[1].message and "fase 2" in t.findings[1].message


def test_each_input_keeps_its_own_outcome(trio, small):
    """OOV left A-03 empty, HR said weet niet twice: each file's own findings say so; the
    combined measurement drops OOV's empty A-03 (HR and burgerzaken answered it) and keeps
    HR's weet niet on B-01 (taken), not on B-03 (OOV's nee taken)."""
    run = _check(trio, small)
    own = {o.path.name: [f.code for f in o.findings] for o in run.inputs}
    assert own == {"oov.xlsx": ["antwoord_leeg"], "hr.xlsx": ["antwoord_weet_niet"] * 2, "bz.xlsx": []}
    assert all(o.status == "verwerkt" for o in run.inputs) and run.valid
    kept = run.trends[0].latest.findings
    assert [(f.code, Path(f.file).name) for f in kept] == [("antwoord_weet_niet", "hr.xlsx")]
    assert "B-01" in kept[0].message


def test_toelichtingen_of_all_invullers_kept_with_their_names(trio, small):
    m = _check(trio, small).trends[0].latest.measurement
    assert m.answers["A-01"].remark == "HR: Staat er.\nOOV: Plan in concept."
    assert m.answers["B-03"].remark == "OOV: Geen Bibob-beleid."
    d = {d.question_id: d for d in m.differences}
    assert [(i.name, a.label or a.kind) for i, a in d["A-02"].given] == [("burgerzaken", "ja"), ("HR", "nee"),
                                                                           ("OOV", "n.v.t.")]
    assert d["A-02"].why == "nee: het voorzichtigste antwoord (van HR); n.v.t. van OOV telt niet naast een echt antwoord."
    assert d["A-03"].why == "ja: het antwoord van burgerzaken en HR; OOV liet de vraag leeg."
    assert d["B-03"].why.startswith("nee: het voorzichtigste antwoord (van OOV)")
    # the answer taken points at its own file
    assert m.answers["A-01"].sheet == "[oov.xlsx]Vragen" and m.answers["A-02"].sheet == "[hr.xlsx]Vragen"


def _a(qid, kind, label="", value=None, remark="", basis="", evidence=""):
    return Answer(qid, kind, label, value, label, remark, "Vragen", "D4", basis, evidence)


JA, DEELS, NEE = ("waarde", "ja", 1.0), ("waarde", "deels", 0.5), ("waarde", "nee", 0.0)
NVT, WN, LEEG = ("nvt", "n.v.t.", None), ("onbekend", "weet niet", None), ("leeg", "", None)
P, Q, R = (Invuller(n, f"{n}.xlsx", "0" * 64) for n in ("P", "Q", "R"))


@pytest.mark.parametrize("answers, taken, differs", [
    ([JA, JA], "ja", False),
    ([JA, DEELS], "deels", True),               # lowest value
    ([DEELS, NEE, JA], "nee", True),
    ([JA, WN], "weet niet", True),              # weet niet counts 0: below ja and deels
    ([DEELS, WN], "weet niet", True),
    ([WN, NEE], "nee", True),                   # a real nee beats weet niet, whatever the order
    ([NEE, WN], "nee", True),
    ([NVT, NVT, NVT], "n.v.t.", False),         # n.v.t. only when all say so
    ([NVT, JA], "ja", True),                    # n.v.t. beside a real answer does not count
    ([NVT, WN], "weet niet", True),
    ([LEEG, DEELS], "deels", True),             # empty: take the answer given
    ([NVT, LEEG], "n.v.t.", True),              # all who answered say n.v.t.
    ([LEEG, LEEG], "", False),                  # nobody answered: empty, as each says itself
])
def test_the_rule_case_by_case(answers, taken, differs):
    given = [(who, _a("X", *a)) for who, a in zip((P, Q, R), answers)]
    got, why = combine_answers("X", given)
    assert got.label == taken
    assert (why is not None) == differs


def test_evidence_the_firmest_of_those_who_gave_the_answer_taken():
    """P ja by inschatting; Q deels by gesprek; R deels by document 'Nota 2025'. Taken: deels;
    its ground: R's document with R's evidence (P's answer is not the one that counts)."""
    given = [(P, _a("X", *JA, basis="inschatting", evidence="")),
             (Q, _a("X", *DEELS, basis="gesprek", evidence="met de griffier")),
             (R, _a("X", *DEELS, basis="document", evidence="Nota 2025"))]
    got, _ = combine_answers("X", given)
    assert (got.label, got.basis, got.evidence) == ("deels", "document", "Nota 2025")
    given[2] = (R, _a("X", *DEELS, basis="", evidence=""))
    got, _ = combine_answers("X", given)
    assert (got.basis, got.evidence) == ("gesprek", "met de griffier")


def test_the_definitions_nvt_rule_still_applies_after_combining(tmp_path):
    """K-05 does not allow n.v.t. Both invullers said n.v.t.: the combination takes n.v.t.
    (all agree), and scoring counts it as invalid (0, like a gap: onbekend), so K-2 is not met
    and K stays in phase 1 (K-2 would be n.v.t. otherwise, and met: phase 2). K-06 allows
    n.v.t.: n.v.t. from both stands."""
    p = tmp_path / "menu.toml"
    p.write_text(MENU, encoding="utf-8")
    q = qmod.load(p)
    ms = []
    for name in ("OOV", "HR"):
        answers = {qq.id: _a(qq.id, *JA) for qq in q.questions} | {"K-05": _a("K-05", *NVT), "K-06": _a("K-06", *NVT)}
        ms.append(Measurement(gemeente="Teststad", datum=D, ingevuld_door=name, questionnaire_id=q.id,
                              questionnaire_version=q.version, answers=answers, source=f"{name}.xlsx",
                              sha256=name * 32))
    c = combine(ms, q)
    assert c.measurement.answers["K-05"].kind == "nvt" and c.differences == []
    r = score(c.measurement, q)
    assert [a.kind for _, a in r.indicator("K-2").answers] == ["ongeldig", "nvt"]
    assert r.indicator("K-2").status == "onbekend" and r.pillar("K").phase == 1


def test_same_invuller_twice_is_a_fout_naming_both_files_and_cells(tmp_path, small, small_path, run):
    base = all_answers(small)
    a = filled(small, tmp_path / "oov-maart.xlsx", base, ingevuld_door="OOV", datum=D)
    b = filled(small, tmp_path / "oov-maart-v2.xlsx", base | {"A-01": "nee"}, ingevuld_door="  oov ", datum=D)
    c = filled(small, tmp_path / "hr.xlsx", base, ingevuld_door="HR", datum=D)
    res = _check([a, b, c], small)
    bad = {o.path.name: o for o in res.inputs if o.failed}
    assert set(bad) == {"oov-maart.xlsx", "oov-maart-v2.xlsx"} and not res.valid
    cell = small_front_cell(a)
    for name, other in (("oov-maart.xlsx", "oov-maart-v2.xlsx"), ("oov-maart-v2.xlsx", "oov-maart.xlsx")):
        (f,) = [f for f in bad[name].findings if f.code == "invuller_dubbel"]
        assert f.severity == "fout" and f.file.endswith(name) and f"{f.sheet}!{f.cell}" == cell
        assert other in f.message and cell in f.message
    # neither is taken: the measurement of that date is HR's alone, and says so
    (t,) = res.trends
    assert [r.measurement.ingevuld_door for r in t.results] == ["HR"]
    assert [f.code for f in t.findings] == ["invuller_niet_meegeteld"] * 2
    r = run("score", a, b, c, "-q", small_path)
    assert r.exit_code == 1
    assert r.output.count("invuller_dubbel") == 0 and r.output.count("heeft op 15-03-2026 ook") == 2


def small_front_cell(path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    for row in wb["Voorblad"].iter_rows():
        for c in row:
            if c.value == "Ingevuld door":
                return f"Voorblad!{openpyxl.utils.get_column_letter(c.column + 1)}{c.row}"
    raise AssertionError("geen Ingevuld door")


def test_different_definitions_are_a_fout_naming_both(tmp_path, small):
    p3 = tmp_path / "v3.toml"
    p3.write_text(SMALL.replace('versie = "2"', 'versie = "3"'), encoding="utf-8")
    small3 = qmod.load(p3)
    a = filled(small, tmp_path / "oov.xlsx", all_answers(small), ingevuld_door="OOV", datum=D)
    b = filled(small3, tmp_path / "hr.xlsx", all_answers(small3), ingevuld_door="HR", datum=D)
    res = _check([a, b], small, small3)
    assert all(o.failed for o in res.inputs) and res.trends == []
    fa, fb = (next(f for f in o.findings if f.code == "invuller_andere_vragenlijst") for o in res.inputs)
    assert "test-piramide 2" in fa.message and "hr.xlsx" in fa.message and "test-piramide 3" in fa.message
    assert "oov.xlsx" in fb.message


def test_same_date_without_invullers_stays_as_before(tmp_path, small):
    """No 'Ingevuld door': two files of one date stay two measurements (datum_dubbel), as
    before; one named and one unnamed likewise (nothing tells who filled the unnamed one)."""
    base = all_answers(small)
    a = filled(small, tmp_path / "a.xlsx", base, ingevuld_door="", datum=D)
    b = filled(small, tmp_path / "b.xlsx", base | {"A-01": "nee"}, ingevuld_door="", datum=D)
    c = filled(small, tmp_path / "c.xlsx", base | {"A-02": "nee"}, ingevuld_door="OOV", datum=D)
    for files in ([a, b], [a, c]):
        (t,) = _check(files, small).trends
        assert len(t.results) == 2 and [f.code for f in t.findings] == ["datum_dubbel"]
        assert "'Ingevuld door'" in t.findings[0].message


def test_the_trend_and_the_region_use_the_combined_measurement(trio, tmp_path, small, small_path, run):
    before = filled(small, tmp_path / "0-meting.xlsx", all_answers(small) | {"B-02": "nee"},
                    ingevuld_door="OOV", datum=EARLIER)
    other = filled(small, tmp_path / "anderstad.xlsx", all_answers(small), gemeente="Anderstad", datum=D)
    (t,) = piramide.trend(trio + [before], [small])
    assert t.labels() == ["10-03-2025", "15-03-2026"]
    assert [p.phase for p in t.latest.pillars] == [0, 0]
    changes = {c.question_id: (c.before, c.after) for c in t.answer_changes()}
    assert changes["A-01"] == ("ja", "deels") and changes["B-02"] == ("nee", "ja")
    ov = piramide.region(trio + [before, other], [small])
    rows = {row.name: row for row in ov.rows}
    assert [p.phase for p in rows["Teststad"].latest.pillars] == [0, 0]
    assert rows["Teststad"].latest.measurement.ingevuld_door == "burgerzaken; HR; OOV"
    assert ov.averages()[0].score == pytest.approx((70.0 + 100.0) / 2)
    r = run("region", *trio, before, other, "-q", small_path, "-o", tmp_path / "regio.xlsx", "--csv",
            tmp_path / "regio.csv")
    assert r.exit_code == 0, r.output
    assert "(2 gemeenten" in r.output
    csv = (tmp_path / "regio.csv").read_text(encoding="utf-8-sig").splitlines()
    teststad_2026 = [line for line in csv if line.startswith("Teststad,") and ",2026-03-15," in line]
    assert len(teststad_2026) == 7                  # one measurement of seven indicators, not three


def test_dashboard_sheet_of_differences_and_the_names_of_all(trio, tmp_path, small_path, run):
    r = run("score", *trio, "-q", small_path, "-o", tmp_path / "d.xlsx")
    assert r.exit_code == 0, r.output
    assert "Dashboard geschreven" in r.output and "vormen samen één meting" in r.output
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    ws = wb["Verschillen tussen invullers"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=7, max_col=6)]
    assert rows[0] == ["ID", "Vraag", "Antwoorden", "Toelichtingen", "Genomen", "Waarom"]
    assert rows[1] == ["A-01", "Vraag A1?", "burgerzaken: ja\nHR: ja\nOOV: deels",
                       "HR: Staat er.\nOOV: Plan in concept.", "deels",
                       "deels: het voorzichtigste antwoord (van OOV)."]
    assert [row[0] for row in rows[1:]] == ["A-01", "A-02", "A-03", "A-06", "B-01", "B-03"]
    assert rows[3][2] == "burgerzaken: ja\nHR: ja\nOOV: leeg"
    notes = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any(n.startswith("Invullers: burgerzaken (bz.xlsx, Voorblad!") for n in notes)
    assert any(n.startswith("Rekenregel: ") and "voorzichtigste" in n for n in notes)
    sub = wb["Dashboard"]["A2"].value
    assert "ingevuld door burgerzaken; HR; OOV · " in sub
    foot = next(c.value for row in wb["Dashboard"].iter_rows(max_col=1) for c in row
                if isinstance(c.value, str) and c.value.startswith("Bron: "))
    assert foot.startswith("Bron: 3 werkboeken van invullers, samen één meting (bz.xlsx, hr.xlsx, oov.xlsx; waar ze "
                           "verschillen: blad Verschillen tussen invullers; SHA-256 op het blad Over)")
    about = {row[0].value: row[1].value for row in wb["Over"].iter_rows(min_row=3) if row[0].value}
    assert about["Ingevuld door"] == "burgerzaken; HR; OOV"
    assert about["Bronbestanden"].count("SHA-256") == 3 and "OOV: oov.xlsx (Voorblad!" in about["Bronbestanden"]
    assert "voorzichtigste antwoord" in about["Meer invullers"]
    assert wb.sheetnames.index("Verschillen tussen invullers") < wb.sheetnames.index("Verbeterpunten")


def test_one_invuller_has_no_differences_sheet(tmp_path, small, small_path, run):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), ingevuld_door="OOV", datum=D)
    assert run("score", a, "-q", small_path, "-o", tmp_path / "d.xlsx").exit_code == 0
    assert "Verschillen tussen invullers" not in openpyxl.load_workbook(tmp_path / "d.xlsx").sheetnames


def test_json_names_all_invullers_and_files(trio, tmp_path, small_path, run):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources
    schema = json.loads(resources.files("piramide").joinpath("uitslag.schema.json").read_text(encoding="utf-8"))
    r = run("score", *trio, "-q", small_path, "--json", "uitslag.json")   # a file: click 8.1 mixes stderr into stdout
    assert r.exit_code == 0
    data = json.loads((tmp_path / "uitslag.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == 3
    assert {i["bestand"].rsplit("/", 1)[-1]: i["ingevuld_door"] for i in data["invoer"]} == \
        {"oov.xlsx": "OOV", "hr.xlsx": "HR", "bz.xlsx": "burgerzaken"}
    (g,) = data["gemeenten"]
    latest = g["laatste_meting"]
    assert latest["ingevuld_door"] == "burgerzaken; HR; OOV"
    assert [(i["naam"], Path(i["bestand"]).name) for i in latest["invullers"]] == \
        [("burgerzaken", "bz.xlsx"), ("HR", "hr.xlsx"), ("OOV", "oov.xlsx")]
    assert all(i["cel"].startswith("Voorblad!") for i in latest["invullers"])
    v = {d["vraag"]: d for d in latest["verschillen"]}
    assert list(v) == ["A-01", "A-02", "A-03", "A-06", "B-01", "B-03"]
    assert v["B-03"]["genomen"] == "nee"
    assert [(a["invuller"], a["weergave"]) for a in v["B-03"]["antwoorden"]] == \
        [("burgerzaken", "ja"), ("HR", "weet niet"), ("OOV", "nee")]
    assert g["trend"]["metingen"][0]["ingevuld_door"] == "burgerzaken; HR; OOV"
    # the library says the same
    assert piramide.check(trio, [str(small_path)]).to_dict()["gemeenten"][0]["laatste_meting"]["verschillen"] == \
        latest["verschillen"]


def test_a_single_measurement_names_its_one_invuller_in_json(tmp_path, small, small_path, run):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), ingevuld_door="OOV", datum=D)
    data = json.loads(run("score", a, "-q", small_path, "--json", "-").stdout)
    latest = data["gemeenten"][0]["laatste_meting"]
    assert [i["naam"] for i in latest["invullers"]] == ["OOV"] and latest["verschillen"] == []


def test_an_invuller_with_a_fout_is_left_out_and_said(trio, small, small_path, tmp_path, run):
    bad = filled(small, tmp_path / "vergunningen.xlsx", all_answers(small) | {"A-01": "misschien"},
                 ingevuld_door="Vergunningen", datum=D)
    res = _check(trio + [bad], small)
    (t,) = res.trends
    assert t.latest.measurement.ingevuld_door == "burgerzaken; HR; OOV"
    (f,) = [f for f in t.findings if f.code == "invuller_niet_meegeteld"]
    assert "vergunningen.xlsx" in f.message and "Vergunningen" in f.message
    assert run("score", *trio, bad, "-q", small_path, "-o", tmp_path / "d.xlsx").exit_code == 1
