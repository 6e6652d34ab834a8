"""Draft a definition from a RIEC's own questionnaire workbook (`piramide questionnaire infer`).

What a workbook shows is taken: the questions with their text and number, pillars from the
sheet names (one sheet per pillar) or from heading rows between the questions, the answer
labels from the columns headed with them (marks) or from the answer column's dropdown, else
from what was typed there. What only people can decide is left open and marked in the
definition workbook ("nog in te vullen"): the phases, the indicators and which question
measures which, the value of an answer label the engine does not know. `questionnaire check`
then names every open field with its sheet and cell.

Reading goes through the gate and the reader's Book (the same as for a filled piramide); the
layout recognition is `layout`'s. Nothing here scores or writes: the CLI writes the draft with
`definition_workbook.write_definition`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import layout
from .answers import cell_text
from .definition_workbook import Todo
from .errors import ReadError
from .findings import Finding, finding
from .model import NVT, UNKNOWN, VALUE, Indicator, Option, Phase, Pillar, Question, Questionnaire, Scale

SCALE_ID = "antwoorden"
# Answer words the engine knows how to count; any other label gets its value from the RIEC.
KNOWN = {"ja": (VALUE, 1.0), "deels": (VALUE, 0.5), "gedeeltelijk": (VALUE, 0.5), "nee": (VALUE, 0.0),
         "n.v.t.": (NVT, None), "nvt": (NVT, None), "niet van toepassing": (NVT, None),
         "weet niet": (UNKNOWN, None), "onbekend": (UNKNOWN, None)}
DEFAULT_LABELS = ["ja", "deels", "nee", "n.v.t.", "weet niet"]
MAX_TYPED_LABELS = 8          # more distinct answers typed than this: free text, not a scale
DROPDOWN_CELLS = 200_000      # above this many cells, dropdowns are not looked for (see _labels)


@dataclass
class Draft:
    """The drafted definition, the cells still to fill in, and what was seen."""
    questionnaire: Questionnaire
    todo: list[Todo]
    findings: list[Finding] = field(default_factory=list)
    pillars_from: str = ""        # "bladen", "kopregels" or "" (one pillar, to name)
    labels_from: str = ""         # "kolommen", "keuzelijst", "ingevuld" or "standaard"
    tables: list[str] = field(default_factory=list)   # each recognised table, described

    def summary(self) -> str:
        q = self.questionnaire
        where = {"bladen": "uit de bladnamen", "kopregels": "uit de kopregels tussen de vragen"}.get(
            self.pillars_from, "nog te benoemen")
        labels = {"kolommen": "uit de kolomkoppen", "keuzelijst": "uit de keuzelijst", "ingevuld": "zoals ingevuld",
                  "standaard": "de standaardschaal; geen antwoorden gevonden"}[self.labels_from]
        return (f"{len(q.questions)} vragen in {len(q.pillars)} pijler(s) ({where}); antwoorden "
                f"{', '.join(o.label for o in q.scales[0].options)} ({labels}). Nog in te vullen: de fasen, "
                f"de indicatoren (naam, fase, handvat) en welke vraag bij welke indicator hoort")


def infer(path: str | Path) -> Draft:
    """Draft a definition from the workbook at `path`; raises ReadError with a Dutch finding
    when it cannot be read or holds no recognisable question table."""
    from .reader import gated_book
    path = Path(path)
    fname = str(path)
    data, _, book = gated_book(path, own="infer_eigen_uitvoer")
    words = dict(layout.DEFAULT_ANSWER_LABELS)
    visible = [(t, rows) for t, rows in book.sheets.items() if t not in book.hidden]
    found = [(t, rows, layout.tables_of(t, rows, words)) for t, rows in visible]
    found = [(t, rows, tables) for t, rows, tables in found if tables]
    if not found:
        seen = "; ".join(f"{t}: {layout.survey(t, rows, words).rows} gevulde rijen" for t, rows in visible[:5])
        raise ReadError(finding("infer_geen_tabel", file=fname, gezien=seen or "geen zichtbare bladen"))

    draft_rows: list[tuple[str, str, str, str]] = []   # (pillar name, number/id as written, text, sheet!cell)
    by_sheet = len(found) > 1
    headings = False
    answer_cells: list[tuple[str, int, int]] = []
    mark_labels: list[str] = []
    tables_seen = []
    # Headings that say "Pijler …" name the pillars; other headings (themes, indicators) then
    # stand inside a pillar. Without such headings, every heading is a pillar.
    pillar_words = ("pijler",) if any(
        layout.lone_text(row).lower().startswith("pijler")
        for _, rows, tables in found for t in tables for row in rows[t.first:t.end]) else ()
    for title, rows, tables in found:
        for t in tables:
            h = t.header
            tables_seen.append(f"{title}!{layout.col_letter(0)}{h.row + 1}: {h.describe()}")
            mark_labels += [label for _, label in h.marks]
            pillar = title if by_sheet else ""
            for r in range(t.first, t.end):
                row = rows[r]
                heading = layout.lone_text(row)
                if heading and not heading.endswith("?") and not layout.looks_like_question(row):
                    if not by_sheet and (not pillar_words or heading.lower().startswith(pillar_words)):
                        pillar, headings = _heading(heading), True
                    continue
                text = _text_of(row, h)
                if not text:
                    continue
                key = next((cell_text(row[c]).strip() for c in h.keys if c < len(row) and cell_text(row[c]).strip()), "")
                col = h.text if h.text is not None else 0
                draft_rows.append((pillar, key, text, f"{title}!{layout.col_letter(col)}{r + 1}"))
                if h.answer is not None and not h.marks:
                    answer_cells.append((title, r, h.answer))
    if not draft_rows:
        raise ReadError(finding("infer_geen_tabel", file=fname, gezien="; ".join(tables_seen) + ", maar geen vragen eronder"))

    labels, labels_from = _labels(mark_labels, data, book, answer_cells)
    scale, scale_todo = _scale(labels)
    pillars, pillar_of = _pillars([p for p, *_ in draft_rows])
    questions, q_todo = _questions(draft_rows, pillar_of, path.name)
    indicators = [Indicator(f"{p.id}-1", p.id, 0, "", "", "") for p in pillars]
    todo = [Todo("", "id"), Todo("", "titel"), Todo("fasen", "1")] + scale_todo + q_todo + \
        [Todo("indicatoren", i.id) for i in indicators]
    if not (by_sheet or headings):
        todo.append(Todo("pijlers", pillars[0].id))
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "eigen"
    q = Questionnaire(f"eigen-{stem}"[:60], "1.0", f"Eigen piramide uit {path.name}",
                      f"Concept, afgeleid uit {path.name} met piramide questionnaire infer.",
                      (Phase(1, ""),), tuple(pillars), (scale,), tuple(indicators), tuple(questions))
    return Draft(q, todo, [], "bladen" if by_sheet else ("kopregels" if headings else ""), labels_from, tables_seen)


def _heading(text: str) -> str:
    """A heading row as a pillar name: without 'Pijler 2:' and the like in front."""
    return re.sub(r"^\s*(pijler|thema|onderdeel|deel)\s*\d*\s*[:.\-–]\s*", "", text, flags=re.I).strip() or text.strip()


_GIVEN_ID = re.compile(r"^(.*\S)\s*\(([A-Z]{1,4})\)$")      # "Informatiepositie (IP)": the id is given


def _text_of(row: tuple, h: layout.Header) -> str:
    """The question's text: its column, else the longest text on the row outside the answer."""
    if h.text is not None:
        return " ".join(cell_text(row[h.text]).split()) if h.text < len(row) else ""
    skip = {*h.keys, *(c for c, _ in h.marks), h.answer, h.remark, h.basis, h.evidence}
    texts = [" ".join(v.split()) for c, v in enumerate(row) if c not in skip and isinstance(v, str) and len(v.strip()) >= 5]
    return max(texts, key=len) if texts else ""


def _labels(mark_labels: list[str], data: bytes, book, answer_cells) -> tuple[list[str], str]:
    """The answer labels: the mark columns' headers, else the answer column's dropdown, else
    the distinct values typed there (a handful), else the default scale."""
    if mark_labels:
        return list(dict.fromkeys(" ".join(x.split()) for x in mark_labels)), "kolommen"
    # The dropdowns need openpyxl's full model of the workbook: only for a workbook of a
    # questionnaire's size, never for one built to exhaust memory.
    cells = sum(len(row) for rows in book.sheets.values() for row in rows)
    dropdown = _dropdown(data, answer_cells) if cells <= DROPDOWN_CELLS else []
    if dropdown:
        return dropdown, "keuzelijst"
    typed: dict[str, str] = {}
    for title, r, c in answer_cells:
        row = book.sheets[title][r]
        v = " ".join(cell_text(row[c]).split()) if c < len(row) else ""
        if v:
            typed.setdefault(v.lower(), v)
    if 2 <= len(typed) <= MAX_TYPED_LABELS:
        return sorted(typed.values(), key=lambda v: (DEFAULT_LABELS.index(v.lower()) if v.lower() in DEFAULT_LABELS else 9, v)), "ingevuld"
    return list(DEFAULT_LABELS), "standaard"


def _dropdown(data: bytes, answer_cells) -> list[str]:
    """A list validation (dropdown) on the answer cells: its items, when written in the rule."""
    if not answer_cells:
        return []
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception:  # noqa: BLE001 - the Book was read; a dropdown is only a help
        return []
    found: dict[str, str] = {}            # every dropdown's items, in order (a question may leave one out)
    try:
        for title, r, c in answer_cells[:200]:
            ws = wb[title]
            for dv in ws.data_validations.dataValidation:
                if dv.type != "list" or not dv.formula1 or not dv.formula1.startswith('"'):
                    continue
                for rng in str(dv.sqref).split():
                    c1, r1, c2, r2 = range_boundaries(rng)
                    if c1 <= c + 1 <= c2 and r1 <= r + 1 <= r2:
                        for x in dv.formula1.strip('"').split(","):
                            if x.strip():
                                found.setdefault(x.strip().lower(), x.strip())
    finally:
        wb.close()
    items = list(found.values())
    return sorted(items, key=lambda v: DEFAULT_LABELS.index(v.lower()) if v.lower() in DEFAULT_LABELS else 9)


def _scale(labels: list[str]) -> tuple[Scale, list[Todo]]:
    options, todo = [], []
    for label in labels:
        kind, value = KNOWN.get(label.lower(), (VALUE, None))
        options.append(Option(label, kind, value))
        if kind == VALUE and value is None:
            todo.append(Todo("schalen", f"{SCALE_ID}|{label}", "waarde"))
    return Scale(SCALE_ID, "antwoorden zoals in het werkboek", tuple(options)), todo


def _pillars(names: list[str]) -> tuple[list[Pillar], dict[str, str]]:
    """One pillar per distinct name, in order, with a short id from its initials."""
    out: list[Pillar] = []
    ids: dict[str, str] = {}
    for name in dict.fromkeys(names):
        given = _GIVEN_ID.match(name)
        if given and given.group(2) not in ids.values():
            ids[name] = given.group(2)
            out.append(Pillar(given.group(2), given.group(1)))
            continue
        words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", name) if len(w) > 2 or w[0].isupper()]
        base = ("".join(w[0] for w in words) if len(words) > 1 else "".join(words)[:2]).upper()[:3] or f"P{len(out) + 1}"
        pid, n = base, 2
        while pid in ids.values():
            pid, n = f"{base}{n}", n + 1
        ids[name] = pid
        out.append(Pillar(pid, name or "Pijler 1"))
    return out, ids


def _questions(rows, pillar_of: dict[str, str], source: str) -> tuple[list[Question], list[Todo]]:
    """Question ids: the workbook's own where it has id-like keys, else pillar id and number."""
    out: list[Question] = []
    todo: list[Todo] = []
    seen: set[str] = set()
    counter: dict[str, int] = {}
    for pillar, key, text, where in rows:
        pid = pillar_of[pillar]
        counter[pid] = counter.get(pid, 0) + 1
        number = layout.parse_number(key)
        if layout.ID_LIKE.match(key) and not key.isdigit():
            qid = key.upper()
        elif number is not None and number.minor is None and not number.prefix:
            qid = f"{pid}-{number.major:02d}"       # the workbook's own number stays the number
        else:
            qid = f"{pid}-{counter[pid]:02d}"
        while qid in seen:
            qid += "b"
        seen.add(qid)
        written = f", nr. {key}" if key and qid != key.upper() else ""
        out.append(Question(qid, f"{pid}-1", text, "", SCALE_ID, f"{source} ({where}{written})"))
        todo.append(Todo("vragen", qid, "indicator"))
    return out, todo
