"""Staff surveys: reading exports as survey tools write them, the small-group rule worked out
by hand, and the survey answering piramide questions (score --enquete) and across a region."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import xlsxwriter

from conftest import SMALL, filled
from piramide import questionnaire as qmod
from piramide import survey_definition as sd
from piramide.survey_aggregate import aggregate, hidden_parts, pool
from piramide.survey_reader import read_export

SURVEY = '''
soort = "enquete"
id = "test-enquete"
versie = "1"
titel = "Testenquête"

[[themas]]
id = "melden"
naam = "Melden"

[[schalen]]
id = "jn"
naam = "ja / nee"
[[schalen.antwoorden]]
label = "Ja"
synoniemen = ["Y", "Yes"]
[[schalen.antwoorden]]
label = "Nee"
synoniemen = ["N", "No"]
[[schalen.antwoorden]]
label = "Weet ik niet"
[[schalen.antwoorden]]
label = "Wil ik niet zeggen"
telt_mee = false

[[vragen]]
id = "afdeling"
vraag = "Bij welke afdeling werkt u?"
soort = "groep"

[[vragen]]
id = "meldpunt"
vraag = "Weet u waar u een signaal van ondermijning kunt melden?"
schaal = "jn"
thema = "melden"

[[vragen]]
id = "melden"
vraag = "Zou u een poging tot omkoping melden?"
schaal = "jn"
thema = "melden"

[[vragen]]
id = "opmerking"
vraag = "Wat wilt u nog kwijt?"
soort = "open"

[[indicatoren]]
id = "meldpunt-bekend"
naam = "Weet waar te melden"
vraag = "meldpunt"
antwoorden = ["Ja"]
minimaal = 70
thema = "melden"

[[indicatoren]]
id = "meldbereid"
naam = "Zou melden"
vraag = "melden"
antwoorden = ["Ja"]
minimaal = 80
thema = "melden"
'''

Q_AFD = "Bij welke afdeling werkt u?"
Q_MELDPUNT = "Weet u waar u een signaal van ondermijning kunt melden?"
Q_MELDEN = "Zou u een poging tot omkoping melden?"
Q_OPEN = "Wat wilt u nog kwijt?"
FORMS_HEAD = ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijdstip van laatste wijziging"]


@pytest.fixture
def survey(tmp_path):
    p = tmp_path / "test-enquete.toml"
    p.write_text(SURVEY, encoding="utf-8")
    return sd.load(p)


@pytest.fixture
def survey_path(tmp_path):
    p = tmp_path / "test-enquete.toml"
    p.write_text(SURVEY, encoding="utf-8")
    return p


def people(groups: dict[str, list[tuple[str, str]]]) -> list[list]:
    """Respondent rows as Microsoft Forms writes them: per afdeling a list of (meldpunt, melden)."""
    rows, n = [], 0
    for afdeling, answers in groups.items():
        for meldpunt, melden in answers:
            n += 1
            rows.append([n, f"11/{n % 27 + 1}/26 9:00:01", f"11/{n % 27 + 1}/26 9:12:44",
                         f"jan.jansen{n}@gemeente.example", f"Jan Jansen {n}", f"11/{n % 27 + 1}/26 9:12:44",
                         afdeling, meldpunt, melden, f"opmerking van respondent {n}" if n % 5 == 0 else ""])
    return rows


def forms_xlsx(path: Path, rows: list[list], head=None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("Form1")
    for r, row in enumerate([head or FORMS_HEAD + [Q_AFD, Q_MELDPUNT, Q_MELDEN, Q_OPEN]] + rows):
        for c, v in enumerate(row):
            if v not in ("", None):
                ws.write(r, c, v)
    wb.close()
    return path


def lime_csv(path: Path, rows: list[list], head: list[str], delimiter=",", encoding="utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows([head] + rows)
    return path


# --- the small-group rule ------------------------------------------------------------------

@pytest.mark.parametrize("sizes, hidden", [
    ({"A": 10, "B": 6}, set()),                          # both large enough
    ({"A": 8, "B": 4}, {"A", "B"}),                      # B small; A hidden too, else total - A = B
    ({"A": 10, "B": 7, "C": 3}, {"B", "C"}),             # C small; the smallest other (B) joins it: 10 hidden
    ({"A": 4, "B": 1, "C": 20}, {"A", "B"}),             # A and B small, together 5: enough
    ({"A": 3}, {"A"}),
    ({"A": 0, "B": 9}, set()),                           # an empty part hides nothing
])
def test_hidden_parts_worked_out_by_hand(sizes, hidden):
    assert hidden_parts(sizes, 5) == hidden


def test_a_small_group_is_hidden_and_so_is_the_one_that_would_give_it_away(tmp_path, survey):
    # Handhaving 10 (8 ja), Burgerzaken 7 (2 ja), Directie 3 (3 ja): 20 respondents, 13 ja = 65 %.
    rows = people({"Handhaving": [("Ja", "Ja")] * 8 + [("Nee", "Ja")] * 2,
                   "Burgerzaken": [("Ja", "Nee")] * 2 + [("Nee", "Nee")] * 5,
                   "Directie": [("Ja", "Ja")] * 3})
    resp = read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)
    r = aggregate(pool([resp]))
    assert r.respondents == 20 and r.shown
    assert r.indicators["meldpunt-bekend"].share == pytest.approx(65.0)
    assert r.indicators["meldpunt-bekend"].met is False                 # norm 70
    assert r.indicators["meldbereid"].share == pytest.approx(65.0)      # 8 + 2 + 3 = 13 of 20
    (afd,) = r.groupings
    assert [g.name for g in afd.groups] == ["Handhaving"]
    assert (afd.hidden, afd.hidden_size) == (2, 10)
    assert afd.groups[0].indicators["meldpunt-bekend"].share == pytest.approx(80.0)
    assert afd.groups[0].indicators["meldpunt-bekend"].met is True


def test_a_group_with_too_few_answers_to_one_question_shows_none_for_it(tmp_path, survey):
    # A: 6 respondents, 4 answer meldpunt (2 say "wil ik niet zeggen", not counted); B: 10 answer.
    # A's 4 answers are too few; then B's would give them away (14 - 10 = 4): both hidden for
    # meldpunt, both shown for melden.
    rows = people({"A": [("Ja", "Ja")] * 4 + [("Wil ik niet zeggen", "Ja")] * 2,
                   "B": [("Nee", "Ja")] * 10})
    r = aggregate(pool([read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)]))
    assert r.tallies["meldpunt"].n == 14 and r.tallies["meldpunt"].counts == {"Ja": 4, "Nee": 10}
    groups = {g.name: g for g in r.groupings[0].groups}
    assert set(groups) == {"A", "B"}
    assert not groups["A"].tallies["meldpunt"].shown and not groups["B"].tallies["meldpunt"].shown
    assert groups["A"].indicators["meldpunt-bekend"].share is None
    assert groups["A"].tallies["melden"].counts == {"Ja": 6} and groups["B"].tallies["melden"].n == 10


def test_fewer_respondents_than_the_minimum_show_nothing(tmp_path, survey):
    rows = people({"A": [("Ja", "Ja")] * 4})
    r = aggregate(pool([read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)]), texts=True)
    assert not r.shown and r.respondents == 4
    assert all(ir.share is None and ir.met is None for ir in r.indicators.values())
    assert all(not t.shown for t in r.tallies.values())
    assert r.groupings[0].groups == () and r.texts == {}
    assert any(f.code == "enq_weinig_respondenten" for f in r.findings)


def test_the_minimum_can_be_raised_never_lowered(tmp_path, survey):
    rows = people({"A": [("Ja", "Ja")] * 6, "B": [("Nee", "Ja")] * 9})
    resp = pool([read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)])
    assert [g.name for g in aggregate(resp).groupings[0].groups] == ["B", "A"]
    assert aggregate(resp, minimum=7).groupings[0].groups == ()          # A (6) hidden, so B too
    with pytest.raises(ValueError):
        aggregate(resp, minimum=3)
    bad = SURVEY.replace('titel = "Testenquête"', 'titel = "Testenquête"\nminimum_groep = 3')
    (tmp_path / "laag.toml").write_text(bad, encoding="utf-8")
    s, findings = sd.check(tmp_path / "laag.toml")
    assert s is None and [f.code for f in findings] == ["enq_def_minimum"] and findings[0].line == 6


def test_free_text_only_when_asked_for_whole_survey_only_and_sorted(tmp_path, survey):
    rows = people({"A": [("Ja", "Ja")] * 6, "B": [("Nee", "Ja")] * 9})
    resp = pool([read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)])
    assert aggregate(resp).texts == {}
    texts = aggregate(resp, texts=True).texts["opmerking"]
    assert texts == sorted(texts) and len(texts) == 3      # respondents 5, 10 and 15


# --- reading exports -------------------------------------------------------------------------

def test_a_forms_export_keeps_only_the_answers(tmp_path, survey):
    rows = people({"Handhaving": [("Ja", "Ja")] * 3, "Burgerzaken": [("No", "Y")] * 2})
    resp = read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)
    assert len(resp.rows) == 5 and resp.period == "november 2026" and not resp.findings
    assert resp.dropped_columns == FORMS_HEAD
    assert [r.answers for r in resp.rows[-2:]] == [{"meldpunt": "Nee", "melden": "Ja"}] * 2
    kept = repr(resp.rows)
    assert "Jansen" not in kept and "@" not in kept and "9:12" not in kept


@pytest.mark.parametrize("delimiter, encoding", [(",", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-16"), (";", "utf-8")])
def test_a_limesurvey_csv_by_question_code_in_any_common_encoding(tmp_path, survey, delimiter, encoding):
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed", "afdeling", "[meldpunt] Weet u waar?", "melden",
            "opmerking"]
    rows = [[i, f"2026-10-0{i} 10:00:00", 3, "nl", 123, "Sociaal domein", "Y" if i < 4 else "N", "Y", "Ééntje"]
            for i in range(1, 7)]
    resp = read_export(lime_csv(tmp_path / "e.csv", rows, head, delimiter, encoding), survey)
    assert not resp.findings and len(resp.rows) == 6 and resp.period == "oktober 2026"
    assert [r.answers["meldpunt"] for r in resp.rows] == ["Ja"] * 3 + ["Nee"] * 3
    assert resp.rows[0].groups == {"afdeling": "Sociaal domein"} and resp.rows[0].texts == {"opmerking": "Ééntje"}


def test_an_unknown_answer_is_a_fout_with_its_cell_and_count(tmp_path, survey):
    rows = people({"A": [("Ja", "Ja"), ("Misschien", "Ja"), ("Ja", "Ja"), ("Misschien", "Ja")]})
    resp = read_export(forms_xlsx(tmp_path / "e.xlsx", rows), survey)
    (f,) = resp.findings
    assert (f.code, f.severity, f.sheet, f.cell) == ("enq_antwoord_onbekend", "fout", "Form1", "H3")
    assert "'Misschien'" in f.message and "2 keer" in f.message


def test_a_missing_question_and_a_near_heading_are_said_never_guessed(tmp_path, survey):
    head = FORMS_HEAD + [Q_AFD, "Weet u waar u een signaal van ondermijning kan melden", Q_OPEN]
    rows = [[1, "", "", "", "", "A", "Ja", ""]]
    resp = read_export(forms_xlsx(tmp_path / "e.xlsx", rows, head), survey)
    codes = {f.code: f for f in resp.findings}
    assert codes["enq_kolom_lijkt_op"].cell == "H1" and "meldpunt" in codes["enq_kolom_lijkt_op"].message
    assert "melden" in codes["enq_vraag_ontbreekt"].message
    assert resp.asked == {"afdeling", "opmerking"}
    r = aggregate(pool([resp]))
    assert r.indicators["meldpunt-bekend"].asked is False


def test_a_file_that_is_no_export_gets_a_dutch_reason(tmp_path, survey):
    from piramide.errors import ReadError
    (tmp_path / "leeg.csv").write_bytes(b"")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 x")
    lime_csv(tmp_path / "ander.csv", [["1", "2"]], ["kolom een", "kolom twee"])
    (tmp_path / "kapot.csv").write_text('afdeling,meldpunt\n"A,Ja\n', encoding="utf-8")
    for name, code in [("leeg.csv", "invoer_leeg"), ("a.pdf", "invoer_pdf"), ("ander.csv", "enq_geen_vragen"),
                       ("kapot.csv", "enq_csv_onleesbaar"), ("bestaat-niet.csv", "invoer_bestaat_niet")]:
        with pytest.raises(ReadError) as exc:
            read_export(tmp_path / name, survey)
        assert exc.value.finding.code == code, name


def test_pool_takes_the_gemeente_from_its_column(tmp_path, survey):
    head = ["Gemeente", "afdeling", "meldpunt", "melden"]
    rows = [["Ede", "A", "Ja", "Ja"]] * 6 + [["Wageningen", "A", "Nee", "Ja"]] * 5
    resp = read_export(lime_csv(tmp_path / "e.csv", rows, head), survey)
    assert [f.code for f in resp.findings] == ["enq_vraag_ontbreekt"]      # no open question: said, no harm
    both = pool([resp])
    assert [f.code for f in both.findings][1:] == ["enq_gemeenten_meerdere"]
    ede = pool([resp], "ede")
    assert ede.gemeente == "Ede" and len(ede.rows) == 6 and len(ede.findings) == 1
    assert [f.code for f in pool([resp], "Arnhem").findings][1:] == ["enq_gemeente_onbekend"]


# --- into the piramide ----------------------------------------------------------------------

LINKED = SMALL.replace('id = "A-01"\n', 'id = "A-01"\nenquete = "meldpunt-bekend"\n', 1)


@pytest.fixture
def linked(tmp_path):
    assert LINKED != SMALL
    p = tmp_path / "gekoppeld.toml"
    p.write_text(LINKED, encoding="utf-8")
    return qmod.load(p)


def _answers(q, **given):
    out = {qq.id: "ja" for qq in q.questions}
    out.update({k.replace("_", "-"): v for k, v in given.items()})
    return out


def test_score_with_a_survey_answers_the_linked_question(tmp_path, run, linked, survey_path):
    wb = filled(linked, tmp_path / "teststad.xlsx", _answers(linked, A_01="nee"))
    # 8 of 10 ja: 80 % >= 70 %: met, so A-01 becomes ja (the workbook said nee: a warning)
    export = forms_xlsx(tmp_path / "enquete.xlsx", people({"A": [("Ja", "Ja")] * 8 + [("Nee", "Ja")] * 2}))
    res = run("score", wb, "-q", linked.path, "--enquete", export, "--enquete-definitie", survey_path,
              "--json", tmp_path / "u.json", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    assert "enq_wijkt_af" not in res.output and "de enquête geeft 'ja'" in res.output
    data = json.loads((tmp_path / "u.json").read_text(encoding="utf-8"))
    m = data["gemeenten"][0]["laatste_meting"]
    a = _answer(m, "A-01")
    assert (a["antwoord"], a["bepaald"]) == ("ja", "enquête")
    assert "80 %" in a["toelichting"] and "enquete.xlsx" in a["bewijs"]
    assert m["enquetes"] and "A-01" in m["enquetes"][0]
    import openpyxl
    over = openpyxl.load_workbook(tmp_path / "d.xlsx", read_only=True)["Over"]
    assert any("Uit een enquête" == row[0] for row in over.iter_rows(values_only=True))


def test_a_survey_below_its_norm_answers_nee_and_too_few_leaves_the_workbook(tmp_path, run, linked, survey_path):
    wb = filled(linked, tmp_path / "teststad.xlsx", _answers(linked))
    low = forms_xlsx(tmp_path / "laag.xlsx", people({"A": [("Ja", "Ja")] * 6 + [("Nee", "Ja")] * 4}))
    res = run("score", wb, "-q", linked.path, "--enquete", low, "--enquete-definitie", survey_path,
              "--json", tmp_path / "u.json", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    assert _answer(_latest(tmp_path / "u.json"), "A-01")["antwoord"] == "nee"
    few = forms_xlsx(tmp_path / "weinig.xlsx", people({"A": [("Nee", "Ja")] * 4}))
    res = run("score", wb, "-q", linked.path, "--enquete", few, "--enquete-definitie", survey_path,
              "--json", tmp_path / "v.json", "-o", tmp_path / "e.xlsx")
    assert res.exit_code == 0, res.output
    assert "kan niet uit de enquête worden ingevuld" in res.output
    assert _answer(_latest(tmp_path / "v.json"), "A-01")["antwoord"] == "ja"


def _latest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["gemeenten"][0]["laatste_meting"]


def _answer(m: dict, qid: str) -> dict:
    return next(a for p in m["pijlers"] for i in p["indicatoren"] for a in i["antwoorden"] if a["vraag"] == qid)


def test_only_the_latest_measurement_takes_the_survey(tmp_path, linked, survey):
    from piramide.batch import run as run_batch
    old = filled(linked, tmp_path / "0.xlsx", _answers(linked, A_01="nee"), datum=dt.date(2025, 3, 1))
    new = filled(linked, tmp_path / "1.xlsx", _answers(linked, A_01="nee"), datum=dt.date(2026, 3, 1))
    export = read_export(forms_xlsx(tmp_path / "enquete.xlsx", people({"A": [("Ja", "Ja")] * 9})), survey)
    r = run_batch([old, new], qmod.candidates([linked]), surveys=[export])
    (t,) = r.trends
    got = {x.measurement.datum.year: (x.measurement.answers["A-01"].label, x.measurement.answers["A-01"].basis)
           for x in t.results}
    assert got == {2025: ("nee", ""), 2026: ("ja", "enquête")}
    assert t.latest.pillars[0].bases["enquête"] == 1


def test_an_export_without_gemeente_cannot_serve_two_gemeenten(tmp_path, run, linked, survey_path):
    a = filled(linked, tmp_path / "a.xlsx", _answers(linked), gemeente="Ede")
    b = filled(linked, tmp_path / "b.xlsx", _answers(linked), gemeente="Wageningen")
    export = forms_xlsx(tmp_path / "enquete.xlsx", people({"A": [("Ja", "Ja")] * 9}))
    res = run("score", a, b, "-q", linked.path, "--enquete", export, "--enquete-definitie", survey_path,
              "-o", tmp_path / "uit")
    assert res.exit_code == 1 and "geen kolom Gemeente" in res.output


def test_score_refuses_a_lower_minimum_and_an_unreadable_export(tmp_path, run, linked, survey_path):
    wb = filled(linked, tmp_path / "teststad.xlsx", _answers(linked))
    res = run("score", wb, "-q", linked.path, "--enquete", tmp_path / "weg.xlsx", "--enquete-definitie", survey_path)
    assert res.exit_code == 1 and "bestaat niet" in res.output and "Traceback" not in res.output
    export = forms_xlsx(tmp_path / "enquete.xlsx", people({"A": [("Ja", "Ja")] * 9}))
    res = run("score", wb, "-q", linked.path, "--enquete", export, "--enquete-definitie", survey_path,
              "--minimum-groep", "2")
    assert res.exit_code == 2 and "niet kleiner dan 5" in res.output
    assert not (tmp_path / "output").exists()


def test_a_link_survives_the_excel_definition_round_trip(tmp_path, linked):
    from piramide.definition_toml import to_toml
    from piramide.definition_workbook import write_definition
    write_definition(linked, tmp_path / "def.xlsx")
    back = qmod.load(tmp_path / "def.xlsx")
    assert back.question("A-01").survey == "meldpunt-bekend"
    (tmp_path / "terug.toml").write_text(to_toml(back), encoding="utf-8")
    assert qmod.load(tmp_path / "terug.toml").question("A-01").survey == "meldpunt-bekend"


# --- across a region ------------------------------------------------------------------------

def test_region_compares_gemeenten_per_indicator_with_the_small_group_rule(tmp_path, run, linked, survey_path):
    import openpyxl
    for g in ("Ede", "Wageningen", "Renkum"):
        filled(linked, tmp_path / "metingen" / f"{g}.xlsx", _answers(linked), gemeente=g)
    # Ede by its file name; Wageningen and Renkum in one export with a column Gemeente (Renkum: 3)
    forms_xlsx(tmp_path / "enquete-ede.xlsx", people({"A": [("Ja", "Ja")] * 7 + [("Nee", "Nee")] * 3}))
    head = ["Gemeente", "afdeling", "meldpunt", "melden"]
    lime_csv(tmp_path / "regio.csv", [["Wageningen", "A", "Nee", "Ja"]] * 6 + [["Renkum", "A", "Ja", "Ja"]] * 3, head)
    res = run("region", tmp_path / "metingen", "-q", linked.path, "--enquete", tmp_path / "enquete-ede.xlsx",
              "--enquete", tmp_path / "regio.csv", "--enquete-definitie", survey_path, "-o", tmp_path / "regio.xlsx")
    assert res.exit_code == 0, res.output
    rows = [r for r in openpyxl.load_workbook(tmp_path / "regio.xlsx")["Enquête"].iter_rows(values_only=True)]
    table = {r[0]: r[1:5] for r in rows[4:]}
    assert table["Ede"] == ("10", "november 2026", "70% ✓", "70%")
    assert table["Wageningen"][0] == "6" and table["Wageningen"][2:] == ("0%", "100% ✓")
    assert table["Renkum"] == ("minder dan 5", "onbekend", "te weinig", "te weinig")


def test_region_says_which_export_it_cannot_place(tmp_path, run, linked, survey_path):
    filled(linked, tmp_path / "metingen" / "Ede.xlsx", _answers(linked), gemeente="Ede")
    forms_xlsx(tmp_path / "enquete-2026.xlsx", people({"A": [("Ja", "Ja")] * 7}))
    res = run("region", tmp_path / "metingen", "-q", linked.path, "--enquete", tmp_path / "enquete-2026.xlsx",
              "--enquete-definitie", survey_path, "-o", tmp_path / "regio.xlsx")
    assert res.exit_code == 1 and "bij welke gemeente hoort deze export" in res.output


# --- a survey definition in Excel -----------------------------------------------------------

def test_a_survey_definition_goes_to_excel_and_back_unchanged(tmp_path, survey, run):
    import dataclasses
    res = run("enquete", "export", survey.path, "-o", tmp_path / "def.xlsx")
    assert res.exit_code == 0, res.output
    back, findings = sd.check(tmp_path / "def.xlsx")
    assert findings == [] and dataclasses.replace(back, path="") == dataclasses.replace(survey, path="")
    res = run("enquete", "export", survey.path, "-o", tmp_path / "def.toml")
    assert res.exit_code == 0 and dataclasses.replace(sd.load(tmp_path / "def.toml"), path="") == \
        dataclasses.replace(survey, path="")


def test_a_mistake_in_an_excel_survey_definition_is_named_by_sheet_and_cell(tmp_path, survey, run):
    import openpyxl
    from piramide.survey_definition_workbook import write_survey_definition
    write_survey_definition(survey, tmp_path / "def.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "def.xlsx")
    ws = wb["Indicatoren"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("vraag") + 1, "meldpnt")                 # a typo in the question id
    ws.cell(3, head.index("minimaal") + 1, 150)                     # not a percentage
    settings = wb["Instellingen"]
    settings.append(["minimum_groep", 2])
    wb.save(tmp_path / "fout.xlsx")
    res = run("enquete", "controleer", tmp_path / "fout.xlsx")
    assert res.exit_code == 1
    assert "Indicatoren!C2" in res.output and "bedoelt u 'meldpunt'" in res.output
    assert "Indicatoren!E3" in res.output and "percentage" in res.output
    assert "Instellingen!B" in res.output and "minimum_groep '2'" in res.output


# --- privacy, end to end through the command line -------------------------------------------

def _all_text(path: Path) -> str:
    """Every byte an output holds, as text: each part of a workbook unpacked."""
    import zipfile
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_text(encoding="utf-8-sig")


def test_no_output_holds_a_name_an_address_a_timestamp_or_a_small_group(tmp_path, run, survey_path):
    rows = people({"Handhaving": [("Ja", "Ja")] * 12, "Burgerzaken": [("Nee", "Ja")] * 9,
                   "Directie Geheim": [("Ja", "Nee")] * 3, "=HYPERLINK(\"http://x.example\")": [("Ja", "Ja")] * 6})
    export = forms_xlsx(tmp_path / "export.xlsx", rows)
    res = run("enquete", export, "-d", survey_path, "-o", tmp_path / "d.xlsx", "--json", tmp_path / "u.json",
              "--csv", tmp_path / "u.csv")
    assert res.exit_code == 0, res.output
    outputs = [tmp_path / "d.xlsx", tmp_path / "u.json", tmp_path / "u.csv"]
    for out in outputs:
        text = _all_text(out)
        for secret in ("Jansen", "@gemeente.example", "9:12:44", "11/3/26", "Directie Geheim", "opmerking van"):
            assert secret not in text, (out.name, secret)
    assert "Handhaving" in _all_text(tmp_path / "d.xlsx")
    import re
    assert not re.search(r"<f>[^<]*HYPERLINK", _all_text(tmp_path / "d.xlsx"))    # a group name, never a formula
    res = run("enquete", export, "-d", survey_path, "-o", tmp_path / "t.xlsx", "--vrije-tekst")
    assert res.exit_code == 0, res.output
    text = _all_text(tmp_path / "t.xlsx")
    assert "opmerking van respondent 5" in text and "Directie Geheim" not in text and "Jansen" not in text


def test_enquete_refuses_a_lower_minimum_and_bad_input_in_dutch(tmp_path, run, survey_path):
    export = forms_xlsx(tmp_path / "export.xlsx", people({"A": [("Ja", "Ja")] * 6}))
    res = run("enquete", export, "-d", survey_path, "--minimum-groep", "4")
    assert res.exit_code == 2 and "niet kleiner dan 5" in res.output
    (tmp_path / "kapot.xlsx").write_bytes(b"PK\x03\x04 kapot")
    res = run("enquete", tmp_path / "kapot.xlsx", "-d", survey_path, "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 1 and "Traceback" not in res.output and "kapot.xlsx" in res.output
    bad = forms_xlsx(tmp_path / "raar.xlsx", people({"A": [("Misschien", "Ja")] * 6}))
    res = run("enquete", bad, "-d", survey_path, "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 1 and "Form1!H2" in res.output and not (tmp_path / "d.xlsx").exists()
    res = run("enquete", export, "-d", survey_path, "-o", export, "--vervang")
    assert res.exit_code == 1 and export.read_bytes()[:2] == b"PK"
    assert read_export(export, sd.load(survey_path)).rows            # the input untouched


def test_the_library_gives_the_survey_as_a_frame(tmp_path, survey_path):
    import piramide
    pytest.importorskip("pandas")
    export = forms_xlsx(tmp_path / "e.xlsx", people({"A": [("Ja", "Ja")] * 6, "B": [("Nee", "Ja")] * 4}))
    r = piramide.enquete(export, survey_path)
    assert r.valid and r.respondents == 10
    frame = r.to_frame()
    assert set(frame["groep"]) == {"Totaal"}                  # B (4) hidden, so A too
    assert frame.set_index("indicator").loc["meldpunt-bekend", "aandeel"] == 60.0
    with pytest.raises(piramide.UsageError):
        piramide.enquete(export, survey_path, minimum=4)


def test_every_builtin_link_names_an_indicator_of_the_builtin_survey():
    builtin = sd.load()
    links = {(name, q.id, q.survey) for name in qmod.builtin_names() for q in qmod.load(name).questions if q.survey}
    assert {(n, qid) for n, qid, _ in links} >= {("piramide-fitte-gemeenten-1.0", "IP-04"),
                                                 ("piramide-fitte-gemeenten-1.0", "CO-20")}
    assert all(builtin.has_indicator(iid) for _, _, iid in links)


def test_the_examples_fit_together_piramide_1_0_and_the_survey(tmp_path, run):
    assert run("example", "-q", "piramide-fitte-gemeenten-1.0", "-o", tmp_path / "v").exit_code == 0
    assert run("enquete", "voorbeeld", "-o", tmp_path / "e").exit_code == 0
    export = tmp_path / "e" / "enquete-voorbeeldstad-forms.xlsx"
    res = run("score", *sorted((tmp_path / "v").glob("*.xlsx")), "--enquete", export, "-o", tmp_path / "d.xlsx",
              "--json", tmp_path / "u.json")
    assert res.exit_code == 0, res.output
    survey = aggregate(pool([read_export(export, sd.load())], "Voorbeeldstad"))
    m = _latest(tmp_path / "u.json")
    for qid, iid in (("IP-04", "meldpunt-bekend"), ("CO-20", "meldbereid")):
        a = _answer(m, qid)
        assert a["bepaald"] == "enquête" and a["antwoord"] == ("ja" if survey.indicators[iid].met else "nee")
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources
    schema = json.loads((resources.files("piramide") / "uitslag.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads((tmp_path / "u.json").read_text(encoding="utf-8")))


def test_a_folder_of_exports_the_same_file_twice_and_our_own_dashboard(tmp_path, run, survey_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    forms_xlsx(folder / "a.xlsx", people({"A": [("Ja", "Ja")] * 6}))
    forms_xlsx(folder / "b.xlsx", people({"A": [("Nee", "Ja")] * 4}))
    res = run("enquete", folder, "-d", survey_path, "--json", tmp_path / "u.json", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "u.json").read_text(encoding="utf-8"))["respondenten"] == 10
    res = run("enquete", folder / "a.xlsx", folder / "a.xlsx", "-d", survey_path, "--json", tmp_path / "v.json",
              "-o", tmp_path / "e.xlsx")
    assert res.exit_code == 0 and "telt één keer mee" in res.output
    assert json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))["respondenten"] == 6
    res = run("enquete", tmp_path / "d.xlsx", "-d", survey_path, "-o", tmp_path / "f.xlsx")
    assert res.exit_code == 1 and "enquêtedashboard dat piramide zelf heeft gemaakt" in res.output


def test_a_survey_far_from_the_measurement_is_said(tmp_path, linked, survey):
    from piramide.batch import run as run_batch
    wb = filled(linked, tmp_path / "t.xlsx", _answers(linked), datum=dt.date(2028, 3, 1))   # 16 months after 11/2026
    export = read_export(forms_xlsx(tmp_path / "enquete.xlsx", people({"A": [("Ja", "Ja")] * 9})), survey)
    (o,) = run_batch([wb], qmod.candidates([linked]), surveys=[export]).inputs
    (f,) = [f for f in o.findings if f.code == "enq_ver_van_meting"]
    assert "november 2026, 16 maanden" in f.message
    near = filled(linked, tmp_path / "n.xlsx", _answers(linked), datum=dt.date(2027, 11, 1))
    (o,) = run_batch([near], qmod.candidates([linked]), surveys=[export]).inputs
    assert not [f for f in o.findings if f.code == "enq_ver_van_meting"]


def test_enquete_writes_into_a_folder_and_json_alone_writes_nothing_else(tmp_path, run, survey_path):
    export = forms_xlsx(tmp_path / "export.xlsx", people({"A": [("Ja", "Ja")] * 6}))
    (tmp_path / "uit").mkdir()
    res = run("enquete", export, "-d", survey_path, "-o", tmp_path / "uit")
    assert res.exit_code == 0, res.output
    assert [p.suffix for p in (tmp_path / "uit").iterdir()] == [".xlsx"]
    res = run("enquete", export, "-d", survey_path, "--json", "-")
    assert res.exit_code == 0 and not (tmp_path / "output").exists()


def test_hostile_exports_are_refused_in_bounded_work(tmp_path, survey):
    from piramide.errors import ReadError
    from piramide.reader import MAX_BOOK_CELLS
    wide = tmp_path / "breed.csv"
    row = ",".join(["a"] * 1999) + "\n"
    with open(wide, "w", encoding="utf-8") as fh:
        fh.write(",".join([Q_MELDPUNT] * 2 + ["x"] * 1997) + "\n")
        for _ in range(MAX_BOOK_CELLS // 1999 + 2):
            fh.write(row)
    with pytest.raises(ReadError) as exc:
        read_export(wide, survey)
    assert exc.value.finding.code == "invoer_te_veel_cellen"
    huge_field = tmp_path / "veld.csv"
    huge_field.write_text(f'{Q_MELDPUNT}\n"{"x" * 200_000}"\n', encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read_export(huge_field, survey)
    assert exc.value.finding.code == "enq_csv_onleesbaar" and exc.value.finding.line
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"meldpunt\x00,afdeling\nJa\x00,A\n")
    with pytest.raises(ReadError) as exc:
        read_export(nul, survey)
    assert exc.value.finding.code == "enq_geen_export"
    repeated = lime_csv(tmp_path / "herhaald.csv", [["Ja"] * 500], [Q_MELDPUNT] * 500)
    (f,) = [f for f in read_export(repeated, survey).findings if f.code == "enq_kolom_dubbel"]
    assert "A en B en C en nog 497" in f.message and len(f.message) < 400


def test_the_json_of_the_command_is_the_library_result(tmp_path, run, survey_path):
    import piramide
    export = forms_xlsx(tmp_path / "e.xlsx", people({"A": [("Ja", "Ja")] * 6, "B": [("Nee", "Ja")] * 7}))
    res = run("enquete", export, "-d", survey_path, "--json", tmp_path / "u.json", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    cli = json.loads((tmp_path / "u.json").read_text(encoding="utf-8"))
    assert cli == json.loads(json.dumps(piramide.enquete(export, survey_path).to_dict()))
    assert [g["naam"] for g in cli["indelingen"][0]["groepen"]] == ["B", "A"]


def test_an_anonymous_region_names_no_gemeente_and_codes_a_survey_alone_as_a_measurement(tmp_path, run, linked,
                                                                                          survey_path):
    import openpyxl

    from piramide.regional import anonymous_code, derive_key
    filled(linked, tmp_path / "metingen" / "Ede.xlsx", _answers(linked), gemeente="Ede")
    head = ["Gemeente", "afdeling", "meldpunt", "melden"]
    lime_csv(tmp_path / "regio.csv", [["Ede", "A", "Ja", "Ja"]] * 6 + [["Den Haag", "A", "Nee", "Ja"]] * 7, head)
    res = run("region", tmp_path / "metingen", "-q", linked.path, "--enquete", tmp_path / "regio.csv",
              "--enquete-definitie", survey_path, "-o", tmp_path / "r.xlsx", "--anoniem", "--sleutel", "een lange sleutel")
    assert res.exit_code == 0, res.output
    names = [r[0] for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Enquête"].iter_rows(min_row=5, values_only=True)]
    key = derive_key("een lange sleutel")
    assert sorted(names) == sorted([anonymous_code("Ede", key), anonymous_code("'s-Gravenhage", key)])
    assert "Ede" not in res.output and "Haag" not in _all_text(tmp_path / "r.xlsx")


def test_the_same_survey_in_two_formats_counts_once(tmp_path, run):
    assert run("enquete", "voorbeeld", "-o", tmp_path / "vb").exit_code == 0
    res = run("enquete", tmp_path / "vb", "--json", tmp_path / "u.json", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    assert "dezelfde enquête in een ander formaat" in res.output
    one = run("enquete", tmp_path / "vb" / "enquete-voorbeeldstad-forms.xlsx", "--json", tmp_path / "v.json",
              "-o", tmp_path / "e.xlsx")
    assert one.exit_code == 0
    both, single = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("u.json", "v.json"))
    assert both["respondenten"] == single["respondenten"] == 120
    assert both["indicatoren"] == single["indicatoren"]


def test_the_survey_options_without_an_export_are_a_usage_error(tmp_path, run, linked):
    wb = filled(linked, tmp_path / "t.xlsx", _answers(linked))
    res = run("score", wb, "-q", linked.path, "--minimum-groep", "8")
    assert res.exit_code == 2 and "horen bij --enquete" in res.output


def test_a_survey_without_indicators_still_gets_a_dashboard_that_says_so(tmp_path, run):
    import openpyxl
    bare = SURVEY.split("[[indicatoren]]")[0]
    (tmp_path / "kaal.toml").write_text(bare, encoding="utf-8")
    export = forms_xlsx(tmp_path / "e.xlsx", people({"A": [("Ja", "Ja")] * 6, "B": [("Nee", "Ja")] * 7}))
    res = run("enquete", export, "-d", tmp_path / "kaal.toml", "-o", tmp_path / "d.xlsx")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    texts = [c for row in wb["Overzicht"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("geen indicatoren" in t for t in texts) and not wb["Overzicht"]._charts
    per = wb["Per afdeling"]
    assert per.column_dimensions["B"].width > 12             # 'Respondenten' is not narrowed by an empty block


def test_a_region_wide_export_answers_each_gemeente_and_says_which_it_lacks(tmp_path, linked, survey):
    from piramide.batch import run as run_batch
    ede = filled(linked, tmp_path / "ede.xlsx", _answers(linked, A_01="nee"), gemeente="Ede")
    renkum = filled(linked, tmp_path / "renkum.xlsx", _answers(linked, A_01="nee"), gemeente="Renkum")
    head = ["Gemeente", "afdeling", "meldpunt", "melden"]
    export = read_export(lime_csv(tmp_path / "regio.csv", [["Ede", "A", "Ja", "Ja"]] * 6, head), survey)
    r = run_batch([ede, renkum], qmod.candidates([linked]), surveys=[export])
    got = {o.result.measurement.gemeente: (o.status, o.result.measurement.answers["A-01"].label,
                                           [f.code for f in o.findings if f.code.startswith("enq_")]) for o in r.inputs}
    assert got["Ede"][:2] == ("verwerkt", "ja")
    assert got["Renkum"] == ("verwerkt", "nee", ["enq_gemeente_niet_in_export"])
