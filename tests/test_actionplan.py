"""The action plan as a living document: a previous dashboard's Verbeterpunten sheet, edited as
people edit it, carried into the next dashboard. Expected outcomes are worked out by hand from
the small definition (tests/conftest.py).

The story of every test here. Teststad, ambitie fase 3 in both pillars.

- 0-meting 15-03-2025: A-01 ja, A-02 deels (A-1 deels: pillar A phase 0), the rest of A nee;
  B-01 ja (B phase 1), B-02..B-04 nee. Verbeterpunten, foundations first: 1 A-1, 2 A-2a,
  3 A-2b, 4 B-2, 5 A-3, 6 B-3.
- The gemeente's plan: A-1 klaar (1-2-2026); A-2a gereed (a real date, 30-06-2026); A-2b loopt
  (15 maart 2026); row 4 (B-2) deleted; A-3 typed as 'A-3' only, nog niet (maart 2027); B-3 typed
  as its name 'B top', status 'misschien' and date 'ergens in 2026' (neither readable); a free
  row 'Extra overleg met politie' loopt (1-4-2026); rows sorted by Nr from high to low; a column
  Budget inserted before Actiehouder; 'Streefdatum' renamed 'Deadline' as in older dashboards.
- Vervolgmeting 20-03-2026: A-01, A-02 ja (A-1 behaald); A-03 nee (A-2a niet behaald); A-04
  deels, A-05 nee (A-2b deels); A-06 nee; B as before.

Expected, in the gemeente's order: B-3 open (status unreadable counts as open, date unreadable
is never over tijd), A-3 open (maart 2027 is after 20-03-2026), A-2b over tijd (15-03-2026 is
before 20-03-2026 and A-2b is deels), A-2a te bespreken (afgerond, A-2a niet behaald), A-1
afgerond (behaald), the free row loopt (no indicator); then B-2 as the one new verbeterpunt
(the row was deleted, B-2 is still open), numbered 7.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import filled
from piramide.actionplan import (AFGEROND, LOOPT, OPEN, VERVALLEN, ActionPlanError, carry_over, parse_date,
                                 parse_status, read_plan)
from piramide.dashboard import write_dashboard
from piramide.reader import read
from piramide.scoring import score

AMBITIE = {"A": 3, "B": 3}
M0 = {"A-01": "ja", "A-02": "deels", "A-03": "nee", "A-04": "nee", "A-05": "nee", "A-06": "nee",
      "B-01": "ja", "B-02": "nee", "B-03": "nee", "B-04": "nee"}
M1 = M0 | {"A-02": "ja", "A-04": "deels"}
D0, D1 = dt.date(2025, 3, 15), dt.date(2026, 3, 20)


def measure(q, path, answers, datum, gemeente="Teststad"):
    return filled(q, path, answers, gemeente=gemeente, datum=datum, ambitie=AMBITIE)


def scored(q, path):
    return score(read(path, q), q)


def edit_plan(dashboard: Path, target: Path) -> Path:
    """Edit the Verbeterpunten sheet as a gemeente does during the year (see the module docstring)."""
    wb = openpyxl.load_workbook(dashboard)
    ws = wb["Verbeterpunten"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=ws.max_row)]
    assert [r[col["Indicator"]].split()[0] for r in rows] == ["A-1", "A-2a", "A-2b", "B-2", "A-3", "B-3"]

    def fill(ind, actiehouder, datum, status, opmerking=None, indicator=None):
        r = next(r for r in rows if r[col["Indicator"]].startswith(ind + " "))
        r[col["Actiehouder"]], r[col["Streefdatum"]], r[col["Status actie"]] = actiehouder, datum, status
        r[col["Opmerking"]] = opmerking
        if indicator is not None:
            r[col["Indicator"]] = indicator
    fill("A-1", "OOV", "1-2-2026", "klaar", "Vastgesteld door het college")
    fill("A-2a", "HR", dt.datetime(2026, 6, 30), "gereed")
    fill("A-2b", "Burgerzaken", "15 maart 2026", "loopt")
    fill("A-3", "Gemeentesecretaris", "maart 2027", "nog niet", indicator="A-3")
    fill("B-3", "Communicatie", "ergens in 2026", "misschien", indicator="B top")
    rows = [r for r in rows if not r[col["Indicator"]].startswith("B-2 ")]          # deleted
    rows.sort(key=lambda r: -r[col["Nr"]])                                         # sorted
    free = [None] * len(head)
    free[col["Indicator"]], free[col["Actiehouder"]] = "Extra overleg met politie", "Burgemeester"
    free[col["Streefdatum"]], free[col["Status actie"]] = "1-4-2026", "loopt"
    rows.append(free)                                                              # added
    for r in range(2, ws.max_row + 1):
        for c in range(1, len(head) + 1):
            ws.cell(r, c).value = None
    for i, values in enumerate(rows, 2):
        for j, v in enumerate(values, 1):
            ws.cell(i, j).value = v
    ws.cell(1, col["Streefdatum"] + 1).value = "Deadline"                         # the old header
    ws.insert_cols(col["Actiehouder"] + 1)                                         # a column of their own
    ws.cell(1, col["Actiehouder"] + 1).value = "Budget"
    ws.cell(2, col["Actiehouder"] + 1).value = 5000
    wb.save(target)
    return target


@pytest.fixture
def story(tmp_path, small):
    m0 = measure(small, tmp_path / "0-meting.xlsx", M0, D0)
    m1 = measure(small, tmp_path / "vervolgmeting.xlsx", M1, D1)
    r0 = scored(small, m0)
    assert [i.indicator.indicator.id for i in r0.improvements] == ["A-1", "A-2a", "A-2b", "B-2", "A-3", "B-3"]
    dash0 = write_dashboard(r0, tmp_path / "teststad-dashboard-2025-03-15.xlsx")
    plan = edit_plan(dash0, tmp_path / "vorig-dashboard.xlsx")
    return {"m0": m0, "m1": m1, "plan": plan, "r1": scored(small, m1)}


EXPECTED = [  # (nr, indicator or what was typed, outcome)
    (6, "B-3", "open"), (5, "A-3", "open"), (3, "A-2b", "over_tijd"), (2, "A-2a", "afgerond_indicator_open"),
    (1, "A-1", "afgerond"), (None, "Extra overleg met politie", "loopt"), (7, "B-2", "nieuw")]


def shown(rows):
    return [(r.nr, r.indicator.indicator.id if r.indicator else r.action.indicator, r.outcome) for r in rows]


def test_a_plan_edited_by_people_is_carried_over(story, small):
    plan = read_plan(story["plan"])
    assert (plan.gemeente, plan.datum, plan.sheet) == ("Teststad", D0, "Verbeterpunten")
    carried = carry_over(plan, story["r1"])
    assert shown(carried.rows) == EXPECTED
    by_nr = {r.nr: r.action for r in carried.carried}
    assert (by_nr[1].actiehouder, by_nr[1].streefdatum, by_nr[1].status) == ("OOV", dt.date(2026, 2, 1), AFGEROND)
    assert by_nr[1].notes == "Vastgesteld door het college"
    assert by_nr[6].notes == "Budget: 5000"                     # the inserted column is kept, as a note
    assert (by_nr[2].streefdatum, by_nr[2].status) == (dt.date(2026, 6, 30), AFGEROND)
    assert (by_nr[3].streefdatum, by_nr[3].status) == (dt.date(2026, 3, 15), LOOPT)
    assert (by_nr[5].streefdatum, by_nr[5].status) == (dt.date(2027, 3, 31), OPEN)   # maart 2027: end of month
    assert (by_nr[6].streefdatum, by_nr[6].streefdatum_typed) == (None, "ergens in 2026")
    assert (by_nr[6].status, by_nr[6].status_typed) == (None, "misschien")
    assert carried.counts() == {"afgerond": 1, "afgerond_indicator_open": 1, "indicator_behaald": 0, "over_tijd": 1,
                                "loopt": 1, "open": 2, "vervallen": 0, "niet_gekoppeld": 1, "acties": 6, "nieuw": 1}
    # Row 2 after sorting is B-3; Budget moved Deadline to J and Status actie to K.
    found = {(f.code, f.sheet, f.cell) for f in carried.findings}
    assert found == {("actieplan_status_onbekend", "Verbeterpunten", "K2"),
                     ("actieplan_datum_onbekend", "Verbeterpunten", "J2"),
                     ("actieplan_afgerond_open", "Verbeterpunten", "D5")}
    assert all(f.severity == "waarschuwing" for f in carried.findings)


def test_overdue_is_judged_against_the_new_measurement_not_the_clock(story, small, tmp_path):
    """The same plan, the vervolgmeting dated 10-03-2026: 15 maart 2026 has not passed yet."""
    early = scored(small, measure(small, tmp_path / "vroeg.xlsx", M1, dt.date(2026, 3, 10)))
    outcomes = [o for _, _, o in shown(carry_over(read_plan(story["plan"]), early).rows)]
    assert outcomes == ["open", "open", "loopt", "afgerond_indicator_open", "afgerond", "loopt", "nieuw"]


def test_done_but_behind_and_vervallen(tmp_path, small):
    """A-1 still 'loopt' while the new measurement has it behaald: the action's status is behind.
    A vervallen action is neither open nor overdue, whatever its date."""
    r0 = scored(small, measure(small, tmp_path / "a.xlsx", M0, D0))
    dash = write_dashboard(r0, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(dash)
    ws = wb["Verbeterpunten"]
    ws["J2"], ws["I3"], ws["J3"] = "bezig", "1-1-2026", "geschrapt"          # A-1, A-2a
    wb.save(tmp_path / "plan.xlsx")
    carried = carry_over(read_plan(tmp_path / "plan.xlsx"), scored(small, measure(small, tmp_path / "b.xlsx", M1, D1)))
    assert shown(carried.rows)[:3] == [(1, "A-1", "indicator_behaald"), (2, "A-2a", "vervallen"),
                                       (3, "A-2b", "open")]
    assert carried.counts()["indicator_behaald"] == 1 and carried.counts()["vervallen"] == 1


@pytest.mark.parametrize("typed, expected", [
    ("klaar", AFGEROND), ("Gereed", AFGEROND), (" afgerond ", AFGEROND), ("done", AFGEROND), ("✓", AFGEROND),
    ("loopt", LOOPT), ("bezig", LOOPT), ("In uitvoering", LOOPT), ("gestart", LOOPT),
    ("nog niet", OPEN), ("open", OPEN), ("niet gestart", OPEN), ("leeg", OPEN), ("", OPEN), (None, OPEN),
    ("vervallen", VERVALLEN), ("Geschrapt", VERVALLEN), ("misschien", None), (3, None)])
def test_statuses_in_other_words(typed, expected):
    assert parse_status(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("15-03-2026", dt.date(2026, 3, 15)), ("15-3-26", dt.date(2026, 3, 15)), ("1-2-2026", dt.date(2026, 2, 1)),
    ("15/3/2026", dt.date(2026, 3, 15)), ("2026-03-15", dt.date(2026, 3, 15)), ("15 maart 2026", dt.date(2026, 3, 15)),
    ("15 mrt 2026", dt.date(2026, 3, 15)), ("maart 2026", dt.date(2026, 3, 31)), ("Februari 2028", dt.date(2028, 2, 29)),
    ("eind december 2026", dt.date(2026, 12, 31)), ("3-2026", dt.date(2026, 3, 31)), ("Q2 2026", dt.date(2026, 6, 30)),
    ("2026", dt.date(2026, 12, 31)), (dt.datetime(2026, 3, 15, 0, 0), dt.date(2026, 3, 15)),
    (46096, dt.date(2026, 3, 15)), ("31-02-2026", None), ("ergens in 2026", None), ("15 maa 2026", None)])
def test_dates_in_dutch_forms(typed, expected):
    assert parse_date(typed) == expected


def test_an_indicator_by_id_name_or_both_and_through_vervangt(tmp_path, small, small_path):
    """A plan made with version 2 of the small definition, read against a version 3 in which A-2a
    is now called A-2x (vervangt A-2a) and B-3 has a new name: the id through the chain, the
    old name through the chain too, and an id that no longer exists is kept."""
    from conftest import SMALL
    from piramide import questionnaire as qmod
    v3 = (SMALL.replace('versie = "2"', 'versie = "3"').replace('id = "A-2a"', 'id = "A-2x"\nvervangt = ["A-2a"]')
          .replace('indicator = "A-2a"', 'indicator = "A-2x"').replace('naam = "B top"', 'naam = "B helemaal"')
          .replace('id = "B-3"', 'id = "B-3"\nvervangt = ["B-3"]'))
    (tmp_path / "v3.toml").write_text(v3, encoding="utf-8")
    q3 = qmod.load(tmp_path / "v3.toml")
    r0 = scored(small, measure(small, tmp_path / "a.xlsx", M0, D0))
    wb = openpyxl.load_workbook(write_dashboard(r0, tmp_path / "d.xlsx"))
    ws = wb["Verbeterpunten"]
    ws["D3"], ws["D4"], ws["D7"] = "A-2a", "A midden twee", "B top"     # id only, name only, the old name
    ws["D2"] = "A-9 Bestaat niet"
    wb.save(tmp_path / "plan.xlsx")
    r1 = scored(q3, measure(q3, tmp_path / "b.xlsx", M1, D1))
    carried = carry_over(read_plan(tmp_path / "plan.xlsx"), r1, [small])
    assert [(r.indicator.indicator.id if r.indicator else None) for r in carried.carried] == \
        [None, "A-2x", "A-2b", "B-2", "A-3", "B-3"]
    assert carried.carried[0].action.indicator == "A-9 Bestaat niet"     # kept, never dropped
    assert [f.code for f in carried.findings] == ["actieplan_niet_gekoppeld"]
    assert carried.findings[0].cell == "D2"


def test_not_a_dashboard_is_a_clear_message(tmp_path, small):
    m0 = measure(small, tmp_path / "a.xlsx", M0, D0)
    with pytest.raises(ActionPlanError) as exc:
        read_plan(m0)
    assert exc.value.finding.code == "actieplan_geen_dashboard" and "geen dashboard van piramide" in str(exc.value)
    wb = openpyxl.load_workbook(write_dashboard(scored(small, m0), tmp_path / "d.xlsx"))
    del wb["Verbeterpunten"]
    wb.save(tmp_path / "zonder.xlsx")
    with pytest.raises(ActionPlanError) as exc:
        read_plan(tmp_path / "zonder.xlsx")
    assert exc.value.finding.code == "actieplan_geen_blad"


# --- the new dashboard ----------------------------------------------------------------------

def plan_sheet(path: Path) -> tuple[list[list], list[str]]:
    """The table under the header of the Verbeterpunten sheet, and the lines above it."""
    ws = openpyxl.load_workbook(path)["Verbeterpunten"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, r in enumerate(values) if r[0] == "Nr")
    return [dict(zip(values[top], r)) for r in values[top + 1:] if any(v is not None for v in r)], \
        [r[0] for r in values[:top] if r[0]]


def test_the_new_dashboard_shows_every_action_and_the_new_points_below(story, small, tmp_path):
    carried = carry_over(read_plan(story["plan"]), story["r1"])
    rows, above = plan_sheet(write_dashboard(story["r1"], tmp_path / "nieuw.xlsx", plan=carried))
    assert [(r["Nr"], r["Indicator"].split(" ")[0] if r["Indicator"].startswith(("A-", "B-")) else r["Indicator"])
            for r in rows] == [(nr, ind) for nr, ind, _ in EXPECTED]
    assert [r["Uitkomst"].split(":")[0].split(";")[0].split(".")[0] for r in rows] == [
        "Open", "Open", "Over tijd", "Te bespreken", "Afgerond", "Loopt", "Nieuw verbeterpunt"]
    a1 = rows[4]
    assert (a1["Actiehouder"], a1["Streefdatum"], a1["Status actie"], a1["Opmerking"]) == \
        ("OOV", dt.datetime(2026, 2, 1), "afgerond", "Vastgesteld door het college")
    b3 = rows[0]
    assert (b3["Indicator"], b3["Streefdatum"], b3["Status actie"]) == ("B-3 B top", "ergens in 2026", "misschien")
    assert "niet herkend" in b3["Uitkomst"]
    free = rows[5]
    assert "Eigen actie zonder indicator (rij 7 van het vorige actieplan)" in free["Uitkomst"]
    assert rows[6]["Actiehouder"] is None and rows[6]["Status actie"] is None
    assert "6 acties uit het vorige actieplan: 1 afgerond, 1 afgerond maar indicator nog open (te bespreken), " \
           "1 over tijd, 3 loopt of open" in above[2]
    # the next year: this dashboard is itself an action plan, read back the same way
    again = carry_over(read_plan(tmp_path / "nieuw.xlsx"), story["r1"])
    assert shown(again.rows)[:6] == [(nr, ind, out) for nr, ind, out in EXPECTED[:6]]
    assert shown(again.rows)[6] == (7, "B-2", "open")


# --- the command line (the `run` fixture of conftest) -------------------------------------------------------------------------

def test_cli_carries_the_plan_and_never_changes_it(run, story, small_path, tmp_path):
    before = story["plan"].read_bytes()
    r = run("score", story["m1"], "-q", small_path, "--actieplan", story["plan"], "-o", "uit", "--json", "uit.json")
    assert r.exit_code == 0, r.output
    assert f"Actieplan voor Teststad: {story['plan']} (gegeven met --actieplan)" in r.output
    assert "vorig-dashboard.xlsx, Verbeterpunten!K2: 'misschien' is geen status" in r.output
    assert story["plan"].read_bytes() == before
    rows, _ = plan_sheet(tmp_path / "uit" / "teststad-dashboard-2026-03-20.xlsx")
    assert [r["Nr"] for r in rows] == [6, 5, 3, 2, 1, None, 7]
    data = json.loads((tmp_path / "uit.json").read_text(encoding="utf-8"))
    plan = data["gemeenten"][0]["actieplan"]
    assert plan["aantallen"] == {"afgerond": 1, "afgerond_indicator_open": 1, "indicator_behaald": 0, "over_tijd": 1,
                                 "loopt": 1, "open": 2, "vervallen": 0, "niet_gekoppeld": 1, "acties": 6, "nieuw": 1}
    assert [(a["nr"], a["indicator"], a["uitkomst"]) for a in plan["acties"]] == [
        (6, "B-3", "open"), (5, "A-3", "open"), (3, "A-2b", "over_tijd"), (2, "A-2a", "afgerond_indicator_open"),
        (1, "A-1", "afgerond"), (None, None, "loopt"), (7, "B-2", "nieuw")]
    assert plan["acties"][5]["getypt"] == "Extra overleg met politie" and plan["acties"][5]["rij"] == 7
    assert (plan["datum_vorige_meting"], plan["datum_meting"]) == ("2025-03-15", "2026-03-20")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema hoort bij de test-extra")
    from importlib import resources
    schema = json.loads(resources.files("piramide").joinpath("uitslag.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["aantallen"]["waarschuwingen"] == 3         # the three plan findings count with the run's


def test_cli_a_file_that_is_no_dashboard_fails_that_option_only(run, story, small_path, tmp_path):
    r = run("score", story["m1"], "-q", small_path, "--actieplan", story["m0"], "-o", "uit")
    assert r.exit_code == 1
    assert "0-meting.xlsx: dit is geen dashboard van piramide, dus geen actieplan om over te nemen" in r.output
    assert "1 van 2 bestand(en) niet verwerkt" in r.output and "Traceback" not in r.output
    rows, above = plan_sheet(tmp_path / "uit" / "teststad-dashboard-2026-03-20.xlsx")   # written, without a plan
    assert not above and [r["Indicator"].split()[0] for r in rows] == ["A-2a", "A-2b", "B-2", "A-3", "B-3"]


def test_cli_a_plan_of_another_gemeente_is_refused(run, story, small_path, small, tmp_path):
    other = measure(small, tmp_path / "ander.xlsx", M1, D1, gemeente="Anderstad")
    r = run("score", other, "-q", small_path, "--actieplan", story["plan"], "-o", "uit")
    assert r.exit_code == 1 and "dit actieplan is van Teststad" in r.output
    assert (tmp_path / "uit" / "anderstad-dashboard-2026-03-20.xlsx").exists()


def test_cli_historie_takes_the_latest_earlier_dashboard_of_the_gemeente(run, story, small_path, small, tmp_path):
    folder = tmp_path / "metingen"
    (folder / "oud").mkdir(parents=True)
    for name in ("m0", "m1"):
        story[name].rename(folder / story[name].name)
    story["plan"].rename(folder / "oud" / "plan-2025.xlsx")                        # the one to take
    older = scored(small, measure(small, tmp_path / "x.xlsx", M0, dt.date(2024, 3, 1)))
    write_dashboard(older, folder / "teststad-dashboard-2024-03-01.xlsx")           # earlier still
    write_dashboard(story["r1"], folder / "teststad-dashboard-2026-03-20.xlsx")      # this very measurement
    later_other = scored(small, measure(small, tmp_path / "y.xlsx", M0, dt.date(2026, 1, 1), gemeente="Anderstad"))
    write_dashboard(later_other, folder / "anderstad-dashboard-2026-01-01.xlsx")     # another gemeente
    r = run("score", "--historie", folder, "-q", small_path, "-o", "uit")
    assert r.exit_code == 0, r.output
    assert f"Actieplan voor Teststad: {folder / 'oud' / 'plan-2025.xlsx'} (het laatste eerdere dashboard in " \
           "--historie (meting 15-03-2025))" in r.output
    rows, _ = plan_sheet(tmp_path / "uit" / "teststad-dashboard-2026-03-20.xlsx")
    assert [r["Nr"] for r in rows] == [6, 5, 3, 2, 1, None, 7]


def test_the_library_makes_the_same_json_as_the_cli(run, story, small_path, small, tmp_path):
    import piramide
    r = run("score", story["m1"], "-q", small_path, "--actieplan", story["plan"], "--json", "uit.json", "-o", "d")
    assert r.exit_code == 0
    cli = json.loads((tmp_path / "uit.json").read_text(encoding="utf-8"))
    lib = piramide.check(story["m1"], [small], actieplan=[story["plan"]]).to_dict()
    cli["gemeenten"][0].pop("dashboard"), lib["gemeenten"][0].pop("dashboard")
    assert cli == json.loads(json.dumps(lib)) and cli["gemeenten"][0]["actieplan"]["aantallen"]["acties"] == 6
