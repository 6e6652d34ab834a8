"""Proof in a real office suite: LibreOffice recalculates, renders and round-trips what we
write. Skipped with a reason when soffice is absent; CI installs libreoffice-calc-nogui."""

import random
import subprocess

import openpyxl
import pytest

from conftest import CUSTOM, Values, defined_cells, live_disagreements, needs_soffice, soffice_convert
from piramide import questionnaire as qmod
from piramide.dashboard import write_dashboard
from piramide.example import example_measurements, file_name
from piramide.measurement import Measurement
from piramide.reader import Book, _calamine_book, read
from piramide.scoring import score
from piramide.template import write_template

pytestmark = needs_soffice
ERRORS = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "Err:", "#NULL!", "#NUM!")


def ambitions(q, n: int) -> dict:
    """Ambitie per pillar, shifted per pattern: none, and every phase, so that the gap to the
    reached phase takes every sign."""
    choices = [None] + [p.number for p in q.phases]
    out = {p.id: choices[(n + i) % len(choices)] for i, p in enumerate(q.pillars)}
    return {k: a for k, a in out.items() if a}


def pyramid(q, reached: dict, blocker: str, above: str, rng: random.Random, seen_nvt=True) -> dict:
    """Answers for pillars built up to `reached[pillar]`, the next phase held back by `blocker`
    in its first indicator (its other indicators met: loose stones), and every phase above it
    answered `above` ("ja" or a whole n.v.t. indicator make loose stones; "nee" none)."""
    ans = {}
    for p in q.pillars:
        t = reached[p.id]
        for j, ind in enumerate(sorted(q.indicators_of(p.id), key=lambda i: (i.phase, i.id))):
            first_of_next = ind.phase == t + 1 and ind is min((i for i in q.indicators_of(p.id) if i.phase == t + 1),
                                                              key=lambda i: i.id)
            for i, qq in enumerate(q.questions_of(ind.id)):
                if ind.phase <= t:
                    ans[qq.id] = rng.choice(["ja", "ja", "n.v.t."] if seen_nvt else ["ja"])
                elif first_of_next:
                    ans[qq.id] = blocker if i == 0 else "ja"
                elif ind.phase == t + 1:
                    ans[qq.id] = "ja"
                else:
                    ans[qq.id] = above
    return ans


def patterns(q) -> list[dict]:
    """Answer patterns chosen to exercise every live figure: uniform answers (an all-n.v.t.
    workbook among them), pyramids at every phase with loose stones above a missing foundation
    (met indicators, whole n.v.t. indicators) or none, blockers of every kind (nee, weet niet,
    deels, empty, deels with weet niet), one pillar all n.v.t. among judged ones, forms as
    people type them, and random mixes."""
    forms = ["ja", "deels", "nee", "n.v.t.", "weet niet", ""]
    top = q.top_phase
    out = [{qq.id: f for qq in q.questions} for f in forms]
    pillars = [p.id for p in q.pillars]
    for shift in range(top + 1):
        reached = {pid: (shift + i) % (top + 1) for i, pid in enumerate(pillars)}
        for b, (blocker, above) in enumerate([("nee", "ja"), ("weet niet", "n.v.t."), ("deels", "nee"),
                                              ("", "ja"), ("deels", "weet niet")]):
            out.append(pyramid(q, reached, blocker, above, random.Random(10 * shift + b), seen_nvt=b % 2 == 0))
    # One pillar all n.v.t., the others part-way; then a whole indicator n.v.t. below a blocker.
    for i, pid in enumerate(pillars):
        ans = pyramid(q, {p: (i + j) % top for j, p in enumerate(pillars)}, "deels", "ja", random.Random(i))
        ans.update({qq.id: "n.v.t." for ind in q.indicators_of(pid) for qq in q.questions_of(ind.id)})
        out.append(ans)
    # Only weet niet / empty keep an indicator from behaald: onbekend, never nee.
    for gap in ("weet niet", ""):
        ans = {qq.id: "ja" for qq in q.questions}
        for p in q.pillars:
            ind = min(q.indicators_of(p.id), key=lambda i: (i.phase, i.id))
            ans[q.questions_of(ind.id)[-1].id] = gap
        out.append(ans)
    typed = [" JA", "Nee ", "nvt", "N.V.T.", "Gedeeltelijk", "j", "n", "WEET NIET", 1, 0, "misschien"]
    for seed in range(3):
        rng = random.Random(50 + seed)
        ans = pyramid(q, {pid: rng.randrange(top + 1) for pid in pillars}, "nee", "ja", rng)
        for qid in rng.sample(sorted(ans), 25):
            ans[qid] = rng.choice(typed)
        out.append(ans)
    for seed in range(12):
        rng = random.Random(seed)
        weights = [rng.random() for _ in forms]
        out.append({qq.id: rng.choices(forms, weights)[0] for qq in q.questions})
    return out


def small_patterns(q) -> list[dict]:
    """The small definition, with its ja/nee scale (no n.v.t. there: that answer is invalid)."""
    out = [{qq.id: f for qq in q.questions} for f in ["ja", "n.v.t.", ""]]
    for seed in range(5):
        rng = random.Random(seed)
        out.append({qq.id: rng.choice(["ja", "ja", "deels", "nee", "n.v.t.", "weet niet", ""]) for qq in q.questions})
    return out


def menu_patterns(q) -> list[dict]:
    """The keuzemenu definition: k of n with n.v.t., weet niet and empty among the options, and
    n.v.t. where it is allowed and where it is not."""
    menu = ["K-01", "K-02", "K-03", "K-04"]
    rows = [("ja", "ja", "nee", "nee"), ("ja", "nee", "nee", "nee"), ("ja", "weet niet", "nee", "nee"),
            ("ja", "", "deels", "nee"), ("n.v.t.", "n.v.t.", "n.v.t.", "ja"), ("n.v.t.", "n.v.t.", "nee", "ja"),
            ("n.v.t.",) * 4, ("nee",) * 4]
    out = []
    for i, row in enumerate(rows):
        ans = dict(zip(menu, row))
        ans.update({"K-05": ["ja", "n.v.t.", "nvt", "deels"][i % 4], "K-06": ["n.v.t.", "ja", "nee", "n.v.t."][i % 4],
                    "L-01": "ja", "L-02": ["ja", "n.v.t."][i % 2]})
        out.append(ans)
    return out


def test_live_formulas_agree_with_the_engine(tmp_path, default_q, small, menu):
    """After a real recalculation in LibreOffice every live figure of the fill-in workbook is the
    engine's: per question kind and value, per indicator status, per pillar phase, score,
    progress, answered, loose stones, ambitie and gap, and the pyramid's blocks."""
    old = qmod.load("piramide-fitte-gemeenten-1.0")        # still built in: its workbooks are still filled
    # Of 1.0: the patterns with one pillar all n.v.t. (2.0 allows n.v.t. too rarely for that) and
    # the typed ones.
    cases = [(default_q, a) for a in patterns(default_q)] + [(old, a) for a in patterns(old)[31:41]] + \
        [(small, a) for a in small_patterns(small)] + [(menu, a) for a in menu_patterns(menu)]
    assert len(cases) >= 50
    src = []
    for n, (q, ans) in enumerate(cases):
        # cached=False: the formulas' stored results are zeros, so agreement proves a recalculation
        src.append(write_template(q, tmp_path / "in" / f"p{n:03d}.xlsx", filled=Measurement(ambitie=ambitions(q, n)),
                                  raw_answers={k: (v, "") for k, v in ans.items()}, cached=False))
    outs = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out", tmp_path / "profile")
    names = {id(q): defined_cells(outs[[c[0] for c in cases].index(q)], q) for q in (default_q, old, small, menu)}
    disagreements, pillars = [], []
    for n, ((q, _), s, o) in enumerate(zip(cases, src, outs)):
        r = score(read(s, q), q)
        disagreements += [(n,) + d for d in live_disagreements(q, r, Values(o), names[id(q)])]
        pillars += r.pillars
    bad = sorted({d[0] for d in disagreements})
    assert not disagreements, f"{len(bad)} of {len(cases)} patterns disagree {bad}: {disagreements[:6]}"
    # The patterns exercise what they claim to: without this, agreement could be on zeros only.
    gaps = {(p.gap > 0) - (p.gap < 0) for p in pillars if p.gap is not None}
    assert gaps == {-1, 0, 1} and any(p.gap is None for p in pillars)
    assert {p.phase for p in pillars} == set(range(default_q.top_phase + 1))
    assert sum(bool(p.loose_stones) for p in pillars) >= 40
    assert any(p.loose_stones and p.phase == 0 for p in pillars)
    assert sum(not p.judgeable for p in pillars) >= 6
    assert any(p.progress is not None and 0 < p.progress < 100 for p in pillars)
    assert any(p.score is not None and 0 < p.score < 100 and p.score != 50 for p in pillars)
    assert any(p.answered < p.total for p in pillars)
    statuses = {ir.status for p in pillars for ir in p.indicators}
    assert statuses == {"behaald", "deels", "niet behaald", "onbekend", "n.v.t."}
    menus = {ir.status for p in pillars for ir in p.indicators if ir.indicator.minimum}
    assert menus == {"behaald", "deels", "niet behaald", "onbekend", "n.v.t."}


def test_round_trip_through_libreoffice_gives_the_same_result(tmp_path, default_q):
    q = default_q
    src = [write_template(q, tmp_path / file_name(m), filled=m) for m in example_measurements(q)]
    xlsx = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "profile")
    xlsm = soffice_convert(src[:1], "xlsm:Calc MS Excel 2007 VBA XML", tmp_path / "lo", tmp_path / "profile")
    pairs = list(zip(src, xlsx)) + [(src[0], xlsm[0])]
    for ours, theirs in pairs:
        a, b = read(ours, q), read(theirs, q)
        assert b == read(theirs, q, engine="openpyxl")     # both readers agree on LibreOffice's writing
        # and the fast reader takes LibreOffice's package: the gate's rules for it fence off
        # tricks, never an ordinary workbook (else every region would silently slow down)
        assert isinstance(_calamine_book(theirs.read_bytes()), Book), theirs.name
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
    r = score(read(src, default_q), default_q)
    assert [p.phase for p in r.pillars] == [0, 0, 0, 0, 0]
    assert not live_disagreements(default_q, r, Values(out), defined_cells(out, default_q))


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
    # A RIEC's own definition: two pillars, three phases, its own answer words.
    (tmp_path / "eigen.toml").write_text(CUSTOM, encoding="utf-8")
    c = qmod.load(tmp_path / "eigen.toml")
    csrc = write_template(c, tmp_path / "eigen.xlsx", filled=example_measurements(c)[1])
    cdash = write_dashboard(score(read(csrc, c), c), tmp_path / "eigen-dash.xlsx")
    pdf, cpdf = soffice_convert([dash, cdash], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    assert "Piramide Fitte Gemeenten: Voorbeeldstad" in pages[0]
    # Fit to width at 8 pt or more: the pyramids, table and chart on page one, the reasons after.
    first = next(i for i, p in enumerate(pages) if "Handvat" in p)     # the next sheet
    assert first <= 2 and "Waarom deze fase" in "".join(pages[:first]) and "Bron:" in pages[first - 1]
    text = "\n".join(pages)
    assert not [e for e in ERRORS if e in text]
    for sheet_word in ["Actiehouder", "Antwoorden", "SHA-256"]:
        assert sheet_word in text
    cpages = pdf_pages(cpdf)
    first = " ".join(" ".join(cpages[:2]).split())
    assert "Testpiramide: Voorbeeldstad" in first         # the title is not cut
    assert "Pijler B: Fase 1 (Basis) is bereikt. Fase 2 (Midden) nog niet, omdat B midden (B-2) niet behaald is " \
           "(B-02 'nee')." in first
    assert "volledig = 1, half = 0,5, geen = 0" in cpages[-1] and "deels = 0,5" not in cpages[-1]


def test_template_renders_front_and_overview_on_one_page_each(tmp_path, default_q):
    src = write_template(default_q, tmp_path / "leeg.xlsx")
    pdf, = soffice_convert([src], "pdf", tmp_path / "pdf", tmp_path / "profile", recalc=False)
    pages = pdf_pages(pdf)
    assert "invulwerkboek" in pages[0] and "De fasen van de piramide" in pages[0]
    assert "Overzicht tijdens het invullen" in pages[1] and "Communicatie intern en extern" in pages[1]
    assert default_q.questions[0].id in pages[2]
    assert not [e for e in ERRORS if e in "\n".join(pages)]
    # 105 questions with their criteria, printed at 8 pt or more, with room for a toelichting;
    # then the glossary.
    assert len(pages) <= 36
    assert "Begrippen en bronnen" in "".join(pages[-4:])


def test_trend_dashboard_renders_without_errors(tmp_path, default_q):
    from piramide.history import build_trends
    q = default_q
    src = [write_template(q, tmp_path / file_name(m), filled=m) for m in example_measurements(q)]
    (t,) = build_trends([score(read(s, q), q) for s in src])
    dash = write_dashboard(t.latest, tmp_path / "trend.xlsx", trend=t)
    pdf, = soffice_convert([dash], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    assert "Zie het blad Trend voor alle 2 metingen" in pages[0] and "Waarom deze fase" in pages[0] + pages[1]
    # page 1: the phase change since the previous measurement and every first step, not cut
    one = " ".join(pages[0].split())
    assert "Eerste stappen" in one          # the phase changes (the layout splits them over lines)
    assert "Fase 1 \u2192 2 · score" in one and "Fase 0 \u2192 1" in one and "Fase 2 \u2192 3" in one
    for n, step in enumerate(t.latest.first_steps, 1):
        assert f"{n}. {step.indicator.indicator.name} ({step.indicator.indicator.id}, fase" in one
    last = t.latest.first_steps[-1].indicator.indicator.first_step.split()[-1]
    assert last in one
    t = next(i for i, p in enumerate(pages) if "Trend: Voorbeeldstad" in p)
    assert "Wat bewoog het meest" in pages[t]
    trend = "".join(pages[t:t + 2])
    assert "Communicatie intern en extern" in trend.split("Indicatoren per pijler sinds de vorige meting")[1]
    assert "Sinds vorige meting" in "".join(pages[t + 1:t + 3])
    text = "\n".join(pages)
    assert not [e for e in ERRORS if e in text]
    assert "nieuw behaald" in text and "Toelichting 18\u201103\u20112026" in text


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
    from piramide.overview_workbook import write_overview
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
    # the Regio sheet prints legibly over pages across (the gemeente column repeated); then the Verdeling
    verdeling = next(i for i, p in enumerate(pages) if "Hoeveel gemeenten staan in welke fase" in p)
    assert all("Gemeente 5" in p for p in pages[:verdeling] if "Regio ·" in p)
    assert not [e for e in ERRORS if e in "\n".join(pages)]
