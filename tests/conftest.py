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

SMALL_IDS = ["A-01", "A-02", "A-03", "A-04", "A-05", "A-06", "B-01", "B-02", "B-03", "B-04"]


@pytest.fixture
def small_path(tmp_path) -> Path:
    p = tmp_path / "test-piramide.toml"
    p.write_text(SMALL, encoding="utf-8")
    return p


@pytest.fixture
def small(small_path):
    return qmod.load(small_path)


@pytest.fixture(scope="session")
def default_q():
    return qmod.load()


def meta(gemeente="Teststad", datum=dt.date(2026, 3, 15), ambitie=None) -> Measurement:
    return Measurement(gemeente=gemeente, regio="RIEC Test", datum=datum, soort="0-meting",
                       ingevuld_door="Tester", ambitie=ambitie or {})


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
