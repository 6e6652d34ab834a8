"""The built-in staff survey, the validation of survey definitions (with the line of each
mistake), the Voorbeeldstad example exports and the fill-in form.

Expected shares are counted here from the example's answers, by hand, not through the
reader or the aggregation they check."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from piramide import survey_definition as sd
from piramide import survey_example as se
from piramide.errors import OutputError
from piramide.survey import GROEP, KEUZE, NO_GROUP, OPEN
from piramide.survey_aggregate import aggregate
from piramide.survey_form import SHEET_ANSWERS, SHEET_HELP, SHEET_LISTS, write_form
from piramide.survey_reader import read_export

NAMED = {"meldpunt-bekend", "meldbereid", "beleid-integriteit-bekend", "weet-wat-te-doen", "nazorg-ontvangen",
         "intimidatie-ervaren", "beinvloeding-ervaren"}
THEMES = {"bewustzijn", "melden", "ervaren", "handelen", "nazorg", "beleid"}
NOT_COUNTED = {"Wil ik niet zeggen", "Niet van toepassing"}      # the two telt_mee = false answers


@pytest.fixture(scope="module")
def survey():
    return sd.load("medewerkersenquete")


# --- the built-in definition ---------------------------------------------------------------

def test_builtin_checks_clean():
    s, findings = sd.check(sd.DEFAULT)
    assert findings == []
    assert s is not None and s.id == "medewerkersenquete" and s.version == "1.0"
    assert "medewerkersenquete" in sd.builtin_names()


def test_builtin_contents(survey):
    assert 20 <= len(survey.questions) <= 30
    assert {q.id for q in survey.of_kind(GROEP)} == {"afdeling", "functie", "rol"}
    assert not survey.question("afdeling").scale_id                   # free values
    assert survey.question("functie").scale_id and survey.question("rol").scale_id
    assert 1 <= len(survey.of_kind(OPEN)) <= 2
    assert {t.id for t in survey.themes} == THEMES
    for q in survey.of_kind(KEUZE):
        assert q.theme in THEMES, q.id
    ids = {i.id for i in survey.indicators}
    assert NAMED <= ids
    assert 8 <= len(ids) <= 13
    for ind in survey.indicators:
        assert ind.theme in THEMES and ind.meaning and ind.source, ind.id
        assert (ind.minimum is None) != (ind.maximum is None), ind.id
    assert {i.theme for i in survey.indicators} == THEMES               # every theme has a norm
    # the experienced-incident indicators are ceilings, the others floors
    for iid in ("intimidatie-ervaren", "beinvloeding-ervaren"):
        assert survey.indicator(iid).maximum is not None
    assert survey.indicator("meldpunt-bekend").minimum == 70
    assert survey.indicator("beinvloeding-ervaren").maximum == 10


def test_builtin_question_ids_are_limesurvey_codes(survey):
    for q in survey.questions:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", q.id), q.id


def test_builtin_scales_carry_the_codes_tools_write(survey):
    """The documented rule: A1, A2, ... in the order of the answers; Y/N on yes and no;
    1..5 on the agreement scale; English labels of Microsoft Forms."""
    for scale in survey.scales:
        for n, choice in enumerate(scale.choices, 1):
            assert f"A{n}" in choice.aliases, (scale.id, choice.label)
        for choice in scale.choices:
            if choice.label == "Ja":
                assert {"Y", "Yes"} <= set(choice.aliases)
            if choice.label == "Nee":
                assert {"N", "No"} <= set(choice.aliases)
    eens = survey.scale("eens")
    assert [next(a for a in c.aliases if a.isdigit()) for c in eens.choices[:5]] == ["1", "2", "3", "4", "5"]
    assert "Strongly agree" in eens.choices[4].aliases
    assert [c.counted for c in survey.scale("nazorg").choices] == [True, True, False]
    assert survey.scale("nazorg").choices[2].label == "Niet van toepassing"
    assert survey.scale("vaak").labels()[:3] == ["Nooit", "Eén keer", "Vaker"]


def test_builtin_names_its_sources():
    text = (sd.builtin_dir() / "medewerkersenquete.toml").read_text(encoding="utf-8")
    head = text.split("soort =", 1)[0]
    assert "003 §2.2" in head and "003 §2.4" in head and "geen officiële vragenlijst" in head.lower()
    assert "[[bronnen]]" in text


# --- a definition with one mistake: the right finding on the right line ----------------------

MINI = '''soort = "enquete"
id = "mini"
versie = "1.0"
titel = "Mini-enquête"
minimum_groep = 5

[[themas]]
id = "melden"
naam = "Melden"

[[schalen]]
id = "jn"
naam = "ja / nee"
[[schalen.antwoorden]]
label = "Ja"
synoniemen = ["Y"]
[[schalen.antwoorden]]
label = "Nee"
synoniemen = ["N"]
[[schalen.antwoorden]]
label = "Wil ik niet zeggen"
telt_mee = false

[[vragen]]
id = "afdeling"
vraag = "Bij welke afdeling werkt u?"
soort = "groep"

[[vragen]]
id = "meldpunt"
vraag = "Weet u waar u een signaal kunt melden?"
schaal = "jn"
thema = "melden"

[[indicatoren]]
id = "meldpunt-bekend"
naam = "Medewerkers weten waar zij melden"
vraag = "meldpunt"
antwoorden = ["Ja"]
minimaal = 70
'''


def _check(tmp_path: Path, text: str):
    path = tmp_path / "def.toml"
    path.write_text(text, encoding="utf-8")
    return sd.check(path)


def _line(text: str, needle: str) -> int:
    """The 1-based line of the (only) line that holds `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_mini_definition_is_clean(tmp_path):
    s, findings = _check(tmp_path, MINI)
    assert s is not None and findings == []


# A mistake in an item is placed on the line of the item's id (the convention of every
# definition: an editor finds the item there); a top-level setting on its own line.
IND, Q_MELD, Q_AFD = 'id = "meldpunt-bekend"', 'id = "meldpunt"', 'id = "afdeling"'


@pytest.mark.parametrize("old, new, code, needle", [
    ("minimum_groep = 5", "minimum_groep = 3", "enq_def_minimum", "minimum_groep = 3"),
    ("minimum_groep = 5", "minimum_groep = 4.5", "enq_def_minimum", "minimum_groep = 4.5"),
    ('vraag = "meldpunt"', 'vraag = "meldpnt"', "enq_def_indicator_vraag", IND),
    ('vraag = "meldpunt"', 'vraag = "afdeling"', "enq_def_indicator_vraag", IND),
    ('antwoorden = ["Ja"]', 'antwoorden = ["Jawel"]', "enq_def_indicator_antwoord", IND),
    ('antwoorden = ["Ja"]', 'antwoorden = ["Wil ik niet zeggen"]', "enq_def_indicator_antwoord", IND),
    ("minimaal = 70", "minimaal = 70\nmaximaal = 90", "enq_def_norm", IND),
    ("minimaal = 70", "bron = \"002\"", "enq_def_norm", IND),
    ('thema = "melden"', 'thema = "meldne"', "enq_def_onbekend_thema", Q_MELD),
    ('schaal = "jn"', 'schaal = "jnw"', "def_onbekende_schaal", Q_MELD),
    ('soort = "groep"', 'soort = "groepje"', "enq_def_soort_vraag", Q_AFD),
])
def test_mistake_gives_finding_with_line(tmp_path, old, new, code, needle):
    assert MINI.count(old) == 1
    text = MINI.replace(old, new)
    s, findings = _check(tmp_path, text)
    hits = [f for f in findings if f.code == code]
    assert hits, [(f.code, f.message) for f in findings]
    assert hits[0].line == _line(text, needle), (hits[0].line, hits[0].message)
    assert s is None and hits[0].severity == "fout"
    assert str(tmp_path / "def.toml") in hits[0].file


def test_minimum_group_above_five_is_kept(tmp_path):
    s, findings = _check(tmp_path, MINI.replace("minimum_groep = 5", "minimum_groep = 10"))
    assert findings == [] and s is not None and s.min_group == 10


def test_indicator_message_names_the_labels(tmp_path):
    _, findings = _check(tmp_path, MINI.replace('antwoorden = ["Ja"]', 'antwoorden = ["Jawel"]'))
    f = next(f for f in findings if f.code == "enq_def_indicator_antwoord")
    assert "Jawel" in f.message and "Ja" in f.message and "Nee" in f.message
    assert "Wil ik niet zeggen" not in f.message        # not counted: not a choice for an indicator


# --- the Voorbeeldstad example exports ------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory, survey):
    folder = tmp_path_factory.mktemp("voorbeeld")
    paths = se.write_example(folder)
    read = {p.suffix: read_export(p, survey) for p in paths}
    return folder, paths, read


def _hand_share(people, qid: str, answers) -> tuple[int, float]:
    given = [p.answers[qid] for p in people if qid in p.answers and p.answers[qid] not in NOT_COUNTED]
    return len(given), 100.0 * sum(1 for a in given if a in answers) / len(given)


def test_example_files(example):
    folder, paths, _ = example
    assert [p.name for p in paths] == ["enquete-voorbeeldstad-forms.xlsx", "enquete-voorbeeldstad-limesurvey.csv"]
    raw = paths[1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    head = raw[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert head.startswith('"id","submitdate","lastpage","startlanguage","seed","gemeente","afdeling"')
    assert '"Y"' in raw.decode("utf-8-sig") and '"A5"' in raw.decode("utf-8-sig")
    ws = openpyxl.load_workbook(paths[0], read_only=True).worksheets[0]
    first = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert first[:6] == ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijdstip van laatste wijziging"]
    assert first[6:8] == ["Gemeente", "Bij welke afdeling werkt u?"]


def test_example_reads_clean_and_both_exports_agree(example, survey):
    _, _, read = example
    people = se.respondents()
    assert len(people) == 120
    for r in read.values():
        assert [f for f in r.findings if f.severity == "fout"] == []
        assert [f.code for f in r.findings] == []
        assert len(r.rows) == 120
        assert r.period == "oktober 2025"
        assert r.asked == {q.id for q in survey.questions}
        assert {row.gemeente for row in r.rows} == {"Voorbeeldstad"}
    forms, lime = aggregate(read[".xlsx"]), aggregate(read[".csv"])
    met = 0
    for ind in survey.indicators:
        n, share = _hand_share(people, ind.question_id, ind.answers)
        for result in (forms, lime):
            got = result.indicators[ind.id]
            assert got.n == n, ind.id
            assert got.share == pytest.approx(share), ind.id
        met += bool(forms.indicators[ind.id].met)
    assert 4 <= met <= len(survey.indicators) - 4            # a story: some norms met, some not
    assert forms.tallies == lime.tallies


def test_example_small_groups_hidden(example):
    _, _, read = example
    people = se.respondents()
    sizes: dict[str, int] = {}
    for p in people:
        sizes[p.afdeling or NO_GROUP] = sizes.get(p.afdeling or NO_GROUP, 0) + 1
    assert sorted(sizes.values())[:2] == [3, 7]
    assert 6 <= sum(1 for g in sizes if g != NO_GROUP) <= 8
    result = aggregate(read[".csv"])
    afdeling = next(g for g in result.groupings if g.question.id == "afdeling")
    shown = {g.name: g.size for g in afdeling.groups}
    assert "Griffie" not in shown                                   # 3 respondents
    assert afdeling.hidden >= 2 and afdeling.hidden_size >= 5       # and one more, against subtraction
    for name, size in shown.items():
        assert size == sizes[name] and size >= 5
    rol = next(g for g in result.groupings if g.question.id == "rol")
    assert [g.name for g in rol.groups] == ["Ambtenaar"]             # 2 bestuurders hide the 5 raadsleden too


def test_example_keeps_no_identity(example):
    _, _, read = example
    for r in read.values():
        assert "voorbeeldstad.example" not in repr(r.rows) and "Medewerker 1" not in repr(r.rows)
        assert "2025-10" not in repr(r.rows)
    assert set(read[".xlsx"].dropped_columns) == {"ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam",
                                                  "Tijdstip van laatste wijziging"}


def test_example_is_deterministic(survey):
    a, b = se.respondents(), se.respondents()
    assert [(p.afdeling, p.answers, p.texts, p.completed) for p in a] == \
        [(p.afdeling, p.answers, p.texts, p.completed) for p in b]
    assert se.limesurvey_bytes(survey, a) == se.limesurvey_bytes(survey, b)
    assert se.forms_bytes(survey, a) == se.forms_bytes(survey, b)


def test_example_not_replaced_without_force(tmp_path):
    se.write_example(tmp_path)
    target = tmp_path / se.LIMESURVEY_FILE
    target.write_text("eigen bestand", encoding="utf-8")
    with pytest.raises(OutputError, match="bestaat al"):
        se.write_example(tmp_path)
    assert target.read_text(encoding="utf-8") == "eigen bestand"
    se.write_example(tmp_path, force=True)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_limesurvey_codes(survey):
    assert se.limesurvey_code(survey.scale("jn"), "Ja") == "Y"
    assert se.limesurvey_code(survey.scale("jn"), "Nee") == "N"
    assert se.limesurvey_code(survey.scale("jnw"), "Weet ik niet") == "A3"
    assert se.limesurvey_code(survey.scale("jnw"), "Ja") == "A1"
    assert se.limesurvey_code(survey.scale("eens"), "Helemaal mee eens") == "A5"


# --- the fill-in form -----------------------------------------------------------------------

def test_form_round_trip(tmp_path, survey):
    path = write_form(survey, tmp_path / "invulformulier.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_HELP, SHEET_ANSWERS, SHEET_LISTS]
    assert wb[SHEET_LISTS].sheet_state == "hidden"
    ws = wb[SHEET_ANSWERS]
    assert ws.freeze_panes == "B2"
    heads = {ws.cell(1, c).value: c for c in range(2, ws.max_column + 1)}
    assert list(heads) == [q.text for q in survey.questions]
    assert ws.max_row >= 301
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
    scaled = [q for q in survey.questions if q.scale_id]
    assert len(lists) == len(scaled)
    assert "Lijsten" in lists[ws.cell(2, heads[survey.question("meldpunt").text]).coordinate].formula1
    # Fill five respondents as a person would, synonyms and skipped questions included.
    fill = [
        {"afdeling": "Publiekszaken", "functie": "Uitvoerend", "meldpunt": "Ja", "intimidatie": "Vaker",
         "nazorg": "Nee", "meldbereid": "Mee eens", "verbetering": "Meer training."},
        {"afdeling": "publiekszaken ", "functie": "Leidinggevend", "meldpunt": "ja", "intimidatie": "Nooit",
         "nazorg": "Niet van toepassing", "meldbereid": "Helemaal mee eens"},
        {"afdeling": "Handhaving", "meldpunt": "Nee", "intimidatie": "Eén keer", "nazorg": "Ja",
         "meldbereid": "Niet eens, niet oneens"},
        {"afdeling": "Handhaving", "meldpunt": "Weet ik niet", "intimidatie": "Wil ik niet zeggen"},
        {"meldpunt": "Ja", "meldbereid": "Mee oneens"},
    ]
    for r, answers in enumerate(fill, 2):
        for qid, value in answers.items():
            ws.cell(r, heads[survey.question(qid).text]).value = value
    wb.save(path)
    read = read_export(path, survey)
    assert [f.code for f in read.findings if f.severity == "fout"] == []
    assert len(read.rows) == 5
    assert [r.groups["afdeling"] for r in read.rows] == ["Publiekszaken", "Publiekszaken", "Handhaving", "Handhaving",
                                                          NO_GROUP]
    assert [r.answers.get("meldpunt") for r in read.rows] == ["Ja", "Ja", "Nee", "Weet ik niet", "Ja"]
    assert [r.answers.get("intimidatie") for r in read.rows] == ["Vaker", "Nooit", "Eén keer", "Wil ik niet zeggen",
                                                                 None]
    assert read.rows[0].texts == {"verbetering": "Meer training."}
    assert read.asked == {q.id for q in survey.questions}
    result = aggregate(read)
    assert result.shown is True and result.respondents == 5
    assert result.indicators["meldpunt-bekend"].share == pytest.approx(60.0)     # 3 of 5
    # nazorg: 1 of 2 counted answers (n.v.t. does not count): too few to show
    assert result.indicators["nazorg-ontvangen"].share is None and result.tallies["nazorg"].shown is False


def test_form_empty_reads_as_no_respondents(tmp_path, survey):
    read = read_export(write_form(survey, tmp_path / "leeg.xlsx"), survey)
    assert read.rows == [] and [f.code for f in read.findings] == ["enq_geen_respondenten"]


def test_form_help_is_dutch_and_says_no_names(tmp_path, survey):
    wb = openpyxl.load_workbook(write_form(survey, tmp_path / "f.xlsx"))
    text = " ".join(str(c.value) for row in wb[SHEET_HELP].iter_rows() for c in row if c.value)
    assert "geen namen" in text.lower() and "5 respondenten" in text
    assert "piramide enquete" in text


def test_form_not_replaced_without_replace(tmp_path, survey):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"eigen")
    with pytest.raises(OutputError):
        write_form(survey, path)
    assert path.read_bytes() == b"eigen"
    write_form(survey, path, replace=True)
    assert path.read_bytes().startswith(b"PK")
