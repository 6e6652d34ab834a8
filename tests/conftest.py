"""Shared fixtures: a small definition made for the tests (results in the tests are worked
out by hand from it), and helpers that build filled workbooks in the test itself."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

try:
    import piramide.questionnaires  # noqa: F401  (package data: present once piramide is installed)
except ModuleNotFoundError:
    # `python -m pytest` puts the checkout first on sys.path; its piramide/ has no questionnaires.
    pytest.exit("De tests gebruiken de geïnstalleerde piramide, niet de map piramide/ in de checkout: "
                "draai `pytest` na `pip install '.[test]'`, of installeer bewerkbaar met "
                "`pip install -e '.[test]'`.", returncode=4)

from piramide import questionnaire as qmod
from piramide.measurement import Measurement
from piramide.template import write_template

SMALL = '''
id = "test-piramide"
versie = "2"
titel = "Testpiramide"
aantal_vragen = 10
standaard_schaal = "jdn"

[[fasen]]
nummer = 1
naam = "Basis"
[[fasen]]
nummer = 2
naam = "Midden"
[[fasen]]
nummer = 3
naam = "Top"

[[pijlers]]
id = "A"
naam = "Pijler A"
[[pijlers]]
id = "B"
naam = "Pijler B"

[[schalen]]
id = "jdn"
naam = "ja/deels/nee"
[[schalen.antwoorden]]
label = "ja"
waarde = 1.0
synoniemen = ["j", "true", "1"]
[[schalen.antwoorden]]
label = "deels"
waarde = 0.5
synoniemen = ["gedeeltelijk"]
[[schalen.antwoorden]]
label = "nee"
waarde = 0.0
synoniemen = ["n", "false", "0"]
[[schalen.antwoorden]]
label = "n.v.t."
soort = "nvt"
synoniemen = ["nvt"]
[[schalen.antwoorden]]
label = "weet niet"
soort = "onbekend"

[[schalen]]
id = "jn"
naam = "ja/nee"
[[schalen.antwoorden]]
label = "ja"
waarde = 1.0
[[schalen.antwoorden]]
label = "nee"
waarde = 0.0

[[indicatoren]]
id = "A-1"
pijler = "A"
fase = 1
naam = "A basis"
handvat = "Doe A1."
[[indicatoren]]
id = "A-2a"
pijler = "A"
fase = 2
naam = "A midden een"
handvat = "Doe A3."
[[indicatoren]]
id = "A-2b"
pijler = "A"
fase = 2
naam = "A midden twee"
handvat = "Doe A4."
[[indicatoren]]
id = "A-3"
pijler = "A"
fase = 3
naam = "A top"
handvat = "Doe A6."
[[indicatoren]]
id = "B-1"
pijler = "B"
fase = 1
naam = "B basis"
handvat = "Doe B1."
[[indicatoren]]
id = "B-2"
pijler = "B"
fase = 2
naam = "B midden"
handvat = "Doe B2."
[[indicatoren]]
id = "B-3"
pijler = "B"
fase = 3
naam = "B top"
handvat = "Doe B3."

[[vragen]]
id = "A-01"
indicator = "A-1"
vraag = "Vraag A1?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "A-02"
indicator = "A-1"
vraag = "Vraag A2?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "A-03"
indicator = "A-2a"
vraag = "Vraag A3?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "A-04"
indicator = "A-2b"
vraag = "Vraag A4?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "A-05"
indicator = "A-2b"
vraag = "Vraag A5?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "A-06"
indicator = "A-3"
vraag = "Vraag A6?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "B-01"
indicator = "B-1"
vraag = "Vraag B1?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "B-02"
indicator = "B-2"
vraag = "Vraag B2 (ja/nee)?"
schaal = "jn"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "B-03"
indicator = "B-3"
vraag = "Vraag B3?"
bron = "003_a89707cddbc46b07.txt"
[[vragen]]
id = "B-04"
indicator = "B-3"
vraag = "Vraag B4?"
bron = "003_a89707cddbc46b07.txt"
'''

# The small definition with its main scale replaced by a RIEC's own words: no n.v.t., no weet niet.
JDN = SMALL[SMALL.index('[[schalen]]\nid = "jdn"'):SMALL.index('[[schalen]]\nid = "jn"')]
VHG = '''[[schalen]]
id = "jdn"
naam = "volledig/half/geen"
[[schalen.antwoorden]]
label = "volledig"
waarde = 1.0
[[schalen.antwoorden]]
label = "half"
waarde = 0.5
[[schalen.antwoorden]]
label = "geen"
waarde = 0.0

'''
CUSTOM = SMALL.replace(JDN, VHG)

# A keuzemenu and answer criteria, small enough to work out by hand. Pillar K: K-1 (phase 1) is
# met by 2 ja of its 4 options K-01..K-04; K-2 (phase 2): K-05 (n.v.t. cannot be) and K-06
# (n.v.t. only without coffeeshops). Pillar L: L-1 (L-01), L-2 (L-02).
MENU = JDN.join(['''
id = "test-keuzemenu"
versie = "1"
titel = "Testkeuzemenu"
standaard_schaal = "jdn"

[[fasen]]
nummer = 1
naam = "Basis"
[[fasen]]
nummer = 2
naam = "Op orde"

[[pijlers]]
id = "K"
naam = "Pijler K"
fasen = ["K heeft iets", "K heeft het vastgelegd"]
[[pijlers]]
id = "L"
naam = "Pijler L"

[[bronnen]]
id = "vk"
titel = "Verkenning instrumenten (BZK, 2021)"
jaar = 2021

[[begrippen]]
term = "Keuzemenu"
uitleg = "Een lijst waaruit de gemeente kiest."
bron = "vk §2.5"

''', '''
[[indicatoren]]
id = "K-1"
pijler = "K"
fase = 1
naam = "K menu"
thema = "Menu"
minimaal = 2
handvat = "Kies er twee."
eerste_stap = "Bespreek het menu."
eigenaar = "OOV"
klein = "Samen met de buren."
producten = ["Handreiking X"]
[[indicatoren]]
id = "K-2"
pijler = "K"
fase = 2
naam = "K vastgelegd"
handvat = "Leg vast."
[[indicatoren]]
id = "L-1"
pijler = "L"
fase = 1
naam = "L basis"
handvat = "Doe L1."
[[indicatoren]]
id = "L-2"
pijler = "L"
fase = 2
naam = "L midden"
handvat = "Doe L2."
''' + "".join(f'''
[[vragen]]
id = "K-0{n}"
indicator = "K-1"
vraag = "Optie {n}?"
bron = "vk §2.5"
''' for n in range(1, 5)) + '''
[[vragen]]
id = "K-05"
indicator = "K-2"
vraag = "Is er een meldregeling?"
ja_als = "De regeling is vastgesteld."
deels_als = "Er is een concept."
bron = "vk"
[[vragen]]
id = "K-06"
indicator = "K-2"
vraag = "Is er een coffeeshopbeleid?"
ja_als = "Het beleid is vastgesteld."
deels_als = "Er is een concept."
nvt_als = "De gemeente heeft geen coffeeshops."
bron = "vk §3"
[[vragen]]
id = "L-01"
indicator = "L-1"
vraag = "Vraag L1?"
bron = "vk"
[[vragen]]
id = "L-02"
indicator = "L-2"
vraag = "Vraag L2?"
bron = "vk"
'''])

SMALL_IDS = ["A-01", "A-02", "A-03", "A-04", "A-05", "A-06", "B-01", "B-02", "B-03", "B-04"]


@pytest.fixture
def small_path(tmp_path) -> Path:
    p = tmp_path / "test-piramide.toml"
    p.write_text(SMALL, encoding="utf-8")
    return p


@pytest.fixture
def small(small_path):
    return qmod.load(small_path)


@pytest.fixture
def menu(tmp_path):
    p = tmp_path / "test-keuzemenu.toml"
    p.write_text(MENU, encoding="utf-8")
    return qmod.load(p)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """The command line as a user types it, in a folder of its own (click's CliRunner)."""
    from click.testing import CliRunner

    from piramide.cli import main
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture(scope="session")
def default_q():
    return qmod.load()


def meta(gemeente="Teststad", datum=dt.date(2026, 3, 15), ambitie=None, ingevuld_door="Tester",
         geraadpleegd="") -> Measurement:
    return Measurement(gemeente=gemeente, regio="RIEC Test", datum=datum, soort="0-meting",
                       ingevuld_door=ingevuld_door, geraadpleegd=geraadpleegd, ambitie=ambitie or {})


def filled(q, path: Path, answers: dict, remarks: dict | None = None, **kw) -> Path:
    """A filled fill-in workbook, as our template writes it, with answers as typed."""
    remarks = remarks or {}
    raw = {qid: (v, remarks.get(qid, "")) for qid, v in answers.items()}
    return write_template(q, path, filled=meta(**kw), raw_answers=raw)


def all_answers(q, value="ja") -> dict:
    return {qq.id: value for qq in q.questions}


# --- LibreOffice --------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is niet geïnstalleerd; "
                                   "CI installeert libreoffice-calc-nogui")

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_convert(files: list[Path], target: str, outdir: Path, profile: Path, recalc: bool = True) -> list[Path]:
    """Convert with a throw-away profile; recalc=True makes LibreOffice recalculate every
    formula on load instead of trusting the cached values."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    if recalc:
        (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    ext = target.split(":")[0]
    out = [outdir / (f.stem + "." + ext) for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice schreef niet: {missing}"
    return out


# --- the fill-in workbook's live figures, held to the engine ---------------------------------

PILLAR_NAMES = ("fase", "score", "voortgang", "beantwoord", "stenen", "ambitie", "verschil")


def defined_cells(path: Path, q) -> dict[str, tuple[str, str]]:
    """piramide_<figure>_<n> -> (sheet, cell), for every pillar figure the template names."""
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for key in PILLAR_NAMES:
        for n in range(1, len(q.pillars) + 1):
            name = f"piramide_{key}_{n}"
            assert name in wb.defined_names, f"{name} ontbreekt"
            sheet, ref = wb.defined_names[name].attr_text.split("!")
            out[name] = (sheet, ref.replace("$", ""))
    wb.close()
    return out


class Values:
    """The stored (cached or recalculated) values of a workbook, read once with calamine."""

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook
        wb = CalamineWorkbook.from_path(str(path))
        self.sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}

    def at(self, sheet: str, ref: str):
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
        col, row = coordinate_from_string(ref)
        return self.cell(sheet, row - 1, column_index_from_string(col) - 1)

    def cell(self, sheet: str, r: int, c: int):
        rows = self.sheets[sheet]
        v = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        return "" if v is None else v

    def find_row(self, sheet: str, col: int, value) -> int:
        return next(i for i, row in enumerate(self.sheets[sheet]) if len(row) > col and row[col] == value)


def _same(expected, got) -> bool:
    if expected == "" or expected is None:
        return got in ("", None)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and abs(float(got) - float(expected)) < 1e-9
    return expected == got


def live_disagreements(q, r, v: Values, names: dict) -> list[tuple]:
    """Every live figure of a recalculated fill-in workbook that differs from the engine's Result
    `r`: per question (kind, value), per indicator (status, met), per pillar the named figures
    and the Overzicht row (answered, phase, phase name, score, progress, ambitie, gap, blocks)."""
    from piramide import labels as L
    from piramide.scoring import MET, counted
    out = []

    def check(what, expected, got):
        if not _same(expected, got):
            out.append((what, expected, got))

    qs = L.SHEET_QUESTIONS
    head = v.sheets[qs][0]
    c_id, c_kind, c_val = head.index(L.COL_ID), head.index("soort"), head.index("waarde")
    rows = {row[c_id]: row for row in v.sheets[qs][1:] if len(row) > c_val}
    for qq in q.questions:
        a = counted(qq, r.measurement.answers[qq.id])
        check(f"{qq.id} soort", a.kind, rows[qq.id][c_kind])
        check(f"{qq.id} waarde", "" if a.kind == "nvt" else (a.value if a.kind == "waarde" else 0),
              rows[qq.id][c_val] if rows[qq.id][c_val] is not None else "")

    calc = {row[0]: row for row in v.sheets[L.SHEET_CALC][1:len(q.indicators) + 1]}
    ov = L.SHEET_OVERVIEW
    h = v.find_row(ov, 0, "Pijler")
    cols = {name: i for i, name in enumerate(v.sheets[ov][h]) if name}
    total = v.find_row(ov, 0, "Beantwoorde vragen")
    answered = sum(p.answered for p in r.pillars)
    check("beantwoord totaal", answered, v.cell(ov, total, 1))
    check("beantwoord totaal %", answered / len(q.questions), v.cell(ov, total, 3))
    for n, pr in enumerate(r.pillars, 1):
        pid = pr.pillar.id
        for ir in pr.indicators:
            check(f"{ir.indicator.id} status", ir.status, calc[ir.indicator.id][7])
            check(f"{ir.indicator.id} behaald", int(ir.status in MET), calc[ir.indicator.id][8])
        named = {"fase": pr.phase, "score": pr.score, "voortgang": pr.progress, "beantwoord": pr.answered,
                 "stenen": len(pr.loose_stones), "ambitie": pr.ambitie, "verschil": pr.gap}
        for key, expected in named.items():
            check(f"piramide_{key}_{n} ({pid})", expected, v.at(*names[f"piramide_{key}_{n}"]))
        row = v.find_row(ov, 0, pr.pillar.name)
        shown = lambda col: v.cell(ov, row, cols[col])  # noqa: E731
        check(f"{pid} Beantwoord", f"{pr.answered} / {pr.total}", shown("Beantwoord"))
        check(f"{pid} Fase", pr.phase, shown("Fase"))
        check(f"{pid} Fasenaam", q.phase_name(pr.phase) if pr.phase else "Geen fase", shown("Fasenaam"))
        check(f"{pid} Score", "n.v.t." if pr.score is None else pr.score / 100, shown("Score"))
        check(f"{pid} Naar volgende fase", "–" if pr.progress is None else pr.progress / 100,
              shown("Naar volgende fase"))
        check(f"{pid} Ambitie", pr.ambitie, shown("Ambitie"))
        check(f"{pid} Verschil", pr.gap, shown("Verschil"))
        stone_phases = {q.indicator(i).phase for i in pr.loose_stones}
        for k in range(1, q.top_phase + 1):
            mark = "■" if k <= pr.phase else ("□" if k in stone_phases else "")
            check(f"{pid} blok F{k}", mark, shown(f"F{k}"))
    return out
