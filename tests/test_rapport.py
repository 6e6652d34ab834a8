"""The rapport for the bestuur, read back as a reader would: the Word document with python-docx
(summary on page 1, a section per pillar, the bijlage, the sources), the PDF that LibreOffice
makes of it with pdftotext (one conversion shared by every assert), and the house-style
templates a RIEC makes, friendly and hostile."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SMALL_IDS, SOFFICE, all_answers, filled
from piramide import questionnaire as qmod
from piramide.cli import main
from piramide.example import example_measurements, file_name
from piramide.history import build_trends
from piramide.reader import read
from piramide.scoring import score
from piramide.template import write_template
from piramide.text import round_pct

docx = pytest.importorskip("docx", reason="python-docx komt met de extra 'test'")
NBSP = "\u00a0"


def cli(*args):
    return CliRunner().invoke(main, ["rapport", *(str(a) for a in args)], catch_exceptions=False)


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))


def _lines(block) -> list[str]:
    """A paragraph as one line; a table as one line per row, cells joined with ' | '."""
    tag = block.tag.rsplit("}", 1)[1]
    if tag == "p":
        return [_text(block)]
    if tag == "tbl":
        return [" | ".join(_text(cell) for cell in row if cell.tag.endswith("}tc"))
                for row in block.iter() if row.tag.endswith("}tr")]
    return []


def texts(path: Path) -> dict[str, list[str]]:
    """The document's text by part: body paragraphs (tables included, in order), header, footer."""
    d = docx.Document(str(path))
    body = [line for block in d.element.body.iterchildren() for line in _lines(block)]
    sec = d.sections[0]
    return {"body": body, "header": [_text(p._p) for p in sec.header.paragraphs],
            "footer": [_text(p._p) for p in sec.footer.paragraphs]}


def page_one(path: Path) -> list[str]:
    """The lines before the first page break: what the summary page holds."""
    d = docx.Document(str(path))
    out = []
    for block in d.element.body.iterchildren():
        if block.xpath(".//w:pageBreakBefore") or block.xpath(".//w:br[@w:type='page']"):
            break
        out += _lines(block)
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory, default_q):
    """The two Voorbeeldstad measurements, their results, and one report made by the command
    (with its PDF when LibreOffice is there: the one conversion the asserts share)."""
    folder = tmp_path_factory.mktemp("rapport")
    q = default_q
    src = [write_template(q, folder / file_name(m), filled=m) for m in example_measurements(q)]
    (trend,) = build_trends([score(read(s, q), q) for s in src])
    out = folder / "rapport.docx"
    args = [*src, "-o", out, "--stil"] + (["--pdf"] if SOFFICE else [])
    r = cli(*args)
    assert r.exit_code == 0, r.output
    return {"src": src, "trend": trend, "docx": out, "pdf": out.with_suffix(".pdf"), "output": r.output,
            "text": texts(out), "page1": page_one(out)}


def test_page_one_is_a_summary_with_phases_changes_and_first_steps(example):
    page = "\n".join(example["page1"])
    latest = example["trend"].latest
    assert "Voorbeeldstad" in page and "Samenvatting" in page and "Eerste stappen" in page
    for pr in latest.pillars:
        assert pr.pillar.name in page
    # phase, ambitie and gap; the change since the previous measurement and the 0-meting (1 → 2)
    assert "fase 2 (Vastgelegd) | 3 | nog 1 fase | 1 \u2192 2 (score +" in page
    assert "Vergeleken met de vorige meting (12\u00a0maart\u00a02025)" in page
    steps = latest.first_steps
    assert 3 <= len(steps) <= 5
    lowest = min(pr.next_phase for pr in latest.pillars if pr.next_phase)
    assert all(s.indicator.indicator.phase == lowest for s in steps)      # foundations first
    for n, s in enumerate(steps, 1):
        ind = s.indicator.indicator
        assert f"{n}. {ind.name} ({ind.id}, {s.pillar.name}, fase {ind.phase}). {ind.first_step}" in page


def test_a_section_per_pillar_with_situation_ambitie_recommendations_and_pyramid(example):
    body = example["text"]["body"]
    latest = example["trend"].latest
    for pr in latest.pillars:
        i = body.index(pr.pillar.name)
        section = body[i:i + 200]
        for head in ("Huidige situatie", "Gewenste situatie", "Aanbevelingen"):
            assert head in section, (pr.pillar.id, head)
        assert any(pr.explanation in line for line in section)
        recs = [imp for imp in latest.improvements if imp.pillar.id == pr.pillar.id]
        for imp in recs:
            assert any(line.startswith(f"{imp.indicator.indicator.name} ({imp.indicator.indicator.id}, fase")
                       for line in section)
            if imp.indicator.indicator.first_step:
                assert f"Eerste stap: {imp.indicator.indicator.first_step}" in section
    iw = latest.pillar("IW")
    assert "De gemeente staat in fase 3 (Toegepast en getoetst), met een score van " \
           f"{round_pct(iw.score)}{NBSP}%." in "\n".join(body)
    # the pictures are real images: a pyramid per pillar and the trend chart
    d = docx.Document(str(example["docx"]))
    assert len(d.inline_shapes) == len(latest.pillars) + 1
    with zipfile.ZipFile(example["docx"]) as z:
        pngs = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(pngs) >= len(latest.pillars) and all(z.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in pngs)


def test_bijlage_sources_confidential_and_dutch_typography(example):
    t = example["text"]
    body = "\n".join(t["body"])
    q = example["trend"].latest.questionnaire
    bijlage = body[body.index("Bijlage A. Alle antwoorden"):]
    for qq in q.questions:
        assert f"\n{qq.id} | " in bijlage, qq.id
    assert "Weerbaarheidsscan RIEC afgerond in 2024." in bijlage          # a toelichting
    for src in example["src"]:
        assert hashlib.sha256(src.read_bytes()).hexdigest() in body and src.name in body
    assert "Vertrouwelijk" in " ".join(t["header"]) and "Vertrouwelijk" in " ".join(t["footer"])
    assert f"18{NBSP}maart{NBSP}2026" in body
    assert re.search(rf"\b\d{{1,3}}{NBSP}%", body)
    assert not re.search(r"\d%", body), "a percentage without its space"
    assert not re.search(r"\b\d{2}-\d{2}-\d{4}\b", body), "a date as dd-mm-jjjj"
    from piramide import __version__
    assert not re.search(r"\b\d+\.\d+\b", body.replace("versie 2.0", "").replace(f"piramide {__version__}", "")), \
        "a decimal point"


needs_pdf = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                               reason="LibreOffice (soffice) of pdftotext ontbreekt; CI installeert ze")


def pdf_pages(pdf: Path) -> list[str]:
    n = int(next(line for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
                 .splitlines() if line.startswith("Pages:")).split()[1])
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                           text=True).stdout for i in range(1, n + 1)]


@needs_pdf
def test_the_pdf_has_the_summary_on_page_one_and_every_part(example):
    pages = pdf_pages(example["pdf"])
    assert 10 <= len(pages) <= 20
    one = " ".join(pages[0].split())
    steps = example["trend"].latest.first_steps
    assert "Samenvatting" in one and "Eerste stappen" in one and "Vertrouwelijk" in one
    assert all(s.indicator.indicator.id in one for s in steps), "the first steps spill off page 1"
    assert "1 \u2192 2" in one and "pagina 1 van" in one
    text = " ".join(" ".join(pages).split())
    for word in ("Huidige situatie", "Gewenste situatie", "Aanbevelingen", "Ontwikkeling over de metingen",
                 "Bijlage A. Alle antwoorden", "Bijlage B. Bronnen en verantwoording"):
        assert word in text
    assert not any(len(p.split()) < 25 for p in pages), "a (nearly) empty page"
    assert "{{" not in text and "{%" not in text


def test_a_small_definition_and_a_single_measurement(tmp_path, small):
    src = filled(small, tmp_path / "klein.xlsx", {**all_answers(small), "A-03": "nee", "B-02": "nee"},
                 remarks={"A-03": "Nog geen plan."}, ambitie={"A": 2})
    out = tmp_path / "klein.docx"
    r = cli(src, "-q", tmp_path / "test-piramide.toml", "-o", out)
    assert r.exit_code == 0, r.output
    t = texts(out)
    body = "\n".join(t["body"])
    page = "\n".join(page_one(out))
    assert "fase 1 (Basis) | 2 | nog 1 fase | – | –" in page
    assert "1. A midden een (A-2a, Pijler A, fase 2). Doe A3." in page
    assert "2. B midden (B-2, Pijler B, fase 2). Doe B2." in page
    assert "Ontwikkeling over de metingen" not in body            # one measurement: no trend
    for qid in SMALL_IDS:
        assert f"\n{qid} | " in body
    assert "A-03 | Vraag A3? | nee | Nog geen plan." in body
    assert len(docx.Document(str(out)).inline_shapes) == 2


def test_bad_input_is_handled_as_in_score(tmp_path, example):
    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"PK\x03\x04 geen werkboek")
    out = tmp_path / "r.docx"
    r = cli(bad, *example["src"], "-o", out)
    assert r.exit_code == 1 and "kapot.xlsx" in r.output and "Traceback" not in r.output
    assert out.exists() and "Rapport geschreven" in r.output        # the others are processed
    # never over an input, never over an existing report without --vervang
    r = cli(*example["src"], "-o", example["src"][0].with_suffix(".docx"))
    assert r.exit_code == 0
    r = cli(*example["src"], "-o", out)
    assert r.exit_code == 1 and "bestaat al" in r.output
    r = cli(*example["src"], "-o", tmp_path / "r.xlsx")
    assert r.exit_code == 2 and ".docx" in r.output


# --- the RIEC's own template ----------------------------------------------------------------------

def make_template(path: Path, *lines: str) -> Path:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "RIEC Zuid · Vertrouwelijk"
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))
    return path


def test_a_house_style_template_with_placeholders(tmp_path, example):
    tpl = make_template(tmp_path / "eigen.docx", "Huisstijl RIEC Zuid voor {{ gemeente }}, meting van {{ datum }}.",
                        "{%p for p in pijlers %}", "{{ p.naam }}: {{ p.fase_tekst }}, ambitie {{ p.ambitie }}",
                        "{%p endfor %}", "{%p for s in eerste_stappen %}", "Stap {{ s.nummer }}: {{ s.code }}",
                        "{%p endfor %}")
    out = tmp_path / "eigen-rapport.docx"
    r = cli(*example["src"], "--sjabloon", tpl, "-o", out)
    assert r.exit_code == 0, r.output
    body = texts(out)["body"]
    assert f"Huisstijl RIEC Zuid voor Voorbeeldstad, meting van 18{NBSP}maart{NBSP}2026." in body
    assert "Integere en veilige werkomgeving: fase 3 (Toegepast en getoetst), ambitie 4" in body
    assert "Stap 1: " + example["trend"].latest.first_steps[0].indicator.indicator.id in body
    assert texts(out)["header"] == ["RIEC Zuid · Vertrouwelijk"]
    # the built-in one, written out to copy, is itself such a template
    copy = tmp_path / "kopie.docx"
    r = cli("--kopieer-sjabloon", copy)
    assert r.exit_code == 0 and "Pas het aan in Word" in r.output
    r = cli(*example["src"], "--sjabloon", copy, "-o", tmp_path / "kopie-rapport.docx")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("line, message", [
    ("Gemeente {{ gemeente ", "fout in de opmaak van een plaatshouder"),
    ("{%p for p in pijlers %}{{ p.naam }}", "fout in de opmaak van een plaatshouder"),
    ("Gemeente {{ gemeentenaam }}", "onbekende plaatshouder 'gemeentenaam' (bedoelt u 'gemeente'?)"),
    ("{%p for p in pijlers %}", "fout in de opmaak"),
    ("{% for p in pijlers %}{{ p.kleur }}{% endfor %}", "onbekende plaatshouder"),
])
def test_a_template_with_an_error_gets_a_dutch_message(tmp_path, example, line, message):
    tpl = make_template(tmp_path / "fout.docx", line)
    out = tmp_path / "r.docx"
    r = cli(*example["src"], "--sjabloon", tpl, "-o", out, "--stil")
    assert r.exit_code == 1, r.output
    assert message in r.output and "fout.docx" in r.output and "Traceback" not in r.output
    assert not out.exists()


@pytest.mark.parametrize("line", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{%p for p in pijlers %}{{ p.piramide.tpl.docx }}{%p endfor %}",
    "{{ pijlers[0].piramide.tpl.save('STOLEN') }}",
    "{{ pijlers.append(1) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 7 ** 999999999 }}",
    "{{ range(10**9) | list }}",
])
def test_a_hostile_template_is_stopped_by_the_sandbox(tmp_path, example, line):
    stolen = tmp_path / "gestolen.docx"
    tpl = make_template(tmp_path / "vijandig.docx", line.replace("STOLEN", str(stolen)))
    out = tmp_path / "r.docx"
    r = cli(*example["src"], "--sjabloon", tpl, "-o", out, "--stil")
    assert r.exit_code == 1, r.output
    assert "vijandig.docx" in r.output and "Traceback" not in r.output
    assert "<class" not in r.output and not out.exists()
    assert not stolen.exists()


def test_a_template_is_gated_like_every_input(tmp_path, example):
    out = tmp_path / "r.docx"
    r = cli(*example["src"], "--sjabloon", example["src"][0], "-o", out)
    assert r.exit_code == 1 and "geen Word-document" in r.output and "Excel-werkboek" in r.output
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>" + " " * (70 * 1024 * 1024))
    r = cli(*example["src"], "--sjabloon", bomb, "-o", out)
    assert r.exit_code == 1 and "verdacht groot" in r.output
    doctype = tmp_path / "doctype.docx"
    with zipfile.ZipFile(doctype, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    r = cli(*example["src"], "--sjabloon", doctype, "-o", out)
    assert r.exit_code == 1 and "DOCTYPE" in r.output
    r = cli(*example["src"], "--sjabloon", tmp_path, "-o", out)
    assert r.exit_code == 1 and "map" in r.output
    assert not out.exists()


def test_pdf_without_libreoffice_says_how_and_keeps_the_docx(tmp_path, example, monkeypatch):
    monkeypatch.setattr("piramide.pdf.soffice", lambda: None)
    out = tmp_path / "r.docx"
    r = cli(*example["src"], "-o", out, "--pdf", "--stil")
    assert r.exit_code == 1
    assert "open het rapport in Word en kies Bestand > Opslaan als > PDF" in r.output
    assert out.exists() and not out.with_suffix(".pdf").exists()


@pytest.mark.parametrize("missing", ["docxtpl", "matplotlib"])
def test_without_the_rapport_extra_the_message_names_it(tmp_path, example, monkeypatch, missing):
    # as on a machine without it: the package and every submodule an earlier test imported
    for name in [m for m in sys.modules if m == missing or m.startswith(missing + ".")] + [missing]:
        monkeypatch.setitem(sys.modules, name, None)
    r = cli(*example["src"], "-o", tmp_path / "r.docx", "--stil")
    assert r.exit_code == 1 and "pip install 'piramide[rapport]'" in r.output and "Traceback" not in r.output


def test_the_region_report_for_the_stuurgroep(tmp_path, default_q, example):
    import random
    q = default_q
    folder = tmp_path / "regio"
    folder.mkdir()
    for s in example["src"]:
        shutil.copy(s, folder / s.name)
    rng = random.Random(3)
    for name in ("Aadorp", "Beekdal", "Cranenburg"):
        m = example_measurements(q)[1]
        m.gemeente, m.answers = name, {}
        raw = {qq.id: (rng.choice(["ja", "ja", "ja", "deels", "nee"]), "") for qq in q.questions}
        write_template(q, folder / f"{name}.xlsx", filled=m, raw_answers=raw)
    out = tmp_path / "regio.docx"
    r = cli("--regio", folder, "-o", out, "--stil")
    assert r.exit_code == 0, r.output
    assert "(4 gemeenten)" in r.output
    body = "\n".join(texts(out)["body"])
    for word in ("Verdeling over de fasen", "Fase per gemeente", "Indicatoren die het vaakst open staan",
                 "Aadorp", "Voorbeeldstad"):
        assert word in body
    assert len(docx.Document(str(out)).inline_shapes) == 2         # the distribution and the heat map
    assert re.search(r"\| 1 \| \d van 4 \| ", body)                    # an open indicator, phase 1, where
    assert "Vertrouwelijk" in " ".join(texts(out)["header"])


def test_the_report_path_imports_matplotlib_only_when_asked(tmp_path, example):
    code = ("import sys; from click.testing import CliRunner; from piramide.cli import main; "
            f"r = CliRunner().invoke(main, ['score', {str(example['src'][1])!r}, '-o', {str(tmp_path / 'd.xlsx')!r}]); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'docxtpl', 'docx', 'jinja2')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)           # the installed piramide, not the checkout's folder
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_every_placeholder_of_the_built_in_templates_is_documented():
    from piramide import rapport as R
    from piramide.rapport import PLACEHOLDERS, PLACEHOLDERS_REGIO, builtin_template
    import io
    from docxtpl import DocxTemplate
    for name, known in ((R.BUILTIN, PLACEHOLDERS), (R.BUILTIN_REGIO, PLACEHOLDERS_REGIO)):
        used = DocxTemplate(io.BytesIO(builtin_template(name))).get_undeclared_template_variables()
        assert used <= set(known), used - set(known)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in set(PLACEHOLDERS) | set(PLACEHOLDERS_REGIO):
        assert f"`{name}`" in readme, name


def test_the_small_definition_report_is_the_same_through_the_library(tmp_path, small, small_path):
    from piramide.rapport import build
    src = filled(small, tmp_path / "k.xlsx", all_answers(small))
    (t,) = build_trends([score(read(src, small), small)])
    data = build(t)
    assert data[:2] == b"PK"
    out = tmp_path / "k.docx"
    out.write_bytes(data)
    assert "Geen: alle pijlers staan in de hoogste fase." in texts(out)["body"]
    q = qmod.load(small_path)
    assert q.top_phase == 3


def test_dashboard_page_one_has_the_first_steps_and_the_phase_change(tmp_path, example):
    import openpyxl
    out = tmp_path / "d.xlsx"
    r = CliRunner().invoke(main, ["score", *map(str, example["src"]), "-o", str(out), "--stil"])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Dashboard"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    latest = example["trend"].latest
    steps = next(c for c in cells if c.startswith("1. "))
    for n, s in enumerate(latest.first_steps, 1):
        ind = s.indicator.indicator
        assert f"{n}. {ind.name} ({ind.id}, fase {ind.phase}): {ind.first_step}" in steps
    assert "Eerste stappen" in cells
    assert "Fase 2: Vastgelegd" in cells and "Fase 3: Toegepast en getoetst" in cells
    assert any(c.startswith("Fase 1\u00a0\u2192\u00a02 · score 74%") for c in cells), [c for c in cells if "\u2192" in c]
    assert any(c.startswith("Fase 2\u00a0\u2192\u00a03 · score 94%") for c in cells)
    assert any(c.startswith("Bewustwording en organisatie: Fase 2 (Vastgelegd) is bereikt. Fase 3 (Toegepast en "
                            "getoetst) nog niet, omdat Regie in de praktijk (BO-3A) deels behaald is") for c in cells)
