"""The region overview a RIEC would want, on a region of eight gemeenten with two measurements
each. Every expected value below is worked out by hand from the small definition (conftest):

pillar A: A-1 (phase 1: A-01, A-02), A-2a (2: A-03), A-2b (2: A-04, A-05), A-3 (3: A-06)
pillar B: B-1 (phase 1: B-01), B-2 (2: B-02, ja/nee), B-3 (3: B-03, B-04)

First measurement (2025): every answer "nee" everywhere. Latest (2026), answers other than ja:

gemeente    answers other than ja                       A: fase score   B: fase score  ambitie A, B
Almelo      -                                              3  6/6         3  4/4         3, 3
Borne       A-03 nee, B-03 nee                             1  5/6         2  3/4         2, -
Dinkelland  A-03 nee, B-01 deels                           1  5/6         0  3.5/4       3, 2
Enschede    A-02 A-03 A-04 A-06 nee, B-02 nee              0  2/6         1  3/4         3, 3
Hengelo     A-01 A-03 nee, B-01 nee                        0  4/6         0  3/4         -, -
Losser      B-01 B-03 nee                                  3  6/6         0  2/4         2, -
Oldenzaal   A-04 deels, B-03 nee                           1  5.5/6       2  3/4         2, 3
Twenterand  A-01 A-03 nee, B-01 nee                        0  4/6         0  3/4         -, -
"""

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

import piramide
from conftest import SMALL, all_answers, filled
from piramide import questionnaire as qmod
from piramide.cli import main
from piramide.regional import anonymous_code, derive_key

D1, D2 = dt.date(2025, 3, 1), dt.date(2026, 3, 1)
SLEUTEL = "een lange zin van het RIEC"

LATEST = {
    "Almelo": ({}, {"A": 3, "B": 3}),
    "Borne": ({"A-03": "nee", "B-03": "nee"}, {"A": 2}),
    "Dinkelland": ({"A-03": "nee", "B-01": "deels"}, {"A": 3, "B": 2}),
    "Enschede": ({"A-02": "nee", "A-03": "nee", "A-04": "nee", "A-06": "nee", "B-02": "nee"}, {"A": 3, "B": 3}),
    "Hengelo": ({"A-01": "nee", "A-03": "nee", "B-01": "nee"}, {}),
    "Losser": ({"B-01": "nee", "B-03": "nee"}, {"A": 2}),
    "Oldenzaal": ({"A-04": "deels", "B-03": "nee"}, {"A": 2, "B": 3}),
    "Twenterand": ({"A-01": "nee", "A-03": "nee", "B-01": "nee"}, {}),
}
NAMES = list(LATEST)

# Foundations first: phase, then the number of gemeenten with it open (most first), then id.
OPEN = [
    ("B-1", 1, ["Dinkelland", "Hengelo", "Losser", "Twenterand"]),
    ("A-1", 1, ["Enschede", "Hengelo", "Twenterand"]),
    ("A-2a", 2, ["Borne", "Dinkelland", "Enschede", "Hengelo", "Twenterand"]),
    ("A-2b", 2, ["Enschede", "Oldenzaal"]),
    ("B-2", 2, ["Enschede"]),
    ("B-3", 3, ["Borne", "Losser", "Oldenzaal"]),
    ("A-3", 3, ["Enschede"]),
]
# Mean phase A: (3+1+1+0+0+3+1+0)/8 = 9/8; B: (3+2+0+1+0+0+2+0)/8 = 8/8.
# Mean score A: (6+5+5+2+4+6+5.5+4)/6/8 = 37.5/48 = 78.125 %; B: (4+3+3.5+3+3+2+3+3)/4/8 = 24.5/32 = 76.5625 %.
AVERAGE = {"A": (1.125, 78.125), "B": (1.0, 76.5625)}
# ambitie - fase, None without an ambitie
GAP = {"Almelo": (0, 0), "Borne": (1, None), "Dinkelland": (2, 2), "Enschede": (3, 2),
       "Hengelo": (None, None), "Losser": (-1, None), "Oldenzaal": (1, 1), "Twenterand": (None, None)}
# gemeenten per phase 0..3: A 0: Enschede Hengelo Twenterand; 1: Borne Dinkelland Oldenzaal; 3: Almelo Losser
DISTRIBUTION = {"A": [3, 3, 0, 2], "B": [4, 1, 2, 1]}


@pytest.fixture(scope="module")
def riec(tmp_path_factory):
    """The sixteen filled workbooks, the definition, and both overview workbooks, made once."""
    base = tmp_path_factory.mktemp("riec")
    (base / "test-piramide.toml").write_text(SMALL, encoding="utf-8")
    q = qmod.load(base / "test-piramide.toml")
    files = []
    for name, (answers, ambitie) in LATEST.items():
        files.append(filled(q, base / "in" / f"{name}-1.xlsx", all_answers(q, "nee"), gemeente=name, datum=D1))
        files.append(filled(q, base / "in" / f"{name}-2.xlsx", all_answers(q) | answers, gemeente=name, datum=D2,
                            ambitie=ambitie))
    out = {}
    for kind, extra in [("open", []), ("anoniem", ["--anonymous", "--sleutel", SLEUTEL])]:
        out[kind] = base / f"regio-{kind}.xlsx"
        r = CliRunner().invoke(main, ["region", str(base / "in"), "-q", str(base / "test-piramide.toml"),
                                      "-o", str(out[kind]), *extra])
        assert r.exit_code == 0, r.output
    return q, files, out


@pytest.fixture(scope="module")
def ov(riec):
    q, files, _ = riec
    return piramide.region(files, [q])


def test_the_region_is_as_worked_out(ov):
    assert [r.name for r in ov.rows] == NAMES
    assert all(r.latest.measurement.datum == D2 and r.previous.measurement.datum == D1 for r in ov.rows)
    assert ov.distribution() == DISTRIBUTION


def test_open_indicators_say_where_foundations_first(ov):
    got = [(o.indicator.id, o.indicator.phase, o.gemeenten) for o in ov.open_indicators()]
    assert got == OPEN
    assert [(o.pillar_id, o.open, o.measured) for o in ov.open_indicators()] == \
        [(i[0][0], len(i[2]), 8) for i in OPEN]


def test_regional_average(ov):
    got = {a.pillar_id: (a.phase, a.score, a.counted) for a in ov.averages()}
    assert got.keys() == AVERAGE.keys()
    for pid, (phase, score) in AVERAGE.items():
        assert got[pid][0] == pytest.approx(phase) and got[pid][1] == pytest.approx(score) and got[pid][2] == 8


def test_to_dict_carries_where_average_and_gap(ov):
    d = ov.to_dict()
    assert [(o["indicator"], o["fase"], o["open"], o["gemeten"], o["open_bij"]) for o in d["open_indicatoren"]] == \
        [(i, f, len(g), 8, g) for i, f, g in OPEN]
    assert d["gemiddelde_regio"] == [{"pijler": "A", "fase": 1.1, "score": 78.1, "gemeenten": 8},
                                     {"pijler": "B", "fase": 1.0, "score": 76.6, "gemeenten": 8}]
    gaps = {g["gemeente"]: tuple(p["verschil_met_ambitie"] for p in g["pijlers"]) for g in d["gemeenten"]}
    assert gaps == GAP
    enschede = next(g for g in d["gemeenten"] if g["gemeente"] == "Enschede")
    assert [(p["id"], p["fase"], p["ambitie"]) for p in enschede["pijlers"]] == [("A", 0, 3), ("B", 1, 3)]


def _row_of(ws, label):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_regio_sheet_average_row_and_gaps(riec):
    wb = openpyxl.load_workbook(riec[2]["open"])
    ws = wb["Regio"]
    # columns per pillar: F, S, Δ, Tot amb.; A from column 3, B from column 7
    assert [ws.cell(4, c).value for c in range(3, 11)] == ["F", "S", "Δ", "Tot amb."] * 2
    for name, (gap_a, gap_b) in GAP.items():
        r = _row_of(ws, name)
        assert (ws.cell(r, 6).value, ws.cell(r, 10).value) == (gap_a, gap_b), name
    assert ws.cell(_row_of(ws, "Almelo"), 5).value == "+100"      # Δ A: 0 % in 2025, 100 % now
    r = _row_of(ws, "Gemiddelde regio")
    assert r == 5 + len(NAMES)                                   # right below the gemeenten
    assert ws.cell(r, 3).value == pytest.approx(1.125) and ws.cell(r, 3).number_format == "0.0"
    assert ws.cell(r, 4).value == pytest.approx(0.78125) and ws.cell(r, 4).number_format == "0%"
    assert ws.cell(r, 7).value == pytest.approx(1.0)
    assert ws.cell(r, 8).value == pytest.approx(0.765625)
    assert ws.auto_filter.ref.endswith(str(r - 1))              # sorting leaves the average row alone


def test_open_indicatoren_sheet_lists_who(riec):
    ws = openpyxl.load_workbook(riec[2]["open"])["Open indicatoren"]
    assert [c.value for c in ws[1]][4:7] == ["Open bij", "Gemeten bij", "Welke gemeenten"]
    got = [(ws.cell(r, 1).value, ws.cell(r, 7).value.replace(",\n", ", ")) for r in range(2, ws.max_row + 1)]
    assert got == [(i, ", ".join(g)) for i, _, g in OPEN]
    # a list longer than the column (36) is broken between names, never inside one, and its row grows
    assert [ws.cell(r, 7).value.count("\n") for r in range(2, ws.max_row + 1)] == [1, 0, 1, 0, 0, 0, 0]
    assert ws.cell(4, 7).value == "Borne, Dinkelland, Enschede, Hengelo,\nTwenterand"
    assert ws.row_dimensions[4].height >= 2 * 13 + 2          # room for both lines of names


def test_anonymous_lists_codes_not_names(riec):
    path = riec[2]["anoniem"]
    key = derive_key(SLEUTEL)
    from piramide.gemeenten import lookup
    code = {n: anonymous_code(lookup(n).naam if lookup(n) else n, key) for n in NAMES}   # from the official name
    rows = sorted(code.values())                                  # anonymous rows are in code order
    ws = openpyxl.load_workbook(path)["Open indicatoren"]
    assert ws.cell(1, 7).value == "Welke codes"
    got = [(ws.cell(r, 1).value, ws.cell(r, 7).value.replace(",\n", ", ")) for r in range(2, ws.max_row + 1)]
    assert got == [(i, ", ".join(c for c in rows if c in {code[n] for n in g})) for i, _, g in OPEN]
    assert [len(line) for line in ws.cell(4, 7).value.split("\n")] == [35, 22]   # 5 codes: 3 on a line
    with zipfile.ZipFile(path) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    for name in NAMES:
        assert name.encode() not in blob, name


def _chart_series(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    return re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)


def test_verdeling_chart_a_colour_per_phase_and_no_zero_labels(riec):
    series = _chart_series(riec[2]["open"])
    assert len(series) == 4                                       # phase 0 (geen fase) … 3
    fills = [re.search(r"<c:spPr><a:solidFill><a:srgbClr val=\"(\w+)\"", s).group(1) for s in series]
    assert len(set(fills)) == 4, fills
    assert len({f.upper() for f in fills} | {"FFFFFF"}) == 5      # none is white on the white chart
    # the segments with no gemeente: only A in phase 2 (DISTRIBUTION); its label is deleted, no other is
    deleted = [[int(i) for i in re.findall(r"<c:dLbl><c:idx val=\"(\d+)\"/><c:delete val=\"1\"/>", s)]
               for s in series]
    assert deleted == [[k for k, pid in enumerate("AB") if DISTRIBUTION[pid][phase] == 0] for phase in range(4)]
    assert deleted == [[], [], [0], []]


def test_long_lists_of_names_get_the_lines_they_need(ov, tmp_path):
    """Eight names of 30 characters: one a line; the row is as high as its lines."""
    from piramide.overview_workbook import write_overview
    from piramide.regional import Overview, Row
    long = Overview([Row(f"Gemeente {name:<10} met lange naam"[:30], r.trend) for name, r in zip(NAMES, ov.rows)])
    path = write_overview(long, tmp_path / "lang.xlsx")
    ws = openpyxl.load_workbook(path)["Open indicatoren"]
    for r in range(2, ws.max_row + 1):
        lines = ws.cell(r, 7).value.split("\n")
        assert all(len(line) <= 36 for line in lines)
        assert len(lines) == ws.cell(r, 5).value                  # 30 + ", " + 30 > 36: one name a line
        if len(lines) > 1:
            assert ws.row_dimensions[r].height >= 13 * len(lines) + 2            # room for every line


def test_a_pillar_that_cannot_be_judged_is_not_averaged(tmp_path, small):
    """Alfa all ja (A: phase 3, 100 %); Beta A all n.v.t. (not judgeable), B-01 nee (B: 0, 75 %).
    A's mean is Alfa's alone; B's is (3 + 0) / 2 and (100 + 75) / 2."""
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Alfa", datum=D2)
    nvt = {f"A-0{i}": "n.v.t." for i in range(1, 7)}
    b = filled(small, tmp_path / "b.xlsx", all_answers(small) | nvt | {"B-01": "nee"}, gemeente="Beta", datum=D2)
    ov = piramide.region([a, b], [small])
    got = [(x.pillar_id, x.phase, x.score, x.counted) for x in ov.averages()]
    assert got == [("A", 3.0, 100.0, 1), ("B", 1.5, 87.5, 2)]
    assert ov.to_dict()["gemiddelde_regio"][0] == {"pijler": "A", "fase": 3.0, "score": 100.0, "gemeenten": 1}


def test_average_in_json_rounds_as_the_sheet_shows_it():
    from piramide.serialize import _half_up
    assert [_half_up(x) for x in (1.25, 1.125, 2.75, 78.125, 76.5625, None)] == [1.3, 1.1, 2.8, 78.1, 76.6, None]
