"""What an install ships: the definitions as package data read with importlib.resources,
py.typed, the licence; and `python -m piramide`. CI runs the suite against a non-editable
install (`pip install '.[test]' && pytest`), so these hold for what a user gets."""

import importlib.metadata
import subprocess
import sys
from importlib import resources
from pathlib import Path

from piramide import __version__
from piramide import questionnaire as qmod

ROOT = Path(__file__).resolve().parent.parent


def test_builtin_definitions_are_package_data():
    shipped = sorted(p.stem for p in (ROOT / "questionnaires").glob("*.toml"))
    assert shipped and qmod.builtin_names() == shipped
    builtin = qmod.resolve(None)
    assert builtin.name == f"{qmod.DEFAULT}.toml"
    assert str(builtin).startswith(str(resources.files("piramide.questionnaires")))
    assert qmod.load().id == qmod.DEFAULT


def test_typed_marker_is_shipped():
    assert resources.files("piramide").joinpath("py.typed").is_file()


def test_licence_is_the_one_the_metadata_names():
    dist = importlib.metadata.distribution("piramide")
    assert dist.metadata["License"] == "EUPL-1.2"
    licence = [f for f in dist.files or () if f.name == "LICENSE"]
    assert len(licence) == 1
    text = licence[0].read_text(encoding="utf-8")
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    for n, title in enumerate(["Definitions", "Scope of the rights granted by the Licence",
                               "Communication of the Source Code", "Limitations on copyright",
                               "Obligations of the Licensee", "Chain of Authorship", "Disclaimer of Warranty",
                               "Disclaimer of Liability", "Additional agreements", "Acceptance of the Licence",
                               "Information to the public", "Termination of the Licence", "Miscellaneous",
                               "Jurisdiction", "Applicable Law"], 1):
        assert f"\n{n}. {title}\n" in text, title
    assert "\nAppendix\n" in text and text.rstrip().endswith("new EUPL version.")


def run_module(*args, cwd):
    return subprocess.run([sys.executable, "-m", "piramide", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_python_dash_m_runs_the_command_line(tmp_path):
    out = run_module("--version", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == f"piramide {__version__}"
    out = run_module("--help", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("Gebruik: piramide [OPTIES] COMMANDO")
    out = run_module("template", "-o", "invul.xlsx", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "invul.xlsx").stat().st_size > 0
    out = run_module("check", "weg.xlsx", cwd=tmp_path)
    assert out.returncode == 1 and "weg.xlsx" in out.stderr and "Traceback" not in out.stderr
    out = run_module("bestaat-niet", cwd=tmp_path)
    assert out.returncode == 2 and "Gebruik: piramide " in out.stderr
