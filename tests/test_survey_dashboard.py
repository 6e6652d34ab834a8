"""The survey writers: the dashboard workbook, the JSON and the tidy CSV.

Exports are built here as CSV text with the identifying columns a survey tool adds; every
figure asserted below is worked out by hand in the comments."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from piramide import reader
from piramide import survey_serialize as ss
from piramide.errors import OutputError, ReadError
from piramide.survey_aggregate import aggregate
from piramide.survey_dashboard import grouping_sheet_names, write_dashboard
from piramide.survey_definition import load
from piramide.survey_reader import read_export

DEFINITION = '''
soort = "enquete"
id = "proef"
versie = "1.0"
titel = "Proefenquête"

[[themas]]
id = "melden"
naam = "Melden"
[[themas]]
id = "druk"
naam = "Druk van buiten"

[[schalen]]
id = "jn"
naam = "ja / nee"
[[schalen.antwoorden]]
label = "Ja"
[[schalen.antwoorden]]
label = "Nee"
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
id = "druk"
vraag = "Bent u het afgelopen jaar onder druk gezet?"
schaal = "jn"
thema = "druk"
[[vragen]]
id = "opmerking"
vraag = "Wat wilt u nog kwijt?"
soort = "open"

[[indicatoren]]
id = "meldpunt-bekend"
naam = "Medewerkers weten waar zij een signaal melden"
vraag = "meldpunt"
antwoorden = ["Ja"]
minimaal = 70
thema = "melden"
[[indicatoren]]
id = "weinig-druk"
naam = "Weinig ervaren druk"
vraag = "druk"
antwoorden = ["Ja"]
maximaal = 20
thema = "druk"
'''

HEADER = ["ID", "Naam", "E-mail", "Tijd van voltooien", "Bij welke afdeling werkt u?",
          "Weet u waar u een signaal van ondermijning kunt melden?", "Bent u het afgelopen jaar onder druk gezet?",
          "Wat wilt u nog kwijt?"]

FORMULA = '=HYPERLINK("http://x")'
COMMAND = "+cmd|' /C calc'!A0"
# Identifying values put in the export; none may reach any output.
PERSONAL = ["Jansen-Personeel", "persoon@gemeente.example", "R-90210", "10:17", "2026-11-03"]


def person(i: int) -> list[str]:
    return [f"R-9021{i}" if i == 0 else f"R-{5000 + i}", f"Jansen-Personeel {i}", f"persoon@gemeente.example{i}",
            f"2026-11-0{1 + i % 3} 10:17:00"]


def export(tmp_path, rows: list[tuple[str, str, str, str]], name="export.csv"):
    """A CSV export: per respondent (afdeling, meldpunt, druk, opmerking)."""
    text = io.StringIO(newline="")
    w = csv.writer(text, delimiter=";")
    w.writerow(HEADER)
    for i, row in enumerate(rows):
        w.writerow(person(i) + list(row))
    p = tmp_path / name
    p.write_bytes(text.getvalue().encode("utf-8"))
    return p


@pytest.fixture
def survey(tmp_path):
    p = tmp_path / "proef.toml"
    p.write_text(DEFINITION, encoding="utf-8")
    return load(p)


def mixed_rows():
    """20 respondents. Afdelingen: FORMULA 7, COMMAND 6, Sociaal Domein 5, Geheim team 2.
    Geheim team (2) is hidden; 2 < 5 so the smallest shown, Sociaal Domein (5), is hidden too.
    meldpunt: FORMULA 6 Ja + 1 'wil ik niet zeggen'; COMMAND 4 Ja 2 Nee; Sociaal 5 Nee; Geheim 2 Ja.
      total n 19, Ja 12: 63.2 % (< 70: nee). FORMULA 6/6 = 100 % (ja), COMMAND 4/6 = 66.7 % (nee).
    druk: FORMULA 2 Ja 5 Nee; COMMAND 4 Nee, 2 empty; Sociaal 5 Nee; Geheim 2 Nee.
      total n 18, Ja 2: 11.1 % (<= 20: ja). FORMULA 2/7 = 28.6 % (nee). Within the question
      COMMAND (4) is below 5, so its share is hidden as well (with Sociaal and Geheim)."""
    rows = []
    rows += [(FORMULA, "Ja", "Ja" if i < 2 else "Nee", "") for i in range(6)]
    rows += [(FORMULA, "Wil ik niet zeggen", "Nee", "=1+1")]
    rows += [(COMMAND, "Ja" if i < 4 else "Nee", "Nee" if i < 4 else "", "") for i in range(6)]
    rows += [("Sociaal Domein", "Nee", "Nee", "Meer voorlichting graag.") for _ in range(5)]
    rows += [("Geheim team", "Ja", "Nee", "Graag\x1b[8m een vast aanspreekpunt.") for _ in range(2)]
    return rows


HIDDEN = ["Geheim team", "Sociaal Domein"]


def workbook_text(path) -> str:
    """Every part of the xlsx package as text: cells, shared strings, chart caches, properties."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def cells(path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def row_of(sheet_rows, first) -> list:
    return next(r for r in sheet_rows if r and r[0] == first)


def test_figures_groups_and_untrusted_names(tmp_path, survey):
    responses = read_export(export(tmp_path, mixed_rows()), survey)
    result = aggregate(responses, texts=True)
    out = write_dashboard(result, tmp_path / "enquete-dashboard.xlsx")
    got = cells(out)
    assert list(got) == ["Overzicht", "Per vraag", "Per afdeling", "Vrije tekst", "Meldingen", "Over"]

    ov = got["Overzicht"]
    assert "20 respondenten" in ov[1][0] and "kleiner dan 5" in ov[1][0]
    assert row_of(ov, "Melden")[1:6] == ["Medewerkers weten waar zij een signaal melden", "ten minste 70 %",
                                         pytest.approx(12 / 19), 19, "nee"]
    assert row_of(ov, "Druk van buiten")[1:6] == ["Weinig ervaren druk", "hoogstens 20 %", pytest.approx(2 / 18), 18, "ja"]

    per_q = got["Per vraag"]
    ja = row_of(per_q, "meldpunt. Weet u waar u een signaal van ondermijning kunt melden?")
    assert ja[1:5] == ["Ja", 12, pytest.approx(12 / 19), 19]
    nee = per_q[per_q.index(ja) + 1]
    assert nee[1:4] == ["Nee", 7, pytest.approx(7 / 19)]
    assert not any(r[1] == "Wil ik niet zeggen" for r in per_q if len(r) > 1)      # not counted, not shown

    afd = got["Per afdeling"]
    assert row_of(afd, "Totaal")[1:4] == [20, pytest.approx(12 / 19), pytest.approx(2 / 18)]
    assert row_of(afd, FORMULA)[1:4] == [7, pytest.approx(1.0), pytest.approx(2 / 7)]
    assert row_of(afd, COMMAND)[1:4] == [6, pytest.approx(4 / 6), "–"]     # druk: 4 answers, hidden
    line = next(r[0] for r in afd if r[0] and str(r[0]).startswith("Niet getoond"))
    assert line.startswith("Niet getoond: 2 groepen met samen 7 respondenten (minder dan 5 per groep")

    # formula-looking names are text, never formulas
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+":
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
    assert FORMULA in workbook_text(out).replace("&quot;", '"')
    # free text: whole survey only, control characters made visible
    texts = [r[1] for r in got["Vrije tekst"][4:]]
    assert "=1+1" in texts and "Graag\\x1b[8m een vast aanspreekpunt." in texts

    # what must never be anywhere: hidden groups, identifying columns' values
    everything = [workbook_text(out), ss.to_json(result), ss.to_csv([result]).decode("utf-8-sig")]
    for text in everything:
        for secret in HIDDEN + PERSONAL:
            assert secret not in text, secret
    over = {r[0]: r[1] for r in got["Over"] if r and r[0]}
    assert over["Niet gelezen kolommen"] == "ID, Naam, E-mail, Tijd van voltooien"
    assert over["Periode"] == "november 2026"
    assert "export.csv (SHA-256 " in over["Bronbestanden"]


def test_subtraction_hides_both_groups(tmp_path, survey):
    """12 respondents, A 8 and B 4: B is too small, and with B alone hidden A's figures and the
    total would give B's away, so A is hidden too: only the total shows."""
    rows = [("Afdeling Alfa", "Ja", "Nee", "")] * 8 + [("Afdeling Beta", "Nee", "Ja", "")] * 4
    result = aggregate(read_export(export(tmp_path, rows), survey))
    out = write_dashboard(result, tmp_path / "d.xlsx")
    afd = cells(out)["Per afdeling"]
    assert row_of(afd, "Totaal")[1:4] == [12, pytest.approx(8 / 12), pytest.approx(4 / 12)]
    assert any(r[0] == "Niet getoond: 2 groepen met samen 12 respondenten (minder dan 5 per groep, of verborgen "
               "zodat niemand door aftrekken herkenbaar wordt)." for r in afd)
    data = ss.to_dict(result)
    assert data["indelingen"] == [{"vraag": "afdeling", "tekst": "Bij welke afdeling werkt u?", "groepen": [],
                                   "niet_getoond": {"groepen": 2, "respondenten": 12}}]
    rows_csv = ss.csv_rows([result])
    assert {r["indeling"] for r in rows_csv} == {"Totaal"}
    assert [(r["indicator"], r["aandeel"], r["n"], r["behaald"]) for r in rows_csv] == [
        ("meldpunt-bekend", 66.7, 12, "nee"), ("weinig-druk", 33.3, 12, "nee")]
    for text in (workbook_text(out), ss.to_json(result), ss.to_csv([result]).decode("utf-8-sig")):
        assert "Alfa" not in text and "Beta" not in text


def test_too_few_respondents_show_no_figures(tmp_path, survey):
    rows = [("Afdeling Alfa", "Ja", "Nee", "iets")] * 4
    result = aggregate(read_export(export(tmp_path, rows), survey), texts=True)
    assert not result.shown
    out = write_dashboard(result, tmp_path / "d.xlsx")
    got = cells(out)
    assert list(got) == ["Overzicht", "Meldingen", "Over"]
    ov = got["Overzicht"]
    assert any(isinstance(v, str) and "minder dan het minimum van 5" in v for r in ov for v in r)
    assert not [v for r in ov for v in r if isinstance(v, (int, float))]
    assert "Ja" not in [v for r in ov for v in r]
    data = ss.to_dict(result)
    assert data["getoond"] is False and data["vragen"] == [] and data["indelingen"] == [] and data["vrije_tekst"] == []
    assert all(i["aandeel"] is None and i["n"] is None and i["behaald"] is None for i in data["indicatoren"])
    assert ss.csv_rows([result]) == []
    assert "Alfa" not in workbook_text(out) and "iets" not in workbook_text(out)


def test_json_shape(tmp_path, survey):
    result = aggregate(read_export(export(tmp_path, mixed_rows()), survey))
    data = json.loads(ss.to_json(result))
    assert set(data) == {"schema", "schema_version", "piramide_versie", "enquete", "gemeente", "periode", "bronnen",
                         "minimum_groep", "respondenten", "getoond", "indicatoren", "vragen", "indelingen",
                         "vrije_tekst", "niet_gelezen_kolommen", "meldingen"}
    assert (data["schema"], data["schema_version"], data["respondenten"], data["minimum_groep"]) == \
        ("piramide-enquete", 1, 20, 5)
    assert data["enquete"] == {"id": "proef", "versie": "1.0", "titel": "Proefenquête"}
    ind = {i["id"]: i for i in data["indicatoren"]}
    assert (ind["meldpunt-bekend"]["aandeel"], ind["meldpunt-bekend"]["n"], ind["meldpunt-bekend"]["behaald"]) == \
        (63.2, 19, False)
    assert (ind["weinig-druk"]["aandeel"], ind["weinig-druk"]["behaald"], ind["weinig-druk"]["norm"]) == \
        (11.1, True, "hoogstens 20 %")
    q = {x["id"]: x for x in data["vragen"]}
    assert q["meldpunt"]["n"] == 19 and q["meldpunt"]["antwoorden"] == [
        {"antwoord": "Ja", "aantal": 12, "aandeel": 63.2}, {"antwoord": "Nee", "aantal": 7, "aandeel": 36.8}]
    (afd,) = data["indelingen"]
    assert [(g["naam"], g["respondenten"]) for g in afd["groepen"]] == [(FORMULA, 7), (COMMAND, 6)]
    assert afd["niet_getoond"] == {"groepen": 2, "respondenten": 7}
    command = {i["id"]: i for i in afd["groepen"][1]["indicatoren"]}
    assert command["weinig-druk"] == {"id": "weinig-druk", "aandeel": None, "n": None, "behaald": None}
    assert data["vrije_tekst"] == []          # not asked for
    assert data["niet_gelezen_kolommen"] == ["ID", "Naam", "E-mail", "Tijd van voltooien"]


def test_csv_dialect_and_rows(tmp_path, survey):
    result = aggregate(read_export(export(tmp_path, mixed_rows()), survey))
    path = ss.write_csv([result], tmp_path / "enquete.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))     # comma, like the region's CSV
    assert list(rows[0]) == ss.CSV_COLUMNS
    key = [(r["indeling"], r["groep"], r["indicator"], r["aandeel"], r["n"], r["behaald"]) for r in rows]
    assert key == [("Totaal", "Totaal", "meldpunt-bekend", "63.2", "19", "nee"),
                   ("Totaal", "Totaal", "weinig-druk", "11.1", "18", "ja"),
                   ("afdeling", "'" + FORMULA, "meldpunt-bekend", "100.0", "6", "ja"),
                   ("afdeling", "'" + FORMULA, "weinig-druk", "28.6", "7", "nee"),
                   ("afdeling", "'" + COMMAND, "meldpunt-bekend", "66.7", "6", "nee")]
    with pytest.raises(OutputError):
        ss.write_csv([result], path, replace=False)


def test_dashboard_is_our_output_and_refused_as_input(tmp_path, survey):
    result = aggregate(read_export(export(tmp_path, mixed_rows()), survey))
    out = write_dashboard(result, tmp_path / "d.xlsx")
    assert reader.own_output(out.read_bytes()) == "enquete-dashboard"
    with pytest.raises(ReadError) as exc:
        read_export(out, survey)
    assert exc.value.finding.code == "enq_eigen_uitvoer"
    with pytest.raises(OutputError):
        write_dashboard(result, out, replace=False)


def test_grouping_sheet_names_short_and_unique():
    from types import SimpleNamespace as NS
    long = "In welke afdeling of welk team werkt u op dit moment vooral?"
    groupings = [NS(question=NS(id=qid, text=text)) for qid, text in
                 [("afdeling", "Afdeling?"), ("g1", long), ("g2", long), ("over", "Over?"), ("x[1]", "Team: a/b?")]]
    names = grouping_sheet_names(NS(groupings=groupings))
    assert names == ["Per afdeling", "Per In welke afdeling of welk", "Per In welke afdeling of we (2)",
                     "Per over", "Per Team a b"]
    assert all(len(n) <= 31 for n in names)


def test_default_name(tmp_path, survey):
    from piramide.survey_dashboard import default_name
    result = aggregate(read_export(export(tmp_path, mixed_rows()), survey))
    assert default_name(result) == "enquete-november-2026.xlsx"
    result.gemeente = "Súdwest-Fryslân"
    assert default_name(result) == "sudwest-fryslan-enquete-november-2026.xlsx"
