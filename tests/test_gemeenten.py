"""The shipped list of gemeenten, matching typed names to it, and which spelling a trend keeps.

Every expected value below is worked out by hand from small tables: the typed spellings of
one gemeente in date order, the spelling kept and why, the CBS code.
"""

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from importlib import resources

import pytest

from piramide.gemeenten import all_gemeenten, is_official, lookup, match_key
from piramide.history import build_trends, choose_name, gemeente_key, group_key
from piramide.measurement import Measurement
from piramide.regional import anonymous_code, build_overview
from piramide.scoring import score
from piramide.serialize import REGION_COLUMNS, result_to_dict, run_to_dict, trend_to_dict

HERTOGENBOSCH = "'s-Hertogenbosch"


# --- the data ---------------------------------------------------------------------------------

def test_the_list_is_package_data_with_342_gemeenten():
    text = resources.files("piramide").joinpath("gemeenten.csv").read_text(encoding="utf-8")
    assert "1 januari 2026" in text.split("code,naam")[0]            # the header names its date
    gemeenten = all_gemeenten()
    assert len(gemeenten) == 342
    assert len({g.code for g in gemeenten}) == len({g.naam for g in gemeenten}) == 342
    assert all(re.fullmatch(r"GM\d{4}", g.code) for g in gemeenten)
    assert len({match_key(g.naam) for g in gemeenten}) == 342           # no two gemeenten share a key
    assert all(unicodedata.is_normalized("NFC", g.naam) and g.naam == g.naam.strip() for g in gemeenten)


@pytest.mark.parametrize("code, naam", [
    ("GM0796", HERTOGENBOSCH), ("GM0518", "'s-Gravenhage"), ("GM1900", "Súdwest-Fryslân"),
    ("GM0373", "Bergen (NH.)"), ("GM0893", "Bergen (L.)"), ("GM0363", "Amsterdam"),
    ("GM0820", "Nuenen, Gerwen en Nederwetten"),
    # the herindelingen since 2021
    ("GM1979", "Eemsdelta"), ("GM1980", "Dijk en Waard"), ("GM1982", "Land van Cuijk"), ("GM1991", "Maashorst"),
    ("GM1992", "Voorne aan Zee"),
])
def test_known_rows(code, naam):
    assert {g.code: g.naam for g in all_gemeenten()}[code] == naam


@pytest.mark.parametrize("gone", ["Weesp", "Brielle", "Hellevoetsluis", "Westvoorne", "Heerhugowaard", "Langedijk",
                                  "Uden", "Landerd", "Boxmeer", "Cuijk", "Beemster", "Appingedam", "Delfzijl"])
def test_merged_gemeenten_are_gone(gone):
    assert lookup(gone) is None


# --- matching typed names ---------------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [
    ("'s-Hertogenbosch", "GM0796"), ("s-Hertogenbosch", "GM0796"), ("’s-Hertogenbosch", "GM0796"),
    ("  'S-HERTOGENBOSCH ", "GM0796"), ("s Hertogenbosch", "GM0796"), ("Den Bosch", "GM0796"),
    ("Súdwest-Fryslân", "GM1900"), ("Sudwest Fryslan", "GM1900"), ("SÚDWEST FRYSLÂN", "GM1900"),
    (unicodedata.normalize("NFD", "Súdwest-Fryslân"), "GM1900"),
    ("Bergen (NH.)", "GM0373"), ("Bergen (NH)", "GM0373"), ("Bergen NH", "GM0373"), ("Bergen (N.H.)", "GM0373"),
    ("Bergen (Noord-Holland)", "GM0373"),
    ("Bergen (L.)", "GM0893"), ("Bergen (L)", "GM0893"), ("Bergen L", "GM0893"), ("Bergen (Limburg)", "GM0893"),
    ("Bergen", None),                                   # two gemeenten: neither
    ("Bergen op Zoom", "GM0748"),
    ("Hengelo", "GM0164"), ("Hengelo (O)", "GM0164"),   # one gemeente Hengelo: the bare name will do
    ("Den Haag", "GM0518"), ("'s-Gravenhage", "GM0518"),
    ("Gemeente Amsterdam", "GM0363"), ("amsterdam", "GM0363"),
    ("Москва", None), ("Київ", None), ("Teststad", None), ("", None), ("GM0363", None),
])
def test_lookup(typed, code):
    g = lookup(typed)
    assert (g.code if g else None) == code


@pytest.mark.parametrize("typed, official", [
    ("'s-Hertogenbosch", True), ("  's-Hertogenbosch ", True), ("s-Hertogenbosch", False),
    ("'S-Hertogenbosch", False), ("Den Bosch", False),
    ("Súdwest-Fryslân", True), (unicodedata.normalize("NFD", "Súdwest-Fryslân"), True), ("Sudwest-Fryslan", False),
    ("Bergen (NH.)", True), ("Bergen NH", False), ("Bergen", False), ("Teststad", False),
])
def test_is_official(typed, official):
    assert is_official(typed) is official


def test_group_key_never_splits_what_gemeente_key_joins():
    names = ["'s-Hertogenbosch", "s-Hertogenbosch", "S HERTOGENBOSCH", "Bergen NH", "Bergen (N.H.)", "Bergen (NH.)",
             "Bergen L", "Bergen (L.)", "Bergen", "BERGEN", "Москва", "москва", "Київ", "Teststad", "teststad"]
    for a in names:
        for b in names:
            if gemeente_key(a) == gemeente_key(b):
                assert group_key(a) == group_key(b), (a, b)
    assert group_key("Bergen (NH.)") != group_key("Bergen (L.)") != group_key("Bergen")
    assert group_key("Москва") != group_key("Київ")
    assert group_key("Den Haag") == group_key("'s-Gravenhage")


# --- which spelling is kept -------------------------------------------------------------------

@pytest.mark.parametrize("typed, kept, why", [
    # the official name wins over the majority and over the latest
    (["s-Hertogenbosch", "'s-Hertogenbosch", "s-Hertogenbosch"], HERTOGENBOSCH, "de officiële naam (CBS GM0796)"),
    (["s-Hertogenbosch", "s-Hertogenbosch", "'s-Hertogenbosch "], HERTOGENBOSCH, "de officiële naam (CBS GM0796)"),
    # none official: the most frequent, though not the latest
    (["Den Bosch", "s-Hertogenbosch", "Den Bosch", "s-Hertogenbosch", "Den Bosch"], "Den Bosch",
     "de meest gebruikte schrijfwijze (3 van 5 metingen)"),
    (["Den Bosch", "Den Bosch", "s-Hertogenbosch"], "Den Bosch", "de meest gebruikte schrijfwijze (2 van 3 metingen)"),
    # a tie: the latest of the tied ones
    (["s-Hertogenbosch", "Den Bosch"], "Den Bosch", "bij gelijke stand die van de laatste meting"),
    (["Den Bosch", "s-Hertogenbosch"], "s-Hertogenbosch", "bij gelijke stand die van de laatste meting"),
    (["A", "B", "B", "A", "C"], "A", "(2 van 5 metingen; bij gelijke stand"),
    # not a Dutch gemeente: the same rule
    (["Teststad", "TESTSTAD", "teststad", "TESTSTAD"], "TESTSTAD", "de meest gebruikte schrijfwijze (2 van 4 metingen)"),
    # accents decomposed (NFD) still official; kept as CBS writes it
    ([unicodedata.normalize("NFD", "Súdwest-Fryslân"), "Sudwest Fryslan", "Sudwest Fryslan"], "Súdwest-Fryslân",
     "de officiële naam (CBS GM1900)"),
])
def test_choose_name(typed, kept, why):
    name, reason = choose_name(typed)
    assert name == kept and why in reason


D = [dt.date(2023, 1, 10) + dt.timedelta(days=100 * i) for i in range(8)]


def results(small, rows):
    """Scored measurements from a table of (gemeente, date index), all answers ja."""
    out = []
    for n, (gemeente, day) in enumerate(rows):
        answers = {}
        m = Measurement(gemeente=gemeente, regio="RIEC Test", datum=D[day], soort="0-meting" if n == 0 else "",
                        ingevuld_door="Tester", answers=answers, source=f"/in/m{n}.xlsx", sha256=f"{n:064x}")
        out.append(score(m, small))
    return out


def test_the_issue_0_meting_official_vervolgmeting_not(small):
    """A 0-meting typed "'s-Hertogenbosch", a vervolgmeting "s-Hertogenbosch": one trend under
    the official name, and a warning that says which was kept and why."""
    (t,) = build_trends(results(small, [(HERTOGENBOSCH, 0), ("s-Hertogenbosch", 1)]))
    assert t.gemeente == HERTOGENBOSCH and t.code == "GM0796" and len(t.results) == 2
    (f,) = t.findings
    assert f.code == "gemeente_spelling"
    assert f.message == ("dezelfde gemeente staat er in verschillende schrijfwijzen: “'s-Hertogenbosch” (1×), "
                         "“s-Hertogenbosch” (1×). Ze zijn samengenomen onder “'s-Hertogenbosch”, want dat is de "
                         "officiële naam (CBS GM0796). Gebruik voortaan die schrijfwijze.")


def test_most_frequent_when_none_is_official(small):
    (t,) = build_trends(results(small, [("Den Bosch", 0), ("s-Hertogenbosch", 1), ("Den Bosch", 2),
                                         ("s-Hertogenbosch", 3), ("Den Bosch", 4)]))
    assert t.gemeente == "Den Bosch" and t.code == "GM0796" and len(t.results) == 5
    (f,) = t.findings
    assert "samengenomen onder “Den Bosch”, want dat is de meest gebruikte schrijfwijze (3 van 5 metingen)" in f.message


def test_argument_order_does_not_change_the_choice(small):
    rs = results(small, [("s-Hertogenbosch", 0), ("Den Bosch", 1)])
    for order in (rs, rs[::-1]):
        (t,) = build_trends(order)
        assert t.gemeente == "Den Bosch"                 # the tie goes to the latest by date


def test_the_two_bergens_stay_two_and_bare_bergen_joins_neither(small):
    trends = build_trends(results(small, [("Bergen (NH.)", 0), ("Bergen NH", 1), ("Bergen (L.)", 0), ("Bergen L", 2),
                                          ("Bergen (N.H.)", 3), ("Bergen", 4)]))
    got = sorted((t.code or "", t.gemeente, len(t.results)) for t in trends)
    assert got == [("", "Bergen", 1), ("GM0373", "Bergen (NH.)", 3), ("GM0893", "Bergen (L.)", 2)]


def test_different_gemeenten_stay_apart(small):
    trends = build_trends(results(small, [("Москва", 0), ("Київ", 0), ("Den Haag", 1), ("'s-Gravenhage", 2),
                                          ("Amsterdam", 3)]))
    assert [(t.gemeente, t.code, len(t.results)) for t in trends] == [
        ("Amsterdam", "GM0363", 1), ("'s-Gravenhage", "GM0518", 2), ("Київ", None, 1), ("Москва", None, 1)]


# --- the code in JSON and CSV -----------------------------------------------------------------

def test_json_carries_the_code(small):
    a, b = results(small, [("s-Hertogenbosch", 0), ("Teststad", 1)])
    assert result_to_dict(a)["gemeente_code"] == "GM0796"
    assert result_to_dict(b)["gemeente_code"] is None
    ta, tb = build_trends([a]) + build_trends([b])
    assert trend_to_dict(ta)["gemeente_code"] == "GM0796" and trend_to_dict(tb)["gemeente_code"] is None


def test_json_with_a_code_validates_against_the_schema(small):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema hoort bij de test-extra")
    schema = json.loads(resources.files("piramide").joinpath("uitslag.schema.json").read_text(encoding="utf-8"))
    rs = results(small, [(HERTOGENBOSCH, 0), ("Teststad", 1)])

    class Run:                                            # the fields run_to_dict reads
        inputs: list = []
        trends = build_trends(rs)
        dashboards: dict = {}
        findings: list = []
        valid = True
    data = json.loads(json.dumps(run_to_dict(Run())))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert [g["gemeente_code"] for g in data["gemeenten"]] == ["GM0796", None]
    assert data["gemeenten"][0]["laatste_meting"]["gemeente_code"] == "GM0796"
    data["gemeenten"][0]["gemeente_code"] = "0796"        # not a CBS code: refused
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def csv_rows(ov):
    return list(csv.DictReader(io.StringIO(ov.to_csv().decode("utf-8-sig"))))


def test_region_csv_has_the_code_and_anonymous_has_none(small):
    rs = results(small, [("s-Hertogenbosch", 0), (HERTOGENBOSCH, 1), ("Teststad", 2)])
    assert REGION_COLUMNS[:2] == ["gemeente", "gemeente_code"]
    ov = build_overview(rs)
    rows = csv_rows(ov)
    assert list(rows[0]) == REGION_COLUMNS
    assert {(r["gemeente"], r["gemeente_code"]) for r in rows} == {(HERTOGENBOSCH, "GM0796"), ("Teststad", "")}
    assert [g["gemeente_code"] for g in ov.to_dict()["gemeenten"]] == ["GM0796", None]

    key = b"k" * 32
    anon = build_overview(rs, anonymous=True, key=key)
    rows = csv_rows(anon)
    assert {r["gemeente_code"] for r in rows} == {""}
    assert {r["gemeente"] for r in rows} == {anonymous_code(HERTOGENBOSCH, key), anonymous_code("Teststad", key)}
    blob = anon.to_csv() + json.dumps(anon.to_dict()).encode()
    assert b"GM0796" not in blob and b"0796" not in blob and b"Hertogenbosch" not in blob
    assert all(g["gemeente_code"] is None for g in anon.to_dict()["gemeenten"])


def test_anonymous_code_is_the_same_however_the_gemeente_was_typed(small):
    key = b"k" * 32
    codes = set()
    for typed in ["Den Haag", "'s-Gravenhage", "s Gravenhage", "DEN HAAG"]:
        (row,) = build_overview(results(small, [(typed, 0)]), anonymous=True, key=key).rows
        codes.add(row.name)
    assert codes == {anonymous_code("'s-Gravenhage", key)}
    # as before for a name that is no Dutch gemeente, and for any spelling of an official name
    (row,) = build_overview(results(small, [("Teststad", 0)]), anonymous=True, key=key).rows
    assert row.name == anonymous_code("Teststad", key)
    assert anonymous_code("s-Hertogenbosch", key) == anonymous_code(HERTOGENBOSCH, key)
