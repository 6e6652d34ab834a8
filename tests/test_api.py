"""The library as others build on it: one JSON shape (validated against the shipped schema)
for one gemeente and for many, failed inputs included; a Result that says whether it is
valid; one exception base class; sources as path, bytes or file object; the writers at the
top level."""

from __future__ import annotations

import io
import json
import shutil
from importlib import resources

import openpyxl
import pytest
from click.testing import CliRunner

import piramide
from conftest import all_answers, filled
from piramide.cli import main

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema hoort bij de test-extra")


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("piramide").joinpath("uitslag.schema.json").read_text(encoding="utf-8"))


def valid(schema, data):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


@pytest.fixture
def region(tmp_path, small):
    """Three gemeenten (Alfa twice), one bad file, one dashboard of our own among them."""
    folder = tmp_path / "in"
    folder.mkdir()
    import datetime as dt
    filled(small, folder / "alfa-1.xlsx", all_answers(small, "nee"), gemeente="Alfa", datum=dt.date(2025, 3, 1))
    filled(small, folder / "alfa-2.xlsx", all_answers(small), gemeente="Alfa", datum=dt.date(2026, 3, 1))
    filled(small, folder / "beta.xlsx", all_answers(small) | {"A-01": "deels"}, gemeente="Beta")
    filled(small, folder / "gamma.xlsx", all_answers(small) | {"A-02": "weet niet"}, gemeente="Gamma")
    filled(small, folder / "kapot.xlsx", all_answers(small) | {"A-03": "misschien"}, gemeente="Delta")
    (folder / "leeg.xlsx").write_bytes(b"")
    return folder


def test_json_of_one_and_of_many_gemeenten_has_one_shape(tmp_path, small, small_path, region, schema):
    runner = CliRunner()
    one = runner.invoke(main, ["score", str(region / "beta.xlsx"), "-q", str(small_path), "-o", str(tmp_path / "a"),
                               "--json", str(tmp_path / "een.json")])
    assert one.exit_code == 0, one.output
    shutil.copy(piramide.write_dashboard(piramide.score(region / "beta.xlsx", small), tmp_path / "d.xlsx"),
                region / "hernoemd.xlsx")                       # one of our own outputs, renamed
    many = runner.invoke(main, ["score", *sorted(map(str, region.iterdir())), "-q", str(small_path),
                                "-o", str(tmp_path / "b"), "--json", str(tmp_path / "veel.json")])
    assert many.exit_code == 1                                   # two inputs fail; the JSON is still written
    a = valid(schema, json.loads((tmp_path / "een.json").read_text(encoding="utf-8")))
    b = valid(schema, json.loads((tmp_path / "veel.json").read_text(encoding="utf-8")))
    assert set(a) == set(b) and isinstance(a["gemeenten"], list) and len(a["gemeenten"]) == 1
    assert [g["gemeente"] for g in b["gemeenten"]] == ["Alfa", "Beta", "Gamma"]
    status = {i["bestand"].rsplit("/", 1)[-1]: i["status"] for i in b["invoer"]}
    assert status == {"alfa-1.xlsx": "verwerkt", "alfa-2.xlsx": "verwerkt", "beta.xlsx": "verwerkt",
                      "gamma.xlsx": "verwerkt", "kapot.xlsx": "mislukt", "leeg.xlsx": "mislukt",
                      "hernoemd.xlsx": "overgeslagen"}
    by_file = {i["bestand"].rsplit("/", 1)[-1]: i for i in b["invoer"]}
    assert by_file["leeg.xlsx"]["meldingen"][0]["code"] == "invoer_leeg"
    assert by_file["kapot.xlsx"]["gemeente"] == "Delta" and by_file["kapot.xlsx"]["meldingen"][0]["cel"]
    assert b["geldig"] is False and a["geldig"] is True
    assert b["aantallen"] | {"fouten": 0, "waarschuwingen": 0} == {
        "invoer": 7, "verwerkt": 4, "mislukt": 2, "overgeslagen": 1, "gemeenten": 3, "fouten": 0, "waarschuwingen": 0}
    alfa = b["gemeenten"][0]
    assert [m["datum"] for m in alfa["trend"]["metingen"]] == ["2025-03-01", "2026-03-01"]
    assert alfa["dashboard"].endswith("alfa-dashboard-2026-03-01.xlsx")


def test_the_library_makes_the_json_and_it_validates(region, small, schema):
    run = piramide.check(sorted(region.iterdir()), [small])
    data = valid(schema, json.loads(json.dumps(run.to_dict())))
    assert not run.valid and data["geldig"] is False
    assert len(run.inputs) == 6 and sum(o.failed for o in run.inputs) == 2
    assert [t.gemeente for t in run.trends] == ["Alfa", "Beta", "Gamma"]


def test_the_schema_bites(region, small, schema):
    data = piramide.check(region / "beta.xlsx", [small]).to_dict()
    valid(schema, data)
    for broken in (lambda d: d.update(extra=1),
                   lambda d: d["gemeenten"][0]["laatste_meting"]["pijlers"][0].update(fase="twee"),
                   lambda d: d["invoer"][0].update(status="klaar"),
                   lambda d: d.pop("schema_version")):
        copy = json.loads(json.dumps(data))
        broken(copy)
        with pytest.raises(jsonschema.ValidationError):
            valid(schema, copy)


def test_a_budget_spreadsheet_is_not_a_valid_result(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "Begroting", 2026
    wb.save(tmp_path / "begroting.xlsx")
    r = piramide.score(tmp_path / "begroting.xlsx")
    assert r.valid is False and "geen_vragen" in {f.code for f in r.findings}


def test_sources_as_path_bytes_or_file_object(region, small):
    path = region / "beta.xlsx"
    by_path = piramide.score(path, small)
    by_bytes = piramide.score(path.read_bytes(), small)
    with open(path, "rb") as fh:
        by_file = piramide.score(fh, small)
    by_stream = piramide.score(io.BytesIO(path.read_bytes()), small)
    assert by_path.valid
    for other in (by_bytes, by_file, by_stream):
        assert [(p.phase, p.score) for p in other.pillars] == [(p.phase, p.score) for p in by_path.pillars]
        assert other.measurement.sha256 == by_path.measurement.sha256
    assert by_file.measurement.source == str(path)


def test_every_error_has_one_base_class_and_a_dutch_message(tmp_path):
    errors = [piramide.ReadError, piramide.InputError, piramide.OutputError, piramide.QuestionnaireError,
              piramide.MissingDependency]
    assert all(issubclass(e, piramide.PiramideError) for e in errors)
    with pytest.raises(piramide.PiramideError) as exc:
        piramide.score(b"")
    assert "het bestand is leeg" in str(exc.value)
    with pytest.raises(piramide.PiramideError) as exc:
        piramide.load_questionnaire(tmp_path / "bestaat-niet.toml")
    assert str(exc.value)
    (tmp_path / "kapot.toml").write_text("id = \n")
    with pytest.raises(piramide.QuestionnaireError) as exc:
        piramide.load_questionnaire(tmp_path / "kapot.toml")
    assert "geen geldige TOML" in str(exc.value)


def test_writers_and_region_at_the_top_level(tmp_path, region, small):
    t = piramide.write_template(small, tmp_path / "t.xlsx")
    assert openpyxl.load_workbook(t).sheetnames[0] == "Voorblad"
    trends = piramide.trend([region / "alfa-1.xlsx", region / "alfa-2.xlsx"], [small])
    d = piramide.write_dashboard(trends[0], tmp_path / "d.xlsx")
    assert "Trend" in openpyxl.load_workbook(d).sheetnames
    ov = piramide.region([region / "alfa-2.xlsx", region / "beta.xlsx"], [small], anonymous=True,
                         sleutel="een lange geheime zin")
    assert all(r.name.startswith("G-") for r in ov.rows)
    data = ov.to_dict()
    assert [g["gemeente"] for g in data["gemeenten"]] == [r.name for r in ov.rows]
    assert json.dumps(data).count("Alfa") == 0
    o = piramide.write_overview(ov, tmp_path / "r.xlsx")
    assert "Regio" in openpyxl.load_workbook(o).sheetnames
    run = piramide.check([region / "beta.xlsx"], [small])
    j = piramide.write_json(run, tmp_path / "u.json")
    assert json.loads(j.read_text(encoding="utf-8"))["schema_version"] == 3


def test_python_dash_m_works(tmp_path):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "piramide", "--version"], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)                       # the installed package, not the checkout
    assert out.returncode == 0 and out.stdout.startswith("piramide ")
