"""Scoring on the small test definition, against results worked out by hand.

Pillar A: A-1 (phase 1: A-01, A-02), A-2a (phase 2: A-03), A-2b (phase 2: A-04, A-05),
A-3 (phase 3: A-06). Pillar B: B-1 (B-01), B-2 (B-02, ja/nee scale), B-3 (B-03, B-04).
"""

import pytest

from piramide.answers import normalize
from piramide.measurement import Measurement
from piramide.scoring import indicator_status, reached_phase, score


def measure(q, answers: dict, ambitie=None) -> Measurement:
    m = Measurement(gemeente="Teststad", ambitie=ambitie or {})
    for qq in q.questions:
        m.answers[qq.id] = normalize(q.scale(qq.scale_id), qq.id, answers.get(qq.id, "ja"))
    return m


def statuses(q, *values):
    return indicator_status([normalize(q.scale("jdn"), "X", v) for v in values])[0]


@pytest.mark.parametrize("values, expected", [
    (("ja", "ja"), "behaald"),
    (("ja", "n.v.t."), "behaald"),
    (("n.v.t.", "n.v.t."), "n.v.t."),
    (("ja", "deels"), "deels"),
    (("ja", "weet niet"), "onbekend"),
    (("ja", ""), "onbekend"),
    (("ja", "misschien"), "onbekend"),     # invalid counts as not answered
    (("deels", "weet niet"), "deels"),
    (("nee", "weet niet"), "niet behaald"),
    (("nee", "nee"), "niet behaald"),
    (("nee", "deels"), "deels"),
])
def test_indicator_status_by_the_rule(small, values, expected):
    assert statuses(small, *values) == expected


def test_reached_phase_is_built_from_the_bottom():
    assert reached_phase({1: True, 2: True, 3: True}, 3) == 3
    assert reached_phase({1: True, 2: False, 3: True}, 3) == 1
    assert reached_phase({1: False, 2: True, 3: True}, 3) == 0


def test_all_ja_reaches_the_top(small):
    r = score(measure(small, {}), small)
    assert [(p.pillar.id, p.phase, p.score) for p in r.pillars] == [("A", 3, 100.0), ("B", 3, 100.0)]
    assert r.pillar("A").next_phase is None and r.pillar("A").progress is None
    assert r.improvements == []


def test_phase_one_flipped_to_nee_drops_the_pillar_to_zero(small):
    r = score(measure(small, {"A-01": "nee"}), small)
    a = r.pillar("A")
    assert a.phase == 0 and a.phase_name == "geen fase"
    assert a.score == pytest.approx(500 / 6)            # five ja out of six applicable
    assert a.loose_stones == ["A-2a", "A-2b", "A-3"]      # built on a missing foundation
    assert a.progress == 0.0                              # A-1 is the only phase-1 indicator
    assert r.pillar("B").phase == 3
    assert "A-01 'nee'" in a.explanation and a.explanation.startswith("Nog geen fase bereikt")


def test_score_and_progress_with_deels_and_nvt(small):
    # A-1 behaald; A-2a behaald (A-03 ja); A-2b deels (A-04 deels, A-05 n.v.t.); A-3 nee.
    r = score(measure(small, {"A-04": "deels", "A-05": "n.v.t.", "A-06": "nee"}), small)
    a = r.pillar("A")
    assert a.phase == 1
    assert a.score == pytest.approx(100 * (1 + 1 + 1 + 0.5 + 0) / 5)   # 70 %: n.v.t. left out
    assert a.progress == 50.0                                          # one of two phase-2 indicators met
    assert a.loose_stones == ["A-2a"]
    assert r.indicator("A-2b").status == "deels"
    # Dutch sentences: the indicator by name, its code and the answers in brackets
    assert a.explanation == ("Fase 1 (Basis) is bereikt. Fase 2 (Midden) nog niet, omdat A midden twee (A-2b) "
                             "deels behaald is (A-04 'deels').")


def test_all_nvt_pillar_cannot_be_judged(small):
    # B-02 uses the ja/nee scale, which has no n.v.t.: answered 'n.v.t.' there it is invalid.
    m = measure(small, {"B-01": "n.v.t.", "B-02": "n.v.t.", "B-03": "n.v.t.", "B-04": "n.v.t."})
    assert m.answers["B-02"].kind == "ongeldig"
    assert score(m, small).pillar("B").judgeable is True
    m.answers["B-02"] = normalize(small.scale("jdn"), "B-02", "n.v.t.")
    r = score(m, small)
    b = r.pillar("B")
    assert b.judgeable is False and b.score is None
    assert b.phase == 3                        # every indicator n.v.t. counts as met, by the rule
    assert any(f.code == "pijler_niet_te_beoordelen" for f in r.findings)


def test_weet_niet_and_empty_are_gaps_not_nee(small):
    r = score(measure(small, {"A-02": "weet niet", "B-03": ""}), small)
    assert r.indicator("A-1").status == "onbekend" and r.pillar("A").phase == 0
    assert r.indicator("B-3").status == "onbekend" and r.pillar("B").phase == 2
    assert "A-02 'weet niet'" in r.pillar("A").explanation
    assert "B-03 'leeg'" in r.pillar("B").explanation


def test_ambitie_gap_and_improvements_foundations_first(small):
    answers = {"A-01": "nee", "A-04": "nee", "B-02": "nee"}
    r = score(measure(small, answers, ambitie={"A": 2, "B": 3}), small)
    a, b = r.pillar("A"), r.pillar("B")
    assert (a.phase, a.ambitie, a.gap) == (0, 2, 2)
    assert (b.phase, b.ambitie, b.gap) == (1, 3, 2)
    got = [(i.indicator.indicator.id, i.reason) for i in r.improvements]
    assert got == [("A-1", "nodig voor fase 1"),
                   ("A-2b", "nodig voor ambitie fase 2"),
                   ("B-2", "nodig voor fase 2")]


def test_missing_answers_count_as_empty(small):
    m = measure(small, {})
    del m.answers["A-06"]
    r = score(m, small)
    assert r.indicator("A-3").status == "onbekend"
    assert r.pillar("A").phase == 2


# Scoring is pure (design notes): it knows nothing of files, workbooks or how answers were read.
FORBIDDEN_FOR_SCORING = {
    # workbooks and files
    "openpyxl", "xlsxwriter", "python_calamine", "defusedxml", "msoffcrypto", "zipfile",
    "pathlib", "io", "os", "shutil", "tempfile", "glob",
    # the rooms that read, gate, load or write files
    "piramide.reader", "piramide.gate", "piramide.questionnaire", "piramide.template",
    "piramide.dashboard", "piramide.overview_workbook", "piramide.output", "piramide.example",
    "piramide.batch", "piramide.cli",
}


def imported_modules(source: str, package: str) -> set[str]:
    """Every module a source imports, relative imports resolved against `package`
    ("from . import reader" -> piramide.reader; "from .reader import x" -> piramide.reader)."""
    import ast
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module
            out.add(mod)
            if not node.module:          # "from . import reader": the names are modules
                out |= {f"{mod}.{a.name}" for a in node.names}
    return out


def forbidden(modules: set[str]) -> set[str]:
    return {m for m in modules if m in FORBIDDEN_FOR_SCORING or m.split(".")[0] in FORBIDDEN_FOR_SCORING}


def test_import_resolver_sees_relative_imports():
    got = imported_modules("from . import reader\nfrom .template import x\nfrom ..y import z\n"
                           "import openpyxl.cell\nfrom pathlib import Path", "piramide")
    assert forbidden(got) == {"piramide.reader", "piramide.template", "openpyxl.cell", "pathlib"}


def test_scoring_does_not_know_files_or_excel():
    import inspect
    import subprocess
    import sys

    import piramide.scoring as s
    imported = imported_modules(inspect.getsource(s), "piramide")
    assert {"piramide.model", "piramide.measurement"} <= imported     # the parser sees its imports
    assert not forbidden(imported)
    # Nor through what it imports: what importing scoring adds in a fresh interpreter (which
    # itself starts with io, os and pathlib loaded).
    code = "import sys; a = set(sys.modules); import piramide.scoring; print(*(set(sys.modules) - a))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert {"piramide.scoring", "piramide.model"} <= loaded
    assert not forbidden(loaded)


def test_to_frame_for_analysts_one_row_per_indicator(small):
    pytest.importorskip("pandas", reason="pandas hoort bij de test-extra: pip install '.[test]'")
    r = score(measure(small, {"A-01": "nee"}), small)
    df = r.to_frame()
    assert len(df) == len(small.indicators)
    row = df.set_index("indicator").loc["A-1"]
    assert (row["pijler"], row["fase"], row["status"], row["gemeente"]) == ("A", 0, "deels", "Teststad")
    assert set(df.columns) >= {"gemeente", "datum", "vragenlijst", "pijler", "fase", "score", "indicator", "status"}


def test_explanation_names_every_blocker_and_counts_the_rest(small):
    # A-2a and A-2b both open: both named, by name with the code in brackets, joined with "en".
    r = score(measure(small, {"A-03": "nee", "A-04": "weet niet"}), small)
    assert r.pillar("A").explanation == (
        "Fase 1 (Basis) is bereikt. Fase 2 (Midden) nog niet, omdat A midden een (A-2a) niet behaald is "
        "(A-03 'nee') en A midden twee (A-2b) nog onbekend is (A-04 'weet niet').")


def test_first_steps_are_the_lowest_open_phase_taking_turns_over_pillars(small):
    # A stops at 0 (A-1 open, ambitie 3: A-2a, A-2b open too); B at 1 (B-2 open). The lowest phase
    # not reached is 1 (A-1 alone), so phase 2 fills up to three steps, taking turns: A-2a, B-2,
    # then A-2b (the whole phase, at most five).
    r = score(measure(small, {"A-01": "nee", "A-03": "nee", "A-04": "nee", "B-02": "nee"}, {"A": 3}), small)
    steps = [s.indicator.indicator.id for s in r.first_steps]
    assert steps == ["A-1", "A-2a", "B-2", "A-2b"]
    # Without the ambitie, A's steps stop at its next phase: what there is, fewer than three.
    r = score(measure(small, {"A-01": "nee", "A-03": "nee", "A-04": "nee", "B-02": "nee"}), small)
    assert [s.indicator.indicator.id for s in r.first_steps] == ["A-1", "B-2"]
    r = score(measure(small, {}), small)
    assert r.first_steps == []
