"""Loading and validating questionnaire definitions."""

import re
from collections import Counter

import pytest

from piramide import questionnaire as qmod

REFERENCE_IDS = {"000", "001", "002", "003", "004"}     # the reference texts, as declared [[bronnen]]
PILLARS = ["Bewustwording en organisatie", "Informatiepositie", "Beleid en handhaving",
           "Integere en veilige werkomgeving", "Communicatie intern en extern"]


def test_default_has_105_unique_questions_over_the_five_pillars(default_q):
    q = default_q
    ids = [x.id for x in q.questions]
    assert len(ids) == 105 and len(set(ids)) == 105
    assert [p.name for p in q.pillars] == PILLARS
    assert q.version == "2.0"
    # Maturity, not topic buckets: present -> vastgelegd -> toegepast en getoetst -> lerend.
    assert [p.name for p in q.phases] == ["Aanwezig", "Vastgelegd", "Toegepast en getoetst", "Lerend en proactief"]
    # How questions spread follows the content, not a symmetry of 21 per pillar.
    per_pillar = Counter(q.pillar_of(x).id for x in q.questions)
    assert len(set(per_pillar.values())) > 1


def test_default_has_indicators_in_every_phase_of_every_pillar(default_q):
    q = default_q
    for p in q.pillars:
        assert {i.phase for i in q.indicators_of(p.id)} == {ph.number for ph in q.phases}
        assert all(q.questions_of(i.id) for i in q.indicators_of(p.id))
        assert len(p.phase_texts) == len(q.phases), p.id           # what each phase means for this pillar
        themes = {i.theme for i in q.indicators_of(p.id)}
        assert "" not in themes and 2 <= len(themes) <= 4, (p.id, themes)


def test_default_handvatten_name_a_first_step_an_owner_and_a_small_variant(default_q):
    for i in default_q.indicators:
        assert i.handvat and i.first_step and i.owner and i.small, i.id
        assert i.products, i.id


def test_default_questions_have_answer_criteria_and_a_declared_source(default_q):
    q = default_q
    declared = {s.id for s in q.sources}
    assert REFERENCE_IDS <= declared and all(s.title for s in q.sources)
    for x in q.questions:
        assert x.ja_when and x.deels_when, x.id
        assert x.source.split()[0] in declared, x.id
        assert q.source_title(x.source) != x.source              # the workbook shows a title, not a code
    # n.v.t. is the exception that needs a reason, not a way round a gate.
    allowed = [x for x in q.questions if x.nvt_allowed]
    assert 0 < len(allowed) < len(q.questions) / 4
    texts = Counter(x.text.lower() for x in q.questions)
    assert max(texts.values()) == 1


def test_default_explains_its_legal_terms(default_q):
    terms = {t.term.lower() for t in default_q.terms}
    for needed in ("bibob", "vog", "13b", "174a", "klokkenluider", "aangifte onder nummer"):
        assert any(needed in t for t in terms), needed


def test_default_basics_sit_low(default_q):
    """The review: integrity screening of bestuurders, two-factor login, a meldregeling and
    nazorg are foundations, not the top of the pyramid."""
    q = default_q
    for words in (["vog"], ["twee", "factor"], ["meldregeling", "meldprocedure"], ["nazorg"]):
        phases = [q.indicator(x.indicator_id).phase for x in q.questions
                  if any(w in (x.text + " " + q.indicator(x.indicator_id).name).lower() for w in words)]
        assert phases and min(phases) <= 2, (words, phases)


def test_default_continues_1_0(default_q):
    """Every 1.0 question is kept or named in a `vervangt` of 2.0 (or dropped on purpose, as
    the file's header says), and every `vervangt` names a real 1.0 id."""
    old = qmod.load("piramide-fitte-gemeenten-1.0")
    assert old.version == "1.0" and old.id == default_q.id
    q, findings = qmod.check(qmod.resolve(None), previous=old.path)
    assert q is not None and not [f for f in findings if f.code == "def_vervangt_onbekend"]
    continued = {x.id for x in default_q.questions} | {o for x in default_q.questions for o in x.replaces}
    gone = sorted({x.id for x in old.questions} - continued)
    header = qmod.resolve(None).read_text(encoding="utf-8").split("[[fasen]]")[0]
    assert all(g in header for g in gone), gone
    assert len(gone) <= 5


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
