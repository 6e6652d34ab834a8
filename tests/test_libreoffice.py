"""Proof in a real office suite: LibreOffice recalculates, renders and round-trips what we
write. Skipped with a reason when soffice is absent; CI installs libreoffice-calc-nogui."""

import random
import subprocess

import openpyxl
import pytest

from conftest import needs_soffice, soffice_convert
from piramide import labels as L
from piramide.dashboard import write_dashboard
from piramide.example import example_measurements, file_name
from piramide.reader import read
from piramide.scoring import score
from piramide.template import write_template

pytestmark = needs_soffice
ERRORS = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "Err:", "#NULL!", "#NUM!")


def patterns(q) -> list[dict]:
    """At least 50 answer patterns: uniform, every pillar at every phase, and random mixes."""
    forms = ["ja", "deels", "nee", "n.v.t.", "weet niet", ""]
    out = [{qq.id: f for qq in q.questions} for f in forms]
    blockers = ["nee", "weet niet", "deels", ""]
    for target in range(0, q.top_phase + 1):
        for b, blocker in enumerate(blockers):
            rng = random.Random(100 * target + b)
            ans = {}
            for p in q.pillars:
                t = (target + q.pillars.index(p)) % (q.top_phase + 1)   # pillars at different phases
                for ind in q.indicators_of(p.id):
                    for i, qq in enumerate(q.questions_of(ind.id)):
                        if ind.phase <= t:
                            ans[qq.id] = rng.choice(["ja", "ja", "n.v.t."])
                        elif ind.phase == t + 1 and i == 0:
                            ans[qq.id] = blocker
                        else:
                            ans[qq.id] = rng.choice(forms)
            out.append(ans)
    typed = [" JA", "Nee ", "nvt", "N.V.T.", "Gedeeltelijk", "j", "n", "weet niet", 1, 0, "misschien"]
    for seed in range(30):
        rng = random.Random(seed)
        weights = [rng.random() for _ in forms]
        ans = {qq.id: rng.choices(forms, weights)[0] for qq in q.questions}
        if seed % 3 == 0:
            for qid in rng.sample(sorted(ans), 12):
                ans[qid] = rng.choice(typed)
        out.append(ans)
    return out


def defined_values(path) -> list:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for i in range(1, 6):
        sheet, ref = wb.defined_names[f"piramide_fase_{i}"].attr_text.split("!")
        out.append(wb[sheet][ref.replace("$", "")].value)
    return out


def test_live_formulas_agree_with_the_engine(tmp_path, default_q):
    q = default_q
    pats = patterns(q)
    assert len(pats) >= 50
    src = []
    for n, ans in enumerate(pats):
        # cached=False: the formulas' stored results are zeros, so agreement proves a recalculation
        src.append(write_template(q, tmp_path / "in" / f"p{n:03d}.xlsx",
                                  raw_answers={k: (v, "") for k, v in ans.items()}, cached=False))
    outs = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out", tmp_path / "profile")
    disagreements = []
    nonzero = 0
    for n, (s, o) in enumerate(zip(src, outs)):
        engine = [p.phase for p in score(read(s, q), q).pillars]
        live = [int(v) if v is not None else None for v in defined_values(o)]
        nonzero += any(engine)
        if live != engine:
            disagreements.append((n, engine, live))
        wb = openpyxl.load_workbook(o, data_only=True)
        calc = wb[L.SHEET_CALC]
        r = score(read(s, q), q)
        # per-indicator status agrees too
        statuses = {row[0]: row[7] for row in calc.iter_rows(min_row=2, max_row=len(q.indicators) + 1,
                                                             values_only=True)}
        for p in r.pillars:
            for ir in p.indicators:
                if statuses[ir.indicator.id] != ir.status:
                    disagreements.append((n, ir.indicator.id, ir.status, statuses[ir.indicator.id]))
    assert not disagreements, disagreements[:5]
    assert nonzero >= 20   # the patterns reach real phases, not only zeros


def test_round_trip_through_libreoffice_gives_the_same_result(tmp_path, default_q):
    q = default_q
    src = [write_template(q, tmp_path / file_name(m), filled=m) for m in example_measurements(q)]
    xlsx = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "profile")
    xlsm = soffice_convert(src[:1], "xlsm:Calc MS Excel 2007 VBA XML", tmp_path / "lo", tmp_path / "profile")
    pairs = list(zip(src, xlsx)) + [(src[0], xlsm[0])]
    for ours, theirs in pairs:
        a, b = read(ours, q), read(theirs, q)
        assert b == read(theirs, q, engine="openpyxl")     # both readers agree on LibreOffice's writing
        ra, rb = score(a, q), score(b, q)
        assert [(p.phase, p.score) for p in ra.pillars] == [(p.phase, p.score) for p in rb.pillars]
        assert {k: (v.label, v.remark) for k, v in a.answers.items()} == \
               {k: (v.label, v.remark) for k, v in b.answers.items()}
        assert (a.gemeente, a.datum, a.soort, a.ambitie) == (b.gemeente, b.datum, b.soort, b.ambitie)
        assert [f.code for f in a.findings] == [f.code for f in b.findings]


def test_template_recalculates_without_error_values(tmp_path, default_q):
    src = write_template(default_q, tmp_path / "leeg.xlsx", cached=False)
    out, = soffice_convert([src], "xlsx:Calc MS Excel 2007 XML", tmp_path / "out", tmp_path / "profile")
    wb = openpyxl.load_workbook(out, data_only=True)
    bad = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith(ERRORS)]
    assert not bad, bad[:5]
    assert defined_values(out) == [0, 0, 0, 0, 0]


def pdf_pages(pdf) -> list[str]:
    n = int(next(l for l in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
                 if l.startswith("Pages:")).split()[1])
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True).stdout for i in range(1, n + 1)]


def test_dashboard_renders_on_one_page_without_errors(tmp_path, default_q):
    q = default_q
    m = example_measurements(q)[1]
    src = write_template(q, tmp_path / file_name(m), filled=m)
    dash = write_dashboard(score(read(src, q), q), tmp_path / "dash.xlsx")
    pdf, = soffice_convert([dash], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    assert "Piramide Fitte Gemeenten: Voorbeeldstad" in pages[0]
    assert "Waarom deze fase" in pages[0] and "Bron:" in pages[0]      # all of it on page one
    assert "Handvat" in pages[1]                                       # page two is the next sheet
    text = "\n".join(pages)
    assert not [e for e in ERRORS if e in text]
    for sheet_word in ["Actiehouder", "Antwoorden", "SHA-256"]:
        assert sheet_word in text


def test_template_renders_front_and_overview_on_one_page_each(tmp_path, default_q):
    src = write_template(default_q, tmp_path / "leeg.xlsx")
    pdf, = soffice_convert([src], "pdf", tmp_path / "pdf", tmp_path / "profile", recalc=False)
    pages = pdf_pages(pdf)
    assert "invulwerkboek" in pages[0] and "De fasen van de piramide" in pages[0]
    assert "Overzicht tijdens het invullen" in pages[1] and "Communicatie intern en extern" in pages[1]
    assert "BO-01" in pages[2]
    assert not [e for e in ERRORS if e in "\n".join(pages)]
    assert len(pages) <= 9


def test_trend_dashboard_renders_without_errors(tmp_path, default_q):
    from piramide.history import build_trends
    q = default_q
    src = [write_template(q, tmp_path / file_name(m), filled=m) for m in example_measurements(q)]
    (t,) = build_trends([score(read(s, q), q) for s in src])
    dash = write_dashboard(t.latest, tmp_path / "trend.xlsx", trend=t)
    pdf, = soffice_convert([dash], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    assert "Waarom deze fase" in pages[0] and "Zie het blad Trend voor alle 2 metingen" in pages[0]
    assert "Trend: Voorbeeldstad" in pages[1] and "Wat bewoog het meest" in pages[1]
    assert "Communicatie intern en extern" in pages[1].split("Indicatoren per pijler sinds de vorige meting")[1]
    assert "Pijler" in pages[2] and "Sinds vorige meting" in pages[2]         # the Trend sheet on one page
    text = "\n".join(pages)
    assert not [e for e in ERRORS if e in text]
    assert "nieuw behaald" in text and "Toelichting 18-03-2026" in text


def test_old_xls_and_ods_written_by_libreoffice_get_their_message(tmp_path, default_q):
    from piramide.reader import ReadError
    src = write_template(default_q, tmp_path / "leeg.xlsx")
    xls, = soffice_convert([src], "xls:MS Excel 97", tmp_path / "xls", tmp_path / "profile", recalc=False)
    ods, = soffice_convert([src], "ods", tmp_path / "ods", tmp_path / "profile", recalc=False)
    renamed = xls.with_name("hernoemd.xlsx")
    xls.rename(renamed)
    for path, code in [(renamed, "invoer_xls"), (ods, "invoer_ods")]:
        with pytest.raises(ReadError) as exc:
            read(path, default_q)
        assert exc.value.code == code


def test_region_overview_renders_without_errors(tmp_path, default_q):
    from piramide.regionbook import write_overview
    from piramide.regional import build_overview
    q = default_q
    src = [write_template(q, tmp_path / file_name(m), filled=m) for m in example_measurements(q)]
    rng = random.Random(5)
    for i in range(6):
        raw = {qq.id: (rng.choice(["ja", "ja", "deels", "nee", "n.v.t."]), "") for qq in q.questions}
        meta = example_measurements(q)[0]
        meta.gemeente, meta.answers = f"Gemeente {i}", {}
        src.append(write_template(q, tmp_path / f"g{i}.xlsx", filled=meta, raw_answers=raw))
    ov = build_overview([score(read(s, q), q) for s in src])
    out = write_overview(ov, tmp_path / "regio.xlsx")
    pdf, = soffice_convert([out], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    assert "Regio-overzicht" in pages[0] and "Gemeente 5" in pages[0] and "Voorbeeldstad" in pages[0]
    assert "Hoeveel gemeenten staan in welke fase" in pages[1]
    assert not [e for e in ERRORS if e in "\n".join(pages)]
