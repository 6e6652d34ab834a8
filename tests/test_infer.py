"""`piramide questionnaire infer`: a definition drafted from a RIEC's own questionnaire
workbook, finished in Excel as a RIEC adviser would, and then the RIEC's old 0-meting scored and
put in one trend with a vervolgmeting made in our template from that same definition.

The RIEC's workbook of these tests ("Piramide 2021", one sheet):

    Gemeente: | Oudstad
    Datum     | 12-03-2021
    Nr | Vraag                                      | Ja | Deels | Nee | N.v.t. | Opmerking
    Pijler 1: Bewustwording en organisatie
    1  | Is de burgemeester eigenaar van de aanpak? | x  |       |     |        |
    2  | Is er een coördinator ondermijning?        |    | x     |     |        | half
    Pijler 2: Informatiepositie
    3  | Is er één meldpunt voor signalen?          |    |       | x   |        |
    4  | Weten medewerkers waar zij melden?         | x  |       |     |        |
"""

import datetime as dt

import openpyxl

from piramide import questionnaire as Q
from piramide.history import build_trends
from piramide.infer import infer
from piramide.reader import read
from piramide.scoring import score
from piramide.template import write_template

QUESTIONS = ["Is de burgemeester eigenaar van de aanpak?", "Is er een coördinator ondermijning?",
             "Is er één meldpunt voor signalen?", "Weten medewerkers waar zij melden?"]


def riec_workbook(path, answers=("Ja", "Deels", "Nee", "Ja")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Piramide 2021"
    labels = ["Ja", "Deels", "Nee", "N.v.t."]
    ws.append(["Gemeente:", "Oudstad"])
    ws.append(["Datum", "12-03-2021"])
    ws.append([])
    ws.append(["Nr", "Vraag", *labels, "Opmerking"])
    for n, text in enumerate(QUESTIONS, 1):
        if n in (1, 3):
            ws.append([["Pijler 1: Bewustwording en organisatie", "Pijler 2: Informatiepositie"][n > 1]])
        ws.append([n, text, *["x" if lab == answers[n - 1] else None for lab in labels], "half" if n == 2 else None])
    wb.save(path)
    return path




def test_the_draft_takes_questions_numbers_pillars_and_answer_labels(tmp_path):
    d = infer(riec_workbook(tmp_path / "piramide-2021.xlsx"))
    q = d.questionnaire
    assert [(x.id, x.text) for x in q.questions] == [("BO-01", QUESTIONS[0]), ("BO-02", QUESTIONS[1]),
                                                      ("IN-03", QUESTIONS[2]), ("IN-04", QUESTIONS[3])]  # numbers stay
    assert [(p.id, p.name) for p in q.pillars] == [("BO", "Bewustwording en organisatie"), ("IN", "Informatiepositie")]
    assert [(o.label, o.kind, o.value) for o in q.scales[0].options] == [
        ("Ja", "waarde", 1.0), ("Deels", "waarde", 0.5), ("Nee", "waarde", 0.0), ("N.v.t.", "nvt", None)]
    assert (d.pillars_from, d.labels_from) == ("kopregels", "kolommen")
    assert q.questions[0].source == "piramide-2021.xlsx (Piramide 2021!B6, nr. 1)"     # where it came from


def test_check_names_every_open_field_with_its_cell(run, tmp_path):
    riec_workbook(tmp_path / "piramide-2021.xlsx")
    r = run("questionnaire", "infer", "piramide-2021.xlsx", "-o", "definitie.xlsx")
    assert r.exit_code == 0, r.output
    assert "4 vragen in 2 pijler(s) (uit de kopregels tussen de vragen)" in r.output
    r = run("questionnaire", "check", "definitie.xlsx")
    assert r.exit_code == 1
    for place in ["Fasen!B2: fase 1 mist het veld 'naam'", "Indicatoren!C2: indicator BO-1 mist het veld 'fase'",
                  "Indicatoren!D3: indicator IN-1 mist het veld 'naam'", "Indicatoren!G2: indicator BO-1 mist het veld 'handvat'"]:
        assert place in r.output, place
    # The cells to fill in are marked in the workbook itself.
    ws = openpyxl.load_workbook(tmp_path / "definitie.xlsx")["Indicatoren"]
    assert ws["C2"].fill.fgColor.rgb not in (None, "00000000") and ws["C2"].comment is not None


def test_answer_labels_from_a_dropdown_and_pillars_from_sheet_names(tmp_path):
    from openpyxl.worksheet.datavalidation import DataValidation
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, qs in [("Beleid en handhaving", ["Is er een Bibob-beleidslijn?", "Is er een 13b-beleidsregel?"]),
                     ("Communicatie", ["Is er een woordvoeringslijn?"])]:
        ws = wb.create_sheet(name)
        ws.append(["Vraag", "Antwoord"])
        for text in qs:
            ws.append([text, None])
        dv = DataValidation(type="list", formula1='"Voldoende,Onvoldoende,N.v.t."')
        ws.add_data_validation(dv)
        dv.add("B2:B20")
    wb.save(tmp_path / "eigen.xlsx")
    d = infer(tmp_path / "eigen.xlsx")
    q = d.questionnaire
    assert [(p.id, p.name) for p in q.pillars] == [("BH", "Beleid en handhaving"), ("CO", "Communicatie")]
    assert [x.id for x in q.questions] == ["BH-01", "BH-02", "CO-01"]
    assert d.labels_from == "keuzelijst"
    # n.v.t. the engine knows; what 'voldoende' is worth, only the RIEC can say.
    assert [(o.label, o.kind, o.value) for o in q.scales[0].options] == [
        ("N.v.t.", "nvt", None), ("Voldoende", "waarde", None), ("Onvoldoende", "waarde", None)]
    assert {(t.table, t.column) for t in d.todo} >= {("schalen", "waarde")}


def test_a_workbook_without_a_question_table_is_refused_with_what_was_seen(run, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Notities"])
    wb.active.append(["Gesprek met de burgemeester gepland."])
    wb.save(tmp_path / "notities.xlsx")
    r = run("questionnaire", "infer", "notities.xlsx", "-o", "def.xlsx")
    assert r.exit_code == 1 and "geen vragentabel herkend" in r.output and "2 gevulde rijen" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "def.xlsx").exists()
    riec_workbook(tmp_path / "p.xlsx")
    assert run("questionnaire", "infer", "p.xlsx", "-o", "p.xlsx").exit_code == 1          # never over its input
    assert run("questionnaire", "infer", "p.xlsx", "-o", "def.toml").exit_code == 2


def finish(path):
    """What the RIEC adviser does in Excel: name the phases, give each indicator its phase,
    name and handvat, and split each pillar's questions over a basis and a next step:
    BO-1 (fase 1: BO-01), BO-2 (fase 2: BO-02), IN-1 (fase 1: IN-03), IN-2 (fase 2: IN-04)."""
    wb = openpyxl.load_workbook(path)
    wb["Instellingen"]["B4"] = "Piramide Oudstad-regio"
    wb["Fasen"].append([2, "Op orde", "Vastgelegd en toegepast."])
    wb["Fasen"]["B2"] = "Basis"
    ind = wb["Indicatoren"]
    head = [c.value for c in ind[1]]
    col = {k: head.index(k) + 1 for k in ("fase", "naam", "handvat")}
    for row, (phase, name) in [(2, (1, "Eigenaarschap")), (3, (1, "Meldpunt"))]:
        ind.cell(row, col["fase"], phase)
        ind.cell(row, col["naam"], name)
        ind.cell(row, col["handvat"], "Leg het vast.")
    ind.append(["BO-2", "BO", 2, "Coördinatie", None, None, "Wijs een coördinator aan."])
    ind.append(["IN-2", "IN", 2, "Meldroute bekend", None, None, "Vertel waar te melden."])
    vragen = wb["Vragen"]
    vragen["B3"] = "BO-2"                       # question 2 measures the coördinatie
    vragen["B5"] = "IN-2"                       # question 4 the meldroute
    wb.save(path)


def test_old_measurements_in_a_riec_workbook_trend_with_our_template(run, tmp_path):
    riec_workbook(tmp_path / "piramide-2021.xlsx")
    assert run("questionnaire", "infer", "piramide-2021.xlsx", "-o", "definitie.xlsx").exit_code == 0
    finish(tmp_path / "definitie.xlsx")
    r = run("questionnaire", "check", "definitie.xlsx")
    assert r.exit_code == 0, r.output
    q = Q.load(tmp_path / "definitie.xlsx")
    # The 0-meting of 2021 as the RIEC filled it: read in its own layout with this definition.
    old = read(tmp_path / "piramide-2021.xlsx", q)
    assert (old.gemeente, old.datum) == ("Oudstad", dt.date(2021, 3, 12))
    assert {k: a.label for k, a in old.answers.items()} == {"BO-01": "Ja", "BO-02": "Deels", "IN-03": "Nee",
                                                            "IN-04": "Ja"}
    assert old.answers["BO-02"].remark == "half" and not [f for f in old.findings if f.severity == "fout"]
    r0 = score(old, q)
    # BO: BO-1 behaald, BO-2 deels -> phase 1. IN: IN-1 (nee) open -> 0, IN-2 behaald: a loose stone.
    assert (r0.pillar("BO").phase, r0.pillar("IN").phase) == (1, 0) and r0.pillar("IN").loose_stones == ["IN-2"]
    # A year later, in our template made from the same definition.
    new = write_template(q, tmp_path / "oudstad-2022.xlsx", raw_answers={
        "BO-01": ("Ja", ""), "BO-02": ("Ja", ""), "IN-03": ("Ja", ""), "IN-04": ("Ja", "")},
        filled=__import__("piramide.measurement", fromlist=["Measurement"]).Measurement(
            gemeente="Oudstad", datum=dt.date(2022, 3, 15), soort="vervolgmeting"))
    r1 = score(read(new, q), q)
    assert (r1.pillar("BO").phase, r1.pillar("IN").phase) == (2, 2)
    (t,) = build_trends([r1, r0])
    assert [r.measurement.datum.year for r in t.results] == [2021, 2022]
    assert [it.change for it in t.indicators() if it.indicator_id == "BO-2"] == ["nieuw behaald"]
    # And through the command a RIEC runs: both files, one dashboard with a trend.
    r = run("score", "-q", "definitie.xlsx", "piramide-2021.xlsx", "oudstad-2022.xlsx", "-o", "uit")
    assert r.exit_code == 0, r.output
    assert "2 metingen" in r.output and (tmp_path / "uit" / "oudstad-dashboard-2022-03-15.xlsx").exists()


def test_dropdowns_are_only_looked_for_in_a_workbook_of_questionnaire_size(tmp_path, monkeypatch):
    """openpyxl's full model of a huge workbook costs memory: above the bound the typed
    answers decide, and the draft is still made."""
    import piramide.infer as I
    from openpyxl.worksheet.datavalidation import DataValidation
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Vraag", "Antwoord"])
    ws.append(["Is er een Bibob-beleidslijn?", "Voldoende"])
    ws.append(["Is er een 13b-beleidsregel?", "Onvoldoende"])
    dv = DataValidation(type="list", formula1='"Voldoende,Onvoldoende,Matig"')
    ws.add_data_validation(dv)
    dv.add("B2:B20")
    wb.save(tmp_path / "w.xlsx")
    assert infer(tmp_path / "w.xlsx").labels_from == "keuzelijst"
    monkeypatch.setattr(I, "DROPDOWN_CELLS", 3)
    d = infer(tmp_path / "w.xlsx")
    assert d.labels_from == "ingevuld" and [o.label for o in d.questionnaire.scales[0].options] == ["Onvoldoende", "Voldoende"]
