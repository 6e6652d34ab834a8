"""The region overview: grouping, latest measurement, distribution, open indicators,
anonymisation, the tidy CSV, and batches over both cores."""

import csv
import datetime as dt
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

import piramide
from conftest import all_answers, filled
from piramide.batch import score_files
from piramide.cli import main
from piramide.regional import anonymous_code, build_overview, derive_key

D1, D2 = dt.date(2025, 2, 1), dt.date(2026, 2, 1)


@pytest.fixture
def region_files(tmp_path, small):
    """Alfa: two measurements (A phase 0 -> 3); Beta: one (A phase 1, B phase 0); Gamma: all ja."""
    base = all_answers(small)
    folder = tmp_path / "regio"
    return [
        filled(small, folder / "alfa-1.xlsx", base | {"A-01": "nee"}, gemeente="Alfa", datum=D1),
        filled(small, folder / "alfa-2.xlsx", base, gemeente="Alfa", datum=D2),
        filled(small, folder / "sub" / "beta.xlsx", base | {"A-03": "nee", "B-01": "deels"}, gemeente="Beta", datum=D2),
        filled(small, folder / "gamma.xlsx", base, gemeente="Gamma", datum=D1),
    ]


def test_latest_per_gemeente_and_distribution(region_files, small):
    ov = piramide.overview(region_files, [small])
    assert [(r.name, r.latest.measurement.datum) for r in ov.rows] == [("Alfa", D2), ("Beta", D2), ("Gamma", D1)]
    assert ov.rows[0].previous.measurement.datum == D1 and ov.rows[1].previous is None
    # phases (A, B): Alfa (3, 3), Beta (1, 0), Gamma (3, 3); phases 0..3
    assert ov.distribution() == {"A": [0, 1, 0, 2], "B": [1, 0, 0, 2]}
    open_ = [(o.indicator.id, o.open, o.measured, o.gemeenten) for o in ov.open_indicators()]
    assert open_ == [("B-1", 1, 3, ["Beta"]), ("A-2a", 1, 3, ["Beta"])]          # foundations first


def test_region_frame_is_the_csv(region_files, small, small_path, tmp_path):
    pytest.importorskip("pandas", reason="pandas hoort bij de test-extra")
    out = tmp_path / "uit"
    r = CliRunner().invoke(main, ["region", str(tmp_path / "regio"), "-q", str(small_path),
                                  "-o", str(out / "regio.xlsx"), "--csv", str(out / "regio.csv")])
    assert r.exit_code == 0, r.output
    assert "3 gemeenten" in r.output
    with open(out / "regio.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    df = piramide.region(region_files, [small]).to_frame()
    assert len(rows) == len(df) == 4 * 7          # four measurements x seven indicators
    assert list(rows[0]) == ["gemeente", "gemeente_code", "datum", "vragenlijst", "pijler", "fase", "score", "indicator", "status"]
    assert [r["gemeente"] for r in rows] == list(df.gemeente)
    assert [r["status"] for r in rows] == list(df.status)
    assert [int(r["fase"]) for r in rows] == list(df.fase)


def test_region_workbook(region_files, small_path, tmp_path):
    out = tmp_path / "regio.xlsx"
    r = CliRunner().invoke(main, ["region", *map(str, region_files), "-q", str(small_path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Regio", "Verdeling", "Open indicatoren", "Meldingen", "Over"]
    ws = wb["Regio"]
    names = [ws.cell(row, 1).value for row in range(5, 8)]
    assert names == ["Alfa", "Beta", "Gamma"]
    assert ws.cell(5, 5).value == "+17"          # Alfa's A score: 5/6 -> 6/6, +16.7 points
    assert ws.cell(5, 11).value == "alfa-dashboard-2026-02-01.xlsx"
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/") for n in z.namelist())


def test_anonymous_leaves_nothing_that_identifies(region_files, small, small_path, tmp_path):
    out = tmp_path / "anoniem.xlsx"
    args = ["region", str(tmp_path / "regio"), "-q", str(small_path), "--anonymous", "--sleutel", "geheim",
            "--csv", str(tmp_path / "anoniem.csv")]
    r = CliRunner().invoke(main, args + ["-o", str(out)])
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    blob += (tmp_path / "anoniem.csv").read_bytes()
    for secret in [b"Alfa", b"Beta", b"Gamma", b"RIEC Test", b"Tester", b"alfa-", b".xlsx", b"2026-02-01", b"01-02-2026"]:
        assert secret not in blob, secret
    key = derive_key("geheim")
    codes = sorted(anonymous_code(n, key) for n in ["Alfa", "Beta", "Gamma"])
    wb = openpyxl.load_workbook(out)
    assert [wb["Regio"].cell(row, 1).value for row in range(5, 8)] == codes
    assert "Meldingen" not in wb.sheetnames
    # stable with the same key, different with another
    r2 = CliRunner().invoke(main, args[:-2] + ["-o", str(tmp_path / "b.xlsx")])
    assert r2.exit_code == 0, r2.output
    assert [openpyxl.load_workbook(tmp_path / "b.xlsx")["Regio"].cell(row, 1).value for row in range(5, 8)] == codes
    other = build_overview([piramide.score(p, small) for p in region_files], True, b"ander")
    assert sorted(r.name for r in other.rows) != codes


def test_anonymous_without_key_warns(region_files, small_path, tmp_path):
    r = CliRunner().invoke(main, ["region", str(tmp_path / "regio"), "-q", str(small_path), "--anonymous",
                                  "-o", str(tmp_path / "a.xlsx")])
    assert r.exit_code == 0 and "zonder --sleutel" in r.output


def test_csv_never_carries_a_formula(tmp_path, small, small_path):
    src = filled(small, tmp_path / "in" / "x.xlsx", all_answers(small), gemeente="=HYPERLINK(\"x\")")
    r = CliRunner().invoke(main, ["region", str(src), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx"),
                                  "--csv", str(tmp_path / "r.csv")])
    assert r.exit_code == 0, r.output
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["gemeente"] for r in rows} == {"'=HYPERLINK(\"x\")"}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_bad_file_in_region_is_reported_others_go_on(region_files, small_path, tmp_path):
    (tmp_path / "regio" / "kapot.xlsx").write_bytes(b"")
    r = CliRunner().invoke(main, ["region", str(tmp_path / "regio"), "-q", str(small_path),
                                  "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 1 and "het bestand is leeg" in r.output
    assert "3 gemeenten" in r.output and (tmp_path / "r.xlsx").exists()


def test_parallel_batch_equals_serial_and_keeps_order(tmp_path, small):
    paths = [filled(small, tmp_path / f"g{i:02d}.xlsx", all_answers(small) | ({"A-01": "nee"} if i % 3 else {}),
                    gemeente=f"Gemeente {i}") for i in range(14)]
    paths.insert(5, tmp_path / "ontbreekt.xlsx")
    serial = score_files(paths, [small], workers=1, progress=False)
    parallel = score_files(paths, [small], workers=2, progress=False)
    assert [o.path for o in parallel] == paths
    assert [o.failed for o in parallel] == [o.failed for o in serial] and parallel[5].failed
    assert [o.result.to_dict() if o.result else None for o in parallel] == \
        [o.result.to_dict() if o.result else None for o in serial]


def test_progress_bar_only_on_a_terminal(tmp_path, small, capsys):
    paths = [filled(small, tmp_path / f"g{i}.xlsx", all_answers(small)) for i in range(3)]
    score_files(paths, [small])                       # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    score_files(paths, [small], progress=True)
    assert "Bestanden lezen" in capsys.readouterr().err


def test_many_dashboards_written_over_both_cores(tmp_path, small):
    from piramide.batch import write_dashboards
    paths = [filled(small, tmp_path / "in" / f"g{i:02d}.xlsx", all_answers(small), gemeente=f"Gemeente {i}")
             for i in range(13)]
    trends = piramide.trend(paths, [small])
    jobs = [(t, tmp_path / "uit" / f"{i}.xlsx", False) for i, t in enumerate(trends)]
    assert write_dashboards(jobs, workers=2, progress=False) == [""] * 13
    wb = openpyxl.load_workbook(tmp_path / "uit" / "12.xlsx")
    assert wb["Dashboard"]["A1"].value == f"{trends[12].latest.questionnaire.title}: {trends[12].gemeente}"


@pytest.mark.parametrize("regio,width,title", [
    (["Noord"], 80, "Regio-overzicht: Noord"),
    ([f"RIEC {i}" for i in range(10)], 80, "Regio-overzicht: RIEC 0, RIEC 1 en 8 andere"),   # 44 characters fit
    ([f"RIEC {i}" for i in range(10)], 60, "Regio-overzicht: 10 regio's"),                   # 33 fit: no name does
    ([], 80, "Regio-overzicht"),
])
def test_the_title_names_the_regions_that_fit_on_its_line(regio, width, title):
    from piramide.overview_workbook import _title
    assert _title(regio, width) == title
