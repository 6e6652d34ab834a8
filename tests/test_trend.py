"""Trends over several measurements of one municipality, on the small test definition.

Worked out by hand:
  m1 2025-01-10 (0-meting): A-01 nee            -> A phase 0; B-02 nee          -> B phase 1
  m2 2025-06-10:            A-06 nee            -> A phase 2; B-03 weet niet    -> B phase 2
  m3 2026-01-10:            all ja but B-02 nee -> A phase 3; B phase 1 (B-2 lost)
"""

import datetime as dt
import itertools
import json
from pathlib import Path
import shutil
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

import piramide
from conftest import SMALL, all_answers, filled
from piramide.cli import main
from piramide.history import gemeente_key

D1, D2, D3 = dt.date(2025, 1, 10), dt.date(2025, 6, 10), dt.date(2026, 1, 10)


@pytest.fixture
def three(tmp_path, small):
    base = all_answers(small)
    m1 = filled(small, tmp_path / "m1.xlsx", base | {"A-01": "nee", "B-02": "nee"}, datum=D1)
    m2 = filled(small, tmp_path / "m2.xlsx", base | {"A-06": "nee", "B-03": "weet niet"},
                remarks={"A-06": "Nog niet aan toegekomen.", "B-02": "Besloten in juni."}, datum=D2)
    m3 = filled(small, tmp_path / "m3.xlsx", base | {"B-02": "nee"},
                remarks={"A-06": "Vastgesteld door college.", "B-02": "Coördinator vertrokken."}, datum=D3)
    return [m1, m2, m3]


def test_gemeente_key_joins_spellings():
    assert gemeente_key("'s-Hertogenbosch") == gemeente_key("s-Hertogenbosch") == gemeente_key("  'S-HERTOGENBOSCH")
    assert gemeente_key("Súdwest-Fryslân") == gemeente_key("Sudwest Fryslan")
    assert gemeente_key("Bergen (NH.)") != gemeente_key("Bergen (L.)")


def test_three_measurements_in_any_order(three, small):
    for order in itertools.permutations(three):
        (t,) = piramide.trend(order, [small])
        assert [r.measurement.datum for r in t.results] == [D1, D2, D3]
        assert t.labels() == ["10-01-2025", "10-06-2025", "10-01-2026"]
        series = {pid: [p.phase for p in row] for pid, _, row in t.pillar_series()}
        assert series == {"A": [0, 2, 3], "B": [1, 2, 1]}
        assert t.baseline is t.results[0]


def test_indicator_changes_since_previous(three, small):
    (t,) = piramide.trend(three, [small])
    ch = {i.indicator_id: (i.statuses, i.change) for i in t.indicators()}
    assert ch["A-3"] == (["behaald", "niet behaald", "behaald"], "nieuw behaald")
    assert ch["B-2"] == (["niet behaald", "behaald", "niet behaald"], "verloren")
    assert ch["B-3"] == (["behaald", "onbekend", "behaald"], "nieuw behaald")
    assert ch["A-1"][1] == "behaald gebleven"
    mv = t.movers()
    assert [p[2] for p in mv["pillars_up"]] == ["A"] and [p[2] for p in mv["pillars_down"]] == ["B"]
    assert [i.indicator_id for i in mv["indicators_down"]] == ["B-2"]


def test_changed_answers_with_both_remarks(three, small):
    (t,) = piramide.trend(three, [small])
    changes = {c.question_id: c for c in t.answer_changes()}
    assert set(changes) == {"A-06", "B-02", "B-03"}
    c = changes["B-02"]
    assert (c.before, c.before_remark, c.after, c.after_remark) == \
        ("ja", "Besloten in juni.", "nee", "Coördinator vertrokken.")


def test_same_file_twice_counts_once(three, small):
    (t,) = piramide.trend([three[0], three[1], three[0]], [small])
    assert len(t.results) == 2
    assert [f.code for f in t.findings] == ["bestand_dubbel"]


def test_same_date_twice_keeps_both_and_says_which_is_latest(tmp_path, small):
    """Without 'Ingevuld door' (one person twice is a fout, different invullers combine:
    test_combine.py)."""
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), datum=D1, ingevuld_door="")
    b = filled(small, tmp_path / "b.xlsx", all_answers(small) | {"A-01": "nee"}, datum=D1, ingevuld_door="")
    for order in ([a, b], [b, a]):
        (t,) = piramide.trend(order, [small])
        assert len(t.results) == 2 and t.latest.measurement.source.endswith("b.xlsx")
        f, = t.findings
        assert f.code == "datum_dubbel" and "a.xlsx, b.xlsx" in f.message and "geldt b.xlsx" in f.message
        assert t.labels() == ["10-01-2025 (a)", "10-01-2025 (b)"]


def test_spellings_of_one_municipality_are_joined(tmp_path, small):
    paths = [filled(small, tmp_path / f"{n}.xlsx", all_answers(small), gemeente=g, datum=d)
             for n, (g, d) in enumerate([("'s-Hertogenbosch", D1), ("s-Hertogenbosch", D2), ("'S-Hertogenbosch", D3)])]
    (t,) = piramide.trend(paths, [small])
    # The official name is kept, though the latest measurement spells it otherwise.
    assert len(t.results) == 3 and t.gemeente == "'s-Hertogenbosch" and t.code == "GM0796"
    f, = t.findings
    assert f.code == "gemeente_spelling" and "samengenomen onder “'s-Hertogenbosch”" in f.message
    assert "de officiële naam (CBS GM0796)" in f.message


def test_two_municipalities_two_trends(tmp_path, small, three):
    other = filled(small, tmp_path / "ander.xlsx", all_answers(small), gemeente="Anderdorp")
    trends = piramide.trend(three + [other], [small])
    assert [(t.gemeente, len(t.results)) for t in trends] == [("Anderdorp", 1), ("Teststad", 3)]


def _v3(small_path):
    """Version 3: A-06 becomes A-07 under a new indicator A-3n; B-04 is dropped; B-3x is new."""
    text = SMALL.replace('versie = "2"', 'versie = "3"').replace("aantal_vragen = 10", "aantal_vragen = 10")
    text = text.replace('id = "A-3"\npijler = "A"', 'id = "A-3n"\npijler = "A"\nvervangt = ["A-3"]')
    text = text.replace('id = "A-06"\nindicator = "A-3"', 'id = "A-07"\nindicator = "A-3n"\nvervangt = ["A-06"]')
    text = text.replace('id = "B-04"\nindicator = "B-3"', 'id = "B-05"\nindicator = "B-3x"')
    text += '\n[[indicatoren]]\nid = "B-3x"\npijler = "B"\nfase = 3\nnaam = "B nieuw"\nhandvat = "Doe B5."\n'
    p = small_path.parent / "v3.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_versions_compared_by_stable_ids_and_vervangt(tmp_path, small, small_path):
    v3 = piramide.load_questionnaire(_v3(small_path))
    old = filled(small, tmp_path / "v2.xlsx", all_answers(small) | {"A-06": "nee"}, datum=D1)
    new = filled(v3, tmp_path / "v3.xlsx", all_answers(v3), datum=D2)
    (t,) = piramide.trend([new, old], [v3, small])
    assert [r.questionnaire.version for r in t.results] == ["2", "3"]
    ch = {i.indicator_id: (i.statuses, i.change) for i in t.indicators()}
    assert ch["A-3n"] == (["niet behaald", "behaald"], "nieuw behaald")     # followed vervangt A-3
    assert ch["B-3x"] == ([None, "behaald"], "nieuw in deze versie")
    changes = {c.question_id: (c.before, c.after) for c in t.answer_changes()}
    assert changes == {"A-07": ("nee", "ja")}                                # A-06 -> A-07
    notes = " ".join(t.not_comparable())
    assert "B-04" in notes and "B-3x" in notes and "A-06" not in notes
    assert all(f.code != "vraag_ontbreekt" for r in t.results for f in r.findings)


def test_cli_groups_orders_and_writes_trend_sheets(tmp_path, three, small_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outs = []
    for n, order in enumerate([three, three[::-1]]):
        r = runner.invoke(main, ["score", *map(str, order), "-q", str(small_path), "-o", f"o{n}", "--json", f"j{n}.json"])
        assert r.exit_code == 0, r.output
        assert "3 metingen" in r.output
        outs.append(tmp_path / f"o{n}" / "teststad-dashboard-2026-01-10.xlsx")
    j0, j1 = (json.loads((tmp_path / f"j{n}.json").read_text()) for n in (0, 1))
    for j, folder in ((j0, "o0"), (j1, "o1")):          # the same, but for the order of the inputs
        assert j["gemeenten"][0].pop("dashboard") == str(Path(folder) / "teststad-dashboard-2026-01-10.xlsx")
        j["invoer"].sort(key=lambda i: i["bestand"])
    assert j0 == j1
    gemeente, = j0["gemeenten"]
    assert [(m["datum"], [p["fase"] for p in m["pijlers"]]) for m in gemeente["trend"]["metingen"]] == \
        [("2025-01-10", [0, 1]), ("2025-06-10", [2, 2]), ("2026-01-10", [3, 1])]
    wbs = [openpyxl.load_workbook(p) for p in outs]
    assert wbs[0].sheetnames[:4] == ["Dashboard", "Trend", "Trend indicatoren", "Gewijzigde antwoorden"]
    for name in wbs[0].sheetnames:
        if name == "Over":
            continue
        v0 = [[c for c in row] for row in wbs[0][name].iter_rows(values_only=True)]
        v1 = [[c for c in row] for row in wbs[1][name].iter_rows(values_only=True)]
        assert v0 == v1, name
    with zipfile.ZipFile(outs[0]) as z:
        # the trend line; the Dashboard's score bars made room for the first steps (the table
        # beside them has the same scores)
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 1


def test_history_folder(tmp_path, three, small_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "teststad"
    folder.mkdir()
    for p in three:
        shutil.copy(p, folder / p.name)
    r = CliRunner().invoke(main, ["score", "--history", str(folder), "-q", str(small_path), "-o", str(folder)])
    assert r.exit_code == 0, r.output
    # run again: the dashboard now in the folder is not taken for a measurement
    r = CliRunner().invoke(main, ["score", "--history", str(folder), "-q", str(small_path), "-o", str(folder), "--force"])
    assert r.exit_code == 0, r.output


def test_trend_frame_and_dict(three, small):
    pytest.importorskip("pandas", reason="pandas hoort bij de test-extra")
    (t,) = piramide.trend(three, [small])
    df = t.to_frame()
    assert len(df) == 6 and list(df[df.pijler == "A"].fase) == [0, 2, 3]
    d = t.to_dict()
    assert [m["datum"] for m in d["metingen"]] == ["2025-01-10", "2025-06-10", "2026-01-10"]
