"""What the writers say about answers, and the example, follow the definition's own scales:
a RIEC's definition with other answer words gets its own words, never the default's."""

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import CUSTOM, SMALL
from piramide import questionnaire as qmod
from piramide.cli import main
from piramide.dashboard import write_dashboard
from piramide.example import example_measurements, file_name
from piramide.reader import read
from piramide.scoring import score
from piramide.template import write_template



@pytest.fixture
def custom_path(tmp_path):
    p = tmp_path / "eigen.toml"
    p.write_text(CUSTOM, encoding="utf-8")
    return p


def texts(path, sheet) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    return "\n".join(c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str))


def cf_values(path, sheet) -> set:
    ws = openpyxl.load_workbook(path)[sheet]
    return {f for cf in ws.conditional_formatting for r in cf.rules for f in r.formula}


def test_custom_scale_definition_loads(custom_path):
    q = qmod.load(custom_path)
    assert q.scale("jdn").labels() == ["volledig", "half", "geen"]


@pytest.mark.parametrize("definition", ["small", "custom"])
def test_example_follows_any_definition(tmp_path, monkeypatch, small_path, custom_path, definition):
    """`piramide example -q eigen.toml` writes two workbooks that score, every answer valid."""
    path = small_path if definition == "small" else custom_path
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(main, ["example", "-q", str(path), "-o", "uit"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    q = qmod.load(path)
    files = [tmp_path / "uit" / file_name(m) for m in example_measurements(q)]
    assert all(f.exists() for f in files)
    r = runner.invoke(main, ["score", "-q", str(path), *map(str, files), "-o", "dash"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    # one gemeente measured twice: one dashboard, of the latest measurement, with its trend
    assert [p.name for p in (tmp_path / "dash").glob("*.xlsx")] == ["voorbeeldstad-dashboard-2026-03-18.xlsx"]
    first, second = (score(read(f, q), q) for f in files)
    for res in (first, second):
        assert not [a for a in res.measurement.answers.values() if a.kind in ("ongeldig", "leeg")]
        labels = {a.label for a in res.measurement.answers.values()}
        assert labels <= set(q.scale("jdn").labels()) | {"ja", "nee"}
        assert {res.measurement.answers["B-02"].label} <= {"ja", "nee"}     # the ja/nee question
    # The story holds in any definition: pillars at their phases, progress, a loose stone.
    assert [p.phase for p in first.pillars] == [1, 0]
    assert [p.phase for p in second.pillars] == [2, 1]
    assert second.pillar("B").loose_stones == ["B-3"]
    assert [p.ambitie for p in second.pillars] == [3, 3]


def test_instructions_follow_a_custom_scale(tmp_path, custom_path):
    q = qmod.load(custom_path)
    src = write_template(q, tmp_path / "eigen.xlsx", filled=example_measurements(q)[1])
    front, overview = texts(src, "Voorblad"), texts(src, "Overzicht")
    assert "volledig, half of geen" in front                          # how to answer
    assert "volledig = 1, half = 0,5, geen = 0" in front
    assert "volledig = 1, half = 0,5, geen = 0" in overview           # how the score counts
    for text in (front, overview):
        assert "deels = 0,5" not in text and "weet niet" not in text and "n.v.t. telt" not in text
    assert {'"volledig"', '"half"'} <= cf_values(src, "Vragen") and '"deels"' not in cf_values(src, "Vragen")
    dash = write_dashboard(score(read(src, q), q), tmp_path / "dash.xlsx")
    about = texts(dash, "Over")
    assert "volledig = 1, half = 0,5, geen = 0" in about
    assert "alle toepasselijke antwoorden volledig of ja" in about
    assert "deels = 0,5" not in about and "weet niet" not in about


def test_instructions_for_the_default_scale(tmp_path, default_q):
    src = write_template(default_q, tmp_path / "invul.xlsx", filled=example_measurements(default_q)[1])
    front = texts(src, "Voorblad")
    assert "iedere vraag met ja, deels, nee, n.v.t. of weet niet (keuzelijst)" in front
    assert "ja = 1, deels = 0,5, nee = 0, weet niet = 0" in front
    assert ("n.v.t. telt niet mee, en kan alleen waar de vraag dat zegt; 'weet niet' telt als niet behaald en "
            "wordt gemeld als kennisleemte") in front
    assert "ja = 1, deels = 0,5, nee = 0, weet niet = 0, leeg = 0; n.v.t. telt niet mee" in texts(src, "Overzicht")
    dash = write_dashboard(score(read(src, default_q), default_q), tmp_path / "dash.xlsx")
    about = texts(dash, "Over")
    assert "ja = 1, deels = 0,5, nee = 0, weet niet = 0, leeg = 0 (en een melding); n.v.t. telt nergens mee." in about
    assert "minstens één antwoord leeg of weet niet" in about


def test_several_scales_are_all_named(tmp_path, small):
    from piramide import wording as W
    assert W.answer_choices(small) == ("een antwoord uit de keuzelijst: ja, deels, nee, n.v.t. of weet niet; "
                                       "bij sommige vragen ja of nee")
    jn_nee = 'label = "nee"\nwaarde = 0.0\n\n[[indicatoren]]'
    assert SMALL.count(jn_nee) == 1
    clash = qmod.load(_write(tmp_path, SMALL.replace(jn_nee, jn_nee.replace("0.0", "0.25"))))
    # "nee" means 0 in one scale and 0,25 in the other: each scale gets its own list.
    assert W.value_legend(clash) == ("schaal 'ja/deels/nee': ja = 1, deels = 0,5, nee = 0, weet niet = 0; "
                                     "schaal 'ja/nee': ja = 1, nee = 0,25")


def _write(tmp_path, text):
    p = tmp_path / "def.toml"
    p.write_text(text, encoding="utf-8")
    return p
