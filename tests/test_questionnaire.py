"""Loading and validating questionnaire definitions."""

import re
from collections import Counter

import pytest

from piramide import questionnaire as qmod

REFERENCE_FILES = {"000_fbb3ffa931de97dd.txt", "001_da811369c3a8017f.txt", "002_1366c2ae2502d8fb.txt",
                   "003_a89707cddbc46b07.txt", "004_65e5278a5bc3608b.txt"}
PILLARS = ["Bewustwording en organisatie", "Informatiepositie", "Beleid en handhaving",
           "Integere en veilige werkomgeving", "Communicatie intern en extern"]


def test_default_has_105_unique_questions_over_the_five_pillars(default_q):
    q = default_q
    ids = [x.id for x in q.questions]
    assert len(ids) == 105 and len(set(ids)) == 105
    assert [p.name for p in q.pillars] == PILLARS
    assert 4 <= len(q.phases) <= 5
    assert q.phases[-1].name == "Fitte gemeente"


def test_default_has_indicators_in_every_phase_of_every_pillar(default_q):
    q = default_q
    for p in q.pillars:
        assert {i.phase for i in q.indicators_of(p.id)} == {ph.number for ph in q.phases}
        assert all(q.questions_of(i.id) for i in q.indicators_of(p.id))
        assert all(i.handvat for i in q.indicators_of(p.id))


def test_default_questions_name_their_source_and_do_not_repeat(default_q):
    q = default_q
    assert all(x.source in REFERENCE_FILES and x.section for x in q.questions)
    assert all(x.help for x in q.questions)
    texts = Counter(x.text.lower() for x in q.questions)
    assert max(texts.values()) == 1


def test_default_says_it_is_our_own_rendering(default_q):
    assert "eigen uitwerking" in default_q.note.lower()


def test_check_passes_the_default():
    q, findings = qmod.check(qmod.resolve(None))
    assert q is not None
    assert findings == []


def test_small_definition_loads_with_custom_scale(small):
    assert small.scale("jn").labels() == ["ja", "nee"]
    assert small.question("B-02").scale_id == "jn"
    assert small.top_phase == 3


def _broken(text: str) -> str:
    """Plant one error of every kind in a copy of the small definition."""
    text = text.replace('aantal_vragen = 10', 'aantal_vragen = 11')                       # wrong total
    text = text.replace('id = "A-05"\nindicator = "A-2b"', 'id = "A-04"\nindicator = "A-2b"')  # duplicate id
    text = text.replace('id = "A-06"\nindicator = "A-3"\n', 'id = "A-06"\n')              # question without indicator
    text = text.replace('id = "B-01"\nindicator = "B-1"', 'id = "B-01"\nindicator = "B-9"')   # unknown indicator
    text = text.replace('schaal = "jn"', 'schaal = "jaofnee"')                             # unknown scale
    text = text.replace('id = "B-3"\npijler = "B"', 'id = "B-3"\npijler = "C"')            # unknown pillar
    text = text.replace('naam = "A top"', 'naam = "A top"\nhandvaat = "typo"')            # unknown key
    return text


def test_check_reports_every_planted_error_with_its_line(tmp_path):
    from conftest import SMALL
    p = tmp_path / "kapot.toml"
    p.write_text(_broken(SMALL), encoding="utf-8")
    q, findings = qmod.check(p)
    assert q is None
    codes = Counter(f.code for f in findings)
    for code in ["def_aantal_vragen", "def_dubbel_id", "def_vraag_zonder_indicator", "def_onbekende_indicator",
                 "def_onbekende_schaal", "def_onbekende_pijler", "def_onbekend_veld",
                 "def_indicator_zonder_vragen", "def_fase_zonder_indicator"]:
        assert codes[code] >= 1, code
    lines = p.read_text().splitlines()
    dup = next(f for f in findings if f.code == "def_dubbel_id")
    assert lines[dup.line - 1].strip() == 'id = "A-04"' and dup.line > lines.index('id = "A-04"')
    unk = next(f for f in findings if f.code == "def_onbekende_indicator")
    assert lines[unk.line - 1].strip() == 'id = "B-01"'
    typo = next(f for f in findings if f.code == "def_onbekend_veld")
    assert "handvat" in typo.message  # did you mean
    # indicators left without questions: A-3 (its question lost its indicator) and B-1
    empty = {re.search(r"'(.+?)'", f.message).group(1) for f in findings if f.code == "def_indicator_zonder_vragen"}
    assert empty == {"A-3", "B-1"}


def test_invalid_toml_is_reported_with_its_line(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text('id = "x"\nversie = \n', encoding="utf-8")
    q, findings = qmod.check(p)
    assert q is None and findings[0].code == "def_onleesbaar" and findings[0].line == 2


def test_load_raises_with_all_errors(tmp_path):
    from conftest import SMALL
    p = tmp_path / "kapot.toml"
    p.write_text(_broken(SMALL), encoding="utf-8")
    with pytest.raises(qmod.QuestionnaireError) as exc:
        qmod.load(p)
    assert len(exc.value.findings) >= 8


def test_vervangt_is_checked_against_the_earlier_version(tmp_path):
    from conftest import SMALL
    old = tmp_path / "v1.toml"
    old.write_text(SMALL, encoding="utf-8")
    new = tmp_path / "v2.toml"
    text = SMALL.replace('versie = "2"', 'versie = "3"')
    text = text.replace('id = "A-06"\nindicator = "A-3"', 'id = "A-07"\nindicator = "A-3"\nvervangt = ["A-06"]')
    text = text.replace('id = "B-04"\nindicator = "B-3"', 'id = "B-05"\nindicator = "B-3"\nvervangt = ["B-99"]')
    new.write_text(text, encoding="utf-8")
    q, findings = qmod.check(new)
    assert q is not None and q.question("A-07").replaces == ("A-06",)
    q, findings = qmod.check(new, previous=old)
    assert q is None
    bad = [f for f in findings if f.code == "def_vervangt_onbekend"]
    assert len(bad) == 1 and "B-99" in bad[0].message and "B-05" in bad[0].message
