"""What a user reads on the terminal: Dutch all the way (click's own texts too), option names
in one language with the old English ones still accepted, a short summary per file, and
folders searched with their subfolders."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

import piramide
from conftest import all_answers, filled
from piramide.cli import main

ENGLISH = ["Usage", "Options", "Commands", "Show this message", "Show the version", "Error:", "Missing",
           "No such", "Try '", "Aborted", "default:", "Did you mean", "does not exist", "Invalid value", "required"]
OLD_NAMES = ["--force", "--strict", "--output", "--questionnaire", "--history", "--anonymous", "--help", "--version"]
COMMANDS = [[], ["template"], ["example"], ["score"], ["check"], ["region"], ["questionnaire"],
            ["questionnaire", "check"], ["questionnaire", "list"]]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if w in text]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "piramide")
def test_help_is_dutch_with_dutch_option_names(command):
    r = invoke(*command, "--hulp")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Gebruik: piramide")
    assert not english_in(r.output), english_in(r.output)
    shown = set(re.findall(r"--[a-z-]+", r.output.split("Opties:", 1)[1]))
    assert not shown & set(OLD_NAMES), shown & set(OLD_NAMES)


@pytest.mark.parametrize("args", [["scor"], ["score", "--nope"], ["region"], ["score", "--historie", "bestaat-niet"],
                                  ["score", "--json"], ["template", "--vervang", "x"]],
                         ids=["command", "option", "argument", "folder", "value", "extra"])
def test_wrong_use_is_explained_in_dutch(args):
    r = invoke(*args)
    assert r.exit_code == 2
    assert r.output.count("fout: ") == 1
    assert not english_in(r.output), english_in(r.output)
    assert not any(name in r.output for name in OLD_NAMES)


def test_the_old_english_names_still_work(tmp_path, small, small_path):
    src = filled(small, tmp_path / "a.xlsx", all_answers(small))
    r = invoke("score", src, "--questionnaire", small_path, "--output", tmp_path / "uit", "--strict", "--force")
    assert r.exit_code == 0, r.output
    r = invoke("region", src, "--questionnaire", small_path, "--output", tmp_path / "r.xlsx", "--anonymous",
               "--sleutel", "een lange geheime zin", "--force")
    assert r.exit_code == 0, r.output
    r = invoke("score", "--history", tmp_path, "-q", small_path, "-o", tmp_path / "uit2")
    assert r.exit_code == 0, r.output
    assert invoke("--version").output.startswith("piramide ")


def test_a_nearly_empty_workbook_gives_a_short_summary(tmp_path, small, small_path):
    src = filled(small, tmp_path / "leeg.xlsx", {}, gemeente="")       # no answers, no gemeente
    short = invoke("check", src, "-q", small_path)
    assert short.exit_code == 1
    lines = short.output.strip().splitlines()
    assert len(lines) <= 6, lines                                      # not one line per empty answer
    assert any("'Gemeente' is niet ingevuld" in line for line in lines)  # every fout in full
    assert sum("is niet beantwoord" in line for line in lines) == 3      # the first warnings
    assert "en nog 7 (7 niet beantwoord)" in short.output and "--uitgebreid" in short.output
    full = invoke("check", src, "-q", small_path, "--uitgebreid")
    assert full.exit_code == 1 and sum("is niet beantwoord" in line for line in full.output.splitlines()) == 10
    quiet = invoke("check", src, "-q", small_path, "--stil")
    assert quiet.exit_code == 1 and quiet.output.strip().splitlines() == [
        "fout: 1 van 1 bestand(en) met fouten; herstel ze en controleer opnieuw."]


def test_historie_looks_in_subfolders_and_says_what_it_found(tmp_path, small, small_path):
    root = tmp_path / "metingen"
    (root / "2025").mkdir(parents=True)
    (root / "2026").mkdir()
    filled(small, root / "2025" / "m.xlsx", all_answers(small, "nee"), datum=dt.date(2025, 3, 1))
    filled(small, root / "2026" / "m.xlsx", all_answers(small), datum=dt.date(2026, 3, 1))
    r = invoke("score", "--historie", root, "-q", small_path, "-o", tmp_path / "uit")
    assert r.exit_code == 0, r.output
    assert f"{root}: 2 werkboek(en) gevonden, in 2 submap(pen)" in r.output and "2 metingen" in r.output
    (tmp_path / "leeg").mkdir()
    r = invoke("score", "--historie", tmp_path / "leeg", "-q", small_path)
    assert r.exit_code == 1 and "geen werkboeken" in r.output and "ook niet in submappen" in r.output


def test_json_on_the_screen_alone_writes_no_dashboard(tmp_path, small, small_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = filled(small, tmp_path / "a.xlsx", all_answers(small))
    r = CliRunner().invoke(main, ["score", str(src), "-q", str(small_path), "--json", "-"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["gemeenten"][0]["dashboard"] is None
    assert not (tmp_path / "output").exists()


def test_definition_errors_in_dutch(tmp_path):
    r = invoke("questionnaire", "check", tmp_path / "bestaat-niet.toml")
    assert r.exit_code == 1 and "bestaat niet" in r.output and "TOML" not in r.output
    r = invoke("template", "-q", "onbekend", "-o", tmp_path / "t.xlsx")
    assert r.exit_code == 1 and "piramide-fitte-gemeenten" in r.output
    (tmp_path / "kapot.toml").write_text('id = \n', encoding="utf-8")
    r = invoke("questionnaire", "check", tmp_path / "kapot.toml")
    assert r.exit_code == 1 and "regel 1" in r.output and "kolom" in r.output
    assert not re.search(r"\b(Invalid|Expected|value|line|column)\b", r.output), r.output


def test_the_library_reads_folders_as_the_cli_does(tmp_path, small):
    (tmp_path / "regio" / "sub").mkdir(parents=True)
    filled(small, tmp_path / "regio" / "sub" / "a.xlsx", all_answers(small), gemeente="Alfa")
    filled(small, tmp_path / "regio" / "b.xlsx", all_answers(small), gemeente="Beta")
    assert [r.name for r in piramide.region([tmp_path / "regio"], [small]).rows] == ["Alfa", "Beta"]
    assert len(piramide.check(tmp_path / "regio", [small]).inputs) == 2
