"""The command line through click's CliRunner, and the installed command as a process."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import all_answers, filled
from piramide import __version__
from piramide.cli import main




def test_help_lists_the_commands_and_version(run):
    r = run("--help")
    assert r.exit_code == 0
    for cmd in ["template", "example", "score", "check", "questionnaire"]:
        assert cmd in r.output
    r = run("--version")
    assert r.exit_code == 0 and r.output.strip() == f"piramide {__version__}"


def test_every_command_has_help_with_an_example(run):
    for cmd in main.commands.values():
        subs = cmd.commands.values() if hasattr(cmd, "commands") else [cmd]
        for c in subs:
            assert c.help and "Voorbeeld" in c.help, c.name


def test_template_writes_the_workbook_and_refuses_to_overwrite(run, tmp_path):
    r = run("template", "-o", "x.xlsx")
    assert r.exit_code == 0 and (tmp_path / "x.xlsx").exists()
    assert "105 vragen" in r.output
    before = (tmp_path / "x.xlsx").read_bytes()
    r = run("template", "-o", "x.xlsx")              # as `example`: said, nothing changed, exit 0
    assert r.exit_code == 0 and "Bestaat al, niet vervangen" in r.output and "--vervang" in r.output
    assert (tmp_path / "x.xlsx").read_bytes() == before
    assert run("template", "-o", "x.xlsx", "--vervang").exit_code == 0
    assert run("template", "-o", "x.xlsx", "--force").exit_code == 0     # the name of version 0.1 still works


def test_example_then_score_writes_dashboards(run, tmp_path):
    r = run("example")
    assert r.exit_code == 0
    files = sorted((tmp_path / "output").glob("voorbeeldstad-*.xlsx"))
    assert len(files) == 2
    r = run("score", *files)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "output" / "voorbeeldstad-dashboard-2026-03-18.xlsx").exists()
    assert "weet niet" in r.output          # the warnings are shown, one line each, with cell
    assert "Vragen!D" in r.output


def test_score_json_agrees_with_the_library(run, tmp_path):
    import piramide
    run("example")
    src = tmp_path / "output" / "voorbeeldstad-vervolgmeting-2026-03-18.xlsx"
    r = run("score", src, "--json", "uit.json", "-o", "dash")
    assert r.exit_code == 0
    data = json.loads((tmp_path / "uit.json").read_text(encoding="utf-8"))
    gemeente, = data["gemeenten"]
    assert gemeente.pop("dashboard") == str(Path("dash") / "voorbeeldstad-dashboard-2026-03-18.xlsx")
    assert [m["datum"] for m in gemeente["trend"]["metingen"]] == ["2026-03-18"]
    lib = piramide.check(src).to_dict()                     # the library makes the same JSON
    assert lib["gemeenten"][0].pop("dashboard") is None     # it wrote no dashboard
    assert data == json.loads(json.dumps(lib))
    latest, result = gemeente["laatste_meting"], piramide.score(src)
    assert latest == json.loads(json.dumps(result.to_dict()))
    assert latest["gemeente"] == "Voorbeeldstad" and latest["datum"] == "2026-03-18"
    assert latest["vragenlijst"]["id"] == "piramide-fitte-gemeenten"
    assert len(latest["bron"]["sha256"]) == 64
    for p, lp in zip(latest["pijlers"], result.pillars):
        assert (p["id"], p["naam"], p["fase"]) == (lp.pillar.id, lp.pillar.name, lp.phase)
        assert p["score"] == round(lp.score, 1)
        for i, li in zip(p["indicatoren"], lp.indicators):
            assert (i["id"], i["fase"], i["status"]) == (li.indicator.id, li.indicator.phase, li.status)
    assert {f["code"] for f in latest["meldingen"]} == {"antwoord_weet_niet"}
    assert data["geldig"] and data["aantallen"]["verwerkt"] == 1


def runner_stdout_apart() -> CliRunner:
    """A runner whose result.stdout is stdout alone: click 8.2 always keeps stderr apart, 8.1
    only with mix_stderr=False, an argument that 8.2 removed."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def test_score_json_to_stdout_is_pure_json(run, tmp_path):
    run("example")
    src = tmp_path / "output" / "voorbeeldstad-0-meting-2025-03-12.xlsx"
    r = runner_stdout_apart().invoke(main, ["score", str(src), "--json", "-", "-o", "d"])
    assert r.exit_code == 0
    assert "waarschuwing: " in r.stderr            # the 0-meting has a warning, and it stays on stderr
    assert json.loads(r.stdout)["gemeenten"][0]["laatste_meting"]["pijlers"][0]["id"] == "BO"


def test_bad_answer_exit_1_no_dashboard_others_still_scored(run, tmp_path, small_path, small):
    answers = all_answers(small)
    good = filled(small, tmp_path / "goed.xlsx", answers, gemeente="Goedstad")
    answers["A-03"] = "misschien"
    bad = filled(small, tmp_path / "fout.xlsx", answers, gemeente="Foutstad")
    r = run("score", bad, good, "-q", small_path, "-o", "uit")
    assert r.exit_code == 1
    assert "fout.xlsx, Vragen!D7: 'misschien' is geen geldig antwoord" in r.output
    assert "1 van 2 bestand(en) niet verwerkt" in r.output
    assert (tmp_path / "uit" / "goedstad-dashboard-2026-03-15.xlsx").exists()
    assert not (tmp_path / "uit" / "foutstad-dashboard-2026-03-15.xlsx").exists()
    assert "Traceback" not in r.output


def test_strict_makes_gaps_an_error(run, tmp_path, small_path, small):
    answers = all_answers(small) | {"A-01": "weet niet"}
    src = filled(small, tmp_path / "f.xlsx", answers)
    assert run("score", src, "-q", small_path, "-o", "a").exit_code == 0
    r = run("score", src, "-q", small_path, "-o", "b", "--strict")
    assert r.exit_code == 1 and "fout (--streng)" in r.output
    assert not list((tmp_path / "b").glob("*.xlsx")) if (tmp_path / "b").exists() else True


def test_output_never_over_an_input(run, tmp_path, small_path, small):
    src = filled(small, tmp_path / "f.xlsx", all_answers(small))
    before = src.read_bytes()
    r = run("score", src, "-q", small_path, "-o", src, "--force")
    assert r.exit_code == 1 and "invoerbestand" in r.output
    assert src.read_bytes() == before


def test_check_reports_without_writing(run, tmp_path, small_path, small):
    src = filled(small, tmp_path / "f.xlsx", all_answers(small))
    r = run("check", src, "-q", small_path)
    assert r.exit_code == 0 and "in orde (Teststad, 15-03-2026, 10 vragen gevonden)" in r.output
    assert not (tmp_path / "output").exists()
    r = run("check", tmp_path / "bestaat-niet.xlsx", "-q", small_path)
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_questionnaire_check_cli(run, tmp_path):
    from conftest import SMALL
    r = run("questionnaire", "check", os.path.join(os.path.dirname(__file__), "..", "questionnaires",
                                                  "piramide-fitte-gemeenten.toml"))
    assert r.exit_code == 0 and "in orde" in r.output and "105 vragen" in r.output
    (tmp_path / "kapot.toml").write_text(SMALL.replace('pijler = "B"', 'pijler = "X"'), encoding="utf-8")
    r = run("questionnaire", "check", "kapot.toml")
    assert r.exit_code == 1
    assert r.output.count("def_") == 0 and r.output.count("pijler 'X'") == 3
    assert r.output.count("pijler 'B' heeft geen indicator in fase") == 3   # so B is empty in every phase
    assert "regel 83" in r.output and "6 fout(en)" in r.output


def test_readme_lists_every_command():
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    import click
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        cmd = main.get_command(ctx, name)
        subs = [f"{name} {s}" for s in cmd.commands] if hasattr(cmd, "commands") else [name]
        for s in subs:
            assert f"piramide {s}" in readme, s


def test_installed_command_runs_as_a_process(tmp_path):
    exe = shutil.which("piramide")
    if exe is None:
        pytest.skip("het commando 'piramide' is niet geïnstalleerd (pip install .)")
    out = subprocess.run([exe, "example", "-o", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    src = tmp_path / "voorbeeldstad-0-meting-2025-03-12.xlsx"
    out = subprocess.run([exe, "score", str(src), "-o", str(tmp_path / "d"), "--json", "-"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["gemeenten"][0]["gemeente"] == "Voorbeeldstad"
    bad = tmp_path / "leeg.xlsx"
    bad.write_bytes(b"")
    out = subprocess.run([exe, "score", str(bad), "-o", str(tmp_path / "d")], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr and "leeg.xlsx" in out.stderr


def test_single_score_does_not_import_pandas(tmp_path):
    code = ("import sys; from piramide.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit: pass\n"
            "import piramide.reader, piramide.scoring, piramide.dashboard\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.strip().endswith("False"), out.stderr


def test_existing_json_is_not_replaced_without_force(run, tmp_path):
    run("example")
    src = tmp_path / "output" / "voorbeeldstad-0-meting-2025-03-12.xlsx"
    (tmp_path / "uit.json").write_text("{}")
    r = run("score", src, "--json", "uit.json", "-o", "d")
    assert r.exit_code == 1 and "bestaat al" in r.output
    assert (tmp_path / "uit.json").read_text() == "{}" and not (tmp_path / "d").exists()
    assert run("score", src, "--json", "uit.json", "-o", "d", "--force").exit_code == 0
    assert json.loads((tmp_path / "uit.json").read_text())["gemeenten"][0]["gemeente"] == "Voorbeeldstad"
