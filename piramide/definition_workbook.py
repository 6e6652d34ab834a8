"""A questionnaire definition authored in Excel: read it into the data a TOML definition gives,
with the sheet and cell of every item and field; and write any Questionnaire in that form.

The sheets and columns are in `definition_layout`. Reading goes through the gate (size, zip
bomb, regular file) and openpyxl; a definition workbook is untrusted input like any other, so
every cell that is not a plain value (a formula, an error value, a date or a number where text
belongs, merged cells) is a finding with its cell, never a guess and never a traceback. The
validation itself is the one in `questionnaire` (the same rules as for TOML).

openpyxl reads the full model here, not read-only: only that gives merged cells and which
sheets are hidden, and a definition is small (the gate caps the file at 50 MB and the reader
counts cells before it looks at them). Nothing in the file is ever executed or written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from . import definition_layout as D
from .layout import col_letter
from .errors import InputError
from .findings import Finding, finding
from .model import VALUE, Questionnaire
from .questionnaire import Place, Places

MAX_CELLS = 500_000


def _letter(col: int) -> str:
    """The letter of a 1-based column (openpyxl counts from 1, the layout from 0)."""
    return col_letter(col - 1)


@dataclass
class _SheetRead:
    name: str                                      # as it is called in the workbook
    header: int                                    # the header's row (1-based)
    cols: dict[str, int] = field(default_factory=dict)        # key -> column (1-based)
    phase_cols: list[int] = field(default_factory=list)       # Pijlers: fase 1, fase 2, …
    rows: list[int] = field(default_factory=list)             # item n -> its row
    answer_rows: list[list[int]] = field(default_factory=list)  # Schalen: scale n -> the rows of its answers
    bad: set[tuple[int, int]] = field(default_factory=set)    # cells already reported
    last: int = 1                                  # the last row with a value


class WorkbookPlaces(Places):
    """Places in a definition workbook: sheet and cell."""

    def __init__(self, layout: D.Layout = D.PIRAMIDE) -> None:
        self.by_table = layout.by_table
        self.sheets: dict[str, _SheetRead] = {}    # by table ("" for the settings)
        self.settings: dict[str, int] = {}         # key -> row on the settings sheet

    def _cell(self, s: _SheetRead, row: int, col: int | None) -> Place:
        if col is None:          # the column is missing: said once, by the reader
            return Place(sheet=s.name, cell=f"{_letter(1)}{row}", reported=True)
        return Place(sheet=s.name, cell=f"{_letter(col)}{row}", reported=(row, col) in s.bad)

    def _col(self, s: _SheetRead, table: str, key: str) -> int | None:
        if table == "pijlers" and key == "fasen":
            return s.phase_cols[0] if s.phase_cols else s.cols.get("id")
        return s.cols.get(key)

    def item(self, table, n, item):
        sheet = self.by_table[table]
        return self.field(table, n, item, sheet.columns[0].key)

    def field(self, table, n, item, key):
        s = self.sheets.get(table)
        if s is None:
            return Place(sheet=self.by_table[table].name, reported=True)
        if not 0 < n <= len(s.rows):
            return Place(sheet=s.name)
        return self._cell(s, s.rows[n - 1], self._col(s, table, key))

    def answer(self, n, m, scale, key):
        s = self.sheets.get("schalen")
        if s is None or not 0 < n <= len(s.answer_rows) or not 0 < m <= len(s.answer_rows[n - 1]):
            return self.item("schalen", n, scale)
        return self._cell(s, s.answer_rows[n - 1][m - 1], s.cols.get(key))

    def setting(self, key):
        s = self.sheets.get("")
        if s is None:
            return Place(sheet=D.SETTINGS.name, reported=True)
        col = s.cols.get("waarde")
        if key in self.settings:
            return self._cell(s, self.settings[key], col)
        return Place(sheet=s.name, cell=f"{_letter(s.cols.get('veld', 1))}{s.last + 1}")

    def table(self, table):
        s = self.sheets.get(table)
        if s is None:
            return Place(sheet=self.by_table[table].name, reported=True)
        return Place(sheet=s.name, cell=f"A{s.header + 1}")

    def duplicate(self, table, n, ident):
        return self.item(table, n, {})


# --- reading ------------------------------------------------------------------------------

def read_definition(path: str | Path, layout: D.Layout = D.PIRAMIDE) -> tuple[dict | None, WorkbookPlaces, list[Finding]]:
    """The definition's data (as tomllib would give it), the place of everything in it, and
    the findings of reading. Data is None when the file cannot be read as a workbook at all."""
    from .gate import read_checked
    fname = str(path)
    places = WorkbookPlaces(layout)
    if not Path(path).exists() and not Path(path).is_symlink():
        from .questionnaire import builtin_names
        return None, places, [finding("def_bestaat_niet", file=fname, namen=", ".join(builtin_names()))]
    try:
        raw = read_checked(path)
    except InputError as exc:
        return None, places, [exc.finding]
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=False, keep_links=False)
    except Exception as exc:    # noqa: BLE001  a damaged workbook fails in many ways inside openpyxl
        return None, places, [finding("invoer_kapot_werkboek", file=fname, detail=type(exc).__name__)]
    total = sum(len(ws._cells) for ws in wb.worksheets)
    if total > MAX_CELLS:
        return None, places, [finding("invoer_te_veel_cellen", file=fname, aantal=f"{MAX_CELLS:,}".replace(",", "."))]
    reader = _Reader(fname, places, layout)
    data = reader.read(wb)
    wb.close()
    return data, places, reader.findings


class _Reader:
    def __init__(self, fname: str, places: WorkbookPlaces, layout: D.Layout = D.PIRAMIDE):
        self.layout = layout
        self.fname = fname
        self.places = places
        self.findings: list[Finding] = []

    def add(self, code: str, sheet: str = "", cell: str = "", **ctx) -> None:
        self.findings.append(finding(code, file=self.fname, sheet=sheet, cell=cell, **ctx))

    def read(self, wb) -> dict:
        known = {D.norm(s.name): s for s in self.layout.sheets}
        ignored = {D.norm(n) for n in D.IGNORED}
        found: dict = {}          # sheet spec name -> worksheet
        unknown = []
        for ws in wb.worksheets:
            key = D.norm(ws.title)
            if key in ignored:
                continue
            spec = known.get(key)
            if spec is None:
                unknown.append(ws)
                continue
            if spec.name in found:
                self.add("defx_blad_dubbel", ws.title, blad=spec.name, ander=getattr(found[spec.name], "title", ""))
                continue
            found[spec.name] = ws
        suggested = set()
        names = ", ".join(s.name for s in self.layout.sheets)
        for spec in self.layout.sheets:
            ws = found.get(spec.name)
            if ws is not None:
                continue
            close = difflib.get_close_matches(D.norm(spec.name), [D.norm(u.title) for u in unknown], n=1, cutoff=0.6)
            hit = next((u for u in unknown if close and D.norm(u.title) == close[0]), None)
            if hit is not None:
                suggested.add(hit.title)
            if spec.required or hit is not None:
                self.add("defx_blad_ontbreekt", blad=spec.name,
                         suggestie=f" (bedoelt u het blad '{hit.title}'? Noem het '{spec.name}')" if hit else "",
                         kolommen=", ".join(c.key for c in spec.columns if c.required))
        for u in unknown:
            if u.title in suggested:
                continue
            close = difflib.get_close_matches(D.norm(u.title), list(known), n=1, cutoff=0.6)
            self.add("defx_blad_onbekend", u.title,
                     suggestie=f" (bedoelt u '{known[close[0]].name}'?)" if close else "", bladen=names)
        data: dict = {}
        for spec in self.layout.sheets:
            ws = found.get(spec.name)
            if ws is None:
                continue
            if getattr(ws, "sheet_state", "visible") != "visible":
                self.add("defx_blad_verborgen", ws.title)
                continue
            self._sheet(ws, spec, data)
        return data

    def _sheet(self, ws, spec: D.Sheet, data: dict) -> None:
        cells: dict[int, dict[int, object]] = {}
        for (r, c), cell in ws._cells.items():
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                cells.setdefault(r, {})[c] = cell
        for rng in ws.merged_cells.ranges:
            if rng.max_row > rng.min_row or rng.max_col > rng.min_col:
                self.add("defx_samengevoegd", ws.title, f"{_letter(rng.min_col)}{rng.min_row}", bereik=str(rng.coord))
        if not cells:
            self.add("defx_blad_leeg", ws.title, "A1", kolommen=", ".join(c.key for c in spec.columns if c.required))
            self.places.sheets[spec.table] = _SheetRead(ws.title, 1)
            if spec.table:
                data[spec.table] = []
            return
        header = min(cells)
        s = _SheetRead(ws.title, header, last=max(cells))
        self.places.sheets[spec.table] = s
        self._header(ws.title, spec, cells[header], s)
        rows = [(r, cells[r]) for r in sorted(cells) if r > header]
        if spec is D.SETTINGS:
            self._settings(ws.title, rows, s, data)
        elif spec.table == "schalen":
            data["schalen"] = self._scales(ws.title, spec, rows, s)
        else:
            items = []
            for r, row in rows:
                item = self._item(ws.title, spec, r, row, s)
                if spec.table == "pijlers" and s.phase_cols:
                    texts = [self._value(ws.title, row.get(c), D.Column("fasen", D.TEXT), s) for c in s.phase_cols]
                    while texts and texts[-1] is None:
                        texts.pop()
                    if texts:
                        item["fasen"] = ["" if t is None else t for t in texts]
                s.rows.append(r)
                items.append(item)
            data[spec.table] = items

    def _header(self, sheet: str, spec: D.Sheet, row: dict, s: _SheetRead) -> None:
        allowed = {D.norm(c.key): c.key for c in spec.columns}
        unknown: dict[str, tuple[int, str]] = {}
        phases: dict[int, int] = {}
        for c in sorted(row):
            value = row[c].value
            text = str(value).strip()
            key = D.norm(text)
            m = D.PHASE_COLUMN_RE.match(key) if spec.table == "pijlers" else None
            if m:
                phases.setdefault(int(m.group(1)), c)
                continue
            if key in allowed:
                k = allowed[key]
                if k in s.cols:
                    self.add("defx_kolom_dubbel", sheet, f"{_letter(c)}{s.header}", kolom=k,
                             ander=f"kolom {_letter(s.cols[k])}")
                    continue
                s.cols[k] = c
            else:
                unknown[key] = (c, text)
        if phases:
            s.phase_cols = [phases[n] for n in sorted(phases)]
        listed = ", ".join(c.key for c in spec.columns) + (", fase 1, fase 2, …" if spec.table == "pijlers" else "")
        suggested = set()
        for col in spec.columns:
            if col.key in s.cols or not col.required:
                continue
            close = difflib.get_close_matches(D.norm(col.key), list(unknown), n=1, cutoff=0.6)
            if close:
                suggested.add(close[0])
            self.add("defx_kolom_ontbreekt", sheet, f"{_letter(max(row) + 1)}{s.header}", kolom=col.key,
                     rij=s.header, suggestie=(f" (bedoelt u de kolom '{unknown[close[0]][1]}'?)" if close else ""))
        for key, (c, text) in unknown.items():
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
            self.add("defx_kolom_onbekend", sheet, f"{_letter(c)}{s.header}", kolom=text, kolommen=listed,
                     suggestie=f" (bedoelt u '{allowed[close[0]]}'?)" if close else "")

    def _item(self, sheet: str, spec: D.Sheet, r: int, row: dict, s: _SheetRead) -> dict:
        item = {}
        for col in spec.columns:
            c = s.cols.get(col.key)
            if c is None:
                continue
            value = self._value(sheet, row.get(c), col, s)
            if value is not None:
                item[col.key] = value
        return item

    def _settings(self, sheet: str, rows, s: _SheetRead, data: dict) -> None:
        fields = {D.norm(c.key): c for c in self.layout.settings}
        key_col, value_col = s.cols.get("veld"), s.cols.get("waarde")
        if key_col is None or value_col is None:
            return
        for r, row in rows:
            name = self._value(sheet, row.get(key_col), D.Column("veld"), s)
            if name is None:
                continue
            col = fields.get(D.norm(name))
            if col is None:
                close = difflib.get_close_matches(D.norm(name), list(fields), n=1, cutoff=0.6)
                self.findings.append(finding("def_onbekend_veld", file=self.fname, sheet=sheet,
                                             cell=f"{_letter(key_col)}{r}", waar=sheet, veld=name,
                                             suggestie=f" (bedoelt u '{fields[close[0]].key}'?)" if close else ""))
                continue
            if col.key in self.places.settings:
                self.add("defx_instelling_dubbel", sheet, f"{_letter(key_col)}{r}", veld=col.key,
                         ander=f"rij {self.places.settings[col.key]}")
                continue
            self.places.settings[col.key] = r
            value = self._value(sheet, row.get(value_col), col, s)
            if value is not None:
                data[col.key] = value

    def _scales(self, sheet: str, spec: D.Sheet, rows, s: _SheetRead) -> list[dict]:
        scales: dict[str, dict] = {}
        id_col = s.cols.get("id")
        for r, row in rows:
            item = self._item(sheet, spec, r, row, s)
            sid = item.pop("id", None)
            if sid is None:
                if id_col is not None and (r, id_col) not in s.bad:
                    self.add("defx_antwoord_zonder_schaal", sheet, f"{_letter(id_col)}{r}",
                             label=item.get("label", ""))
                continue
            scale = scales.get(sid)
            if scale is None:
                scale = scales[sid] = {"id": sid, "antwoorden": []}
                s.rows.append(r)
                s.answer_rows.append([])
            name = item.pop("naam", None)
            if name is not None and "naam" not in scale:
                scale["naam"] = name
            scale["antwoorden"].append(item)
            s.answer_rows[list(scales).index(sid)].append(r)
        return list(scales.values())

    def _value(self, sheet: str, cell, col: D.Column, s: _SheetRead):
        """The cell's value as the definition means it, or None (empty, or reported here)."""
        if cell is None or cell.value is None:
            return None
        value = cell.value
        where = (sheet, cell.coordinate)

        def bad(code: str, **ctx) -> None:
            self.add(code, *where, **ctx)
            s.bad.add((cell.row, cell.column))

        if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type != "s"):
            text = value if isinstance(value, str) else getattr(value, "text", "") or "="
            bad("defx_formule", formule=str(text)[:40])
            return None
        if cell.data_type == "e":
            bad("defx_foutwaarde", waarde=str(value))
            return None
        numeric = col.kind in (D.INT, D.NUMBER)
        if isinstance(value, bool):
            wat = "WAAR of ONWAAR"
            bad("defx_geen_getal" if numeric else "defx_geen_tekst", veld=col.key, soort=col.kind, wat=wat,
                waarde="WAAR" if value else "ONWAAR")
            return None
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            shown = value.strftime("%d-%m-%Y") if isinstance(value, (dt.datetime, dt.date)) else str(value)
            wat = f"een datum ({shown}); Excel maakt van sommige invoer vanzelf een datum"
            bad("defx_geen_getal" if numeric else "defx_geen_tekst", veld=col.key, soort=col.kind, wat=wat,
                waarde=shown)
            return None
        if isinstance(value, (int, float)):
            shown = str(int(value)) if float(value).is_integer() else str(value)
            if col.kind == D.INT:
                return int(value) if float(value).is_integer() else value
            if col.kind == D.NUMBER:
                return float(value)
            if col.kind == D.LIST:
                return [shown]
            bad("defx_geen_tekst", veld=col.key, wat=f"het getal {shown}", waarde=shown)
            return None
        text = str(value).strip()
        if not text:
            return None
        if col.kind == D.LIST:
            return [x.strip() for x in text.splitlines() if x.strip()] or None
        if col.kind == D.INT and _is_int(text):
            return int(text)
        if col.kind == D.NUMBER and _is_number(text):
            return float(text.replace(",", "."))
        return text


def _is_int(text: str) -> bool:
    return text.lstrip("+-").isdigit() and text.lstrip("+-").isascii()


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return text.replace(",", ".").replace(".", "", 1).lstrip("+-").isdigit()


# --- the definition as plain data (what TOML and the workbook both hold) --------------------

def to_data(q: Questionnaire) -> dict:
    """The definition as the data a TOML file holds: empty fields left out, every question's
    scale given only where it differs from the most used one (standaard_schaal)."""
    counts: dict[str, int] = {}
    for x in q.questions:
        counts[x.scale_id] = counts.get(x.scale_id, 0) + 1
    default = max(counts, key=lambda k: counts[k]) if counts else (q.scales[0].id if q.scales else "")

    def keep(d: dict) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()
                if v is not None and v != "" and v != () and v != []}

    data: dict = keep({"id": q.id, "versie": q.version, "titel": q.title, "toelichting": q.note,
                       "standaard_schaal": default})
    data["fasen"] = [keep({"nummer": p.number, "naam": p.name, "beschrijving": p.description}) for p in q.phases]
    data["pijlers"] = [keep({"id": p.id, "naam": p.name, "beschrijving": p.description, "fasen": p.phase_texts})
                       for p in q.pillars]
    data["schalen"] = [keep({"id": s.id, "naam": s.name, "antwoorden": [
        keep({"label": o.label, "waarde": o.value if o.kind == VALUE else None,
              "soort": o.kind, "synoniemen": o.aliases}) for o in s.options]}) for s in q.scales]
    if q.sources:
        data["bronnen"] = [keep({"id": s.id, "titel": s.title, "kort": s.short, "jaar": s.year, "adres": s.url})
                           for s in q.sources]
    if q.terms:
        data["begrippen"] = [keep({"term": t.term, "uitleg": t.explanation, "bron": t.source}) for t in q.terms]
    data["indicatoren"] = [keep({
        "id": i.id, "pijler": i.pillar_id, "fase": i.phase, "naam": i.name, "thema": i.theme, "betekenis": i.meaning,
        "handvat": i.handvat, "eerste_stap": i.first_step, "eigenaar": i.owner, "klein": i.small,
        "producten": i.products, "minimaal": i.minimum, "vervangt": i.replaces}) for i in q.indicators]
    data["vragen"] = [keep({
        "id": x.id, "indicator": x.indicator_id, "vraag": x.text, "hulp": x.help, "ja_als": x.ja_when,
        "deels_als": x.deels_when, "nvt_als": x.nvt_when, "schaal": x.scale_id if x.scale_id != default else None,
        "bron": x.source, "sectie": x.section, "vervangt": x.replaces, "enquete": x.survey}) for x in q.questions]
    return data


# --- writing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Todo:
    """A cell (or a whole row, column None) still to be filled in: marked, with a note.
    table: the TOML table ("indicatoren"; "" for a setting), ident: the item's id (a phase's
    number, a term, a setting's name), column: the key."""
    table: str
    ident: str
    column: str | None = None


DROPDOWN_ROWS = 1000     # rows below the data that get the dropdowns too, for rows added later
LIST_ROWS = 2000         # how far down the source lists of the dropdowns reach


def write_definition(q: Questionnaire, target: str | Path, replace: bool = True, todo: Collection[Todo] = ()) -> Path:
    """Write `q` as a definition workbook, atomically. Cells in `todo` are marked 'nog in te
    vullen' (an empty value there, such as phase 0, is left empty)."""
    from .output import atomic_buffer
    target = Path(target)
    with atomic_buffer(target, replace) as buf:
        buf.write(definition_bytes(q, todo))
    return target


def definition_bytes(q: Questionnaire, todo: Collection[Todo] = ()) -> bytes:
    import xlsxwriter

    from . import __version__
    from .style import columns_width, formats, page_setup, page_units, row_height

    data = to_data(q)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": f"{q.title}: definitie", "subject": "Vragenlijst-definitie voor piramide",
                       "comments": f"Gemaakt met piramide {__version__}"})
    fmt = formats(wb)
    fmt["todo"] = wb.add_format({"font_name": "Calibri", "font_size": 10, "valign": "top", "text_wrap": True,
                                 "border": 1, "border_color": "#C55A11", "bg_color": "#FCE4D6"})
    footer = "&L&9&A&R&9pagina &P van &N"
    marks: dict[tuple[str, str], set[str | None]] = {}
    for t in todo:
        marks.setdefault((t.table, str(t.ident)), set()).add(t.column)

    explanation = wb.add_worksheet(D.EXPLANATION)
    sheets = {spec.table: wb.add_worksheet(spec.name) for spec in D.SHEETS}
    lists = wb.add_worksheet(D.LISTS)
    lists.hide()

    def write_table(spec: D.Sheet, heads: list[tuple[str, float, str]], rows: list[tuple[str, list]]) -> None:
        """heads: (header, width, key); rows: (ident for todo marks, values)."""
        ws = sheets[spec.table]
        # A table wider than an A4 page (landscape, text at 8 pt or more) prints over pages side
        # by side, the id column on each (10 pt text printed at 8 pt or more); narrowing the text
        # columns instead breaks words.
        pages = max(1, math.ceil(columns_width([w for _, w, _ in heads]) / page_units(True, scale=0.8)))
        for c, (title, width, _) in enumerate(heads):
            ws.set_column(c, c, width)
            ws.write_string(0, c, title, fmt["head"])
        ws.set_row(0, row_height([(t, w, 10, True) for t, w, _ in heads]))
        for r, (ident, values) in enumerate(rows, 1):
            h = row_height([(v, w, 10) for v, (_, w, _) in zip(values, heads) if isinstance(v, str)])
            if h > 15:
                ws.set_row(r, h)
            marked = marks.get((spec.table, ident), set())
            for c, (v, (_, _, key)) in enumerate(zip(values, heads)):
                todo_here = None in marked or key in marked
                f = fmt["todo"] if todo_here else fmt["cell"]
                if todo_here and not v:
                    v = None
                if v is None:
                    ws.write_blank(r, c, None, f)
                elif isinstance(v, str):
                    ws.write_string(r, c, v, f)
                else:
                    ws.write_number(r, c, v, fmt["todo"] if todo_here else fmt["cell_c"])
                if todo_here:
                    ws.write_comment(r, c, D.TODO.capitalize() + ".", {"author": "piramide"})
        ws.freeze_panes(1, 1)
        ws.repeat_rows(0)
        page_setup(ws, landscape=True, footer=footer)
        if pages > 1:
            ws.fit_to_pages(pages, 0)
            ws.repeat_columns(0)

    def lines(v) -> str:
        return "\n".join(v) if isinstance(v, (list, tuple)) else ("" if v is None else v)

    def heads_of(spec: D.Sheet, extra: Collection[tuple[str, float, str]] = ()) -> list[tuple[str, float, str]]:
        return [(c.key, c.width, c.key) for c in spec.columns] + list(extra)

    def values(spec: D.Sheet, item: dict, heads) -> list:
        out = []
        for _, _, key in heads:
            col = spec.column(key)
            v = item.get(key)
            out.append(lines(v) if col is not None and col.kind == D.LIST else v)
        return out

    # Instellingen: veld | waarde
    settings = [(c.key, [c.key, data.get(c.key)]) for c in D.SETTING_FIELDS
                if c.key in data or c.required or ("", c.key) in marks]
    write_table(D.SETTINGS, [("veld", 20, "veld"), ("waarde", 70, "waarde")],
                [(k, [v[0], None if v[1] is None else str(v[1])]) for k, v in settings])

    spec = D.BY_TABLE["fasen"]
    heads = heads_of(spec)
    write_table(spec, heads, [(str(p.get("nummer", "")), values(spec, p, heads)) for p in data["fasen"]])

    spec = D.BY_TABLE["pijlers"]
    n_phases = max([len(q.phases)] + [len(p.phase_texts) for p in q.pillars])
    heads = heads_of(spec, [(D.phase_column(n), 24, f"fase {n}") for n in range(1, n_phases + 1)])
    rows = []
    for p in data["pijlers"]:
        texts = p.get("fasen", [])
        rows.append((p["id"] if "id" in p else "", values(spec, p, heads[:len(spec.columns)])
                     + [texts[n] if n < len(texts) else None for n in range(n_phases)]))
    write_table(spec, heads, rows)

    spec = D.BY_TABLE["schalen"]
    heads = heads_of(spec)
    answer_rows = []
    for s in data["schalen"]:
        for opt in s.get("antwoorden", []):
            item = {"id": s.get("id"), "naam": s.get("naam"), **opt}
            answer_rows.append((s.get("id", ""), values(spec, item, heads)))
    write_table(spec, heads, answer_rows)

    for table in ("indicatoren", "vragen", "bronnen", "begrippen"):
        spec = D.BY_TABLE[table]
        heads = heads_of(spec)
        key = spec.columns[0].key
        write_table(spec, heads, [(str(x.get(key, "")), values(spec, x, heads)) for x in data.get(table, [])])

    _dropdowns(sheets, lists, data, n_items={t: len(data.get(t, [])) for t in ("indicatoren", "vragen")},
               n_answers=len(answer_rows), settings_rows={k: r for r, (k, _) in enumerate(settings, 1)})
    _explain(explanation, fmt, q, footer)
    explanation.activate()
    wb.close()
    return out.getvalue()


def _list_source(spec_table: str, col: int) -> str:
    name = D.BY_TABLE[spec_table].name
    letter = _letter(col + 1)
    return f"={name}!${letter}$2:${letter}${LIST_ROWS}"


def _dropdowns(sheets, lists, data: dict, n_items: dict[str, int], n_answers: int, settings_rows: dict) -> None:
    """Dropdowns for the references (pillar, phase, indicator, scale) and the kind of an
    answer, on the rows there are and DROPDOWN_ROWS more. The list of scale ids (the sheet
    Schalen repeats each id on every answer row) is computed without repeats on the hidden
    sheet Lijsten, by formulas that follow the sheet Schalen."""
    schalen = D.BY_TABLE["schalen"].name
    lists.write_string(0, 0, "schalen (berekend uit het blad Schalen)")
    ids = list(dict.fromkeys(s.get("id", "") for s in data["schalen"]))
    n_lists = 200
    for r in range(1, n_lists + 1):
        rng = f"{schalen}!$A$2:$A${LIST_ROWS}"
        formula = (f'=IFERROR(INDEX({rng},MATCH(0,COUNTIF($A$1:A{r},{rng})+({rng}=""),0)),"")')
        lists.write_array_formula(r, 0, r, 0, "{" + formula + "}", None, ids[r - 1] if r <= len(ids) else "")
    scale_list = f"={D.LISTS}!$A$2:$A${n_lists + 1}"

    def dropdown(ws, col: int, first: int, last: int, source, title: str, what: str) -> None:
        ws.data_validation(first, col, last, col, {
            "validate": "list", "source": source, "ignore_blank": True, "error_type": "warning",
            "input_title": title[:32], "input_message": what[:255],
            "error_title": "Onbekende waarde",
            "error_message": f"Deze waarde staat niet in de lijst. {what}"[:255]})

    ind = sheets["indicatoren"]
    last = n_items["indicatoren"] + DROPDOWN_ROWS
    cols = [c.key for c in D.BY_TABLE["indicatoren"].columns]
    dropdown(ind, cols.index("pijler"), 1, last, _list_source("pijlers", 0), "pijler",
             "Kies het id van een pijler van het blad Pijlers.")
    dropdown(ind, cols.index("fase"), 1, last, _list_source("fasen", 0), "fase",
             "Kies het nummer van een fase van het blad Fasen.")
    vr = sheets["vragen"]
    last = n_items["vragen"] + DROPDOWN_ROWS
    cols = [c.key for c in D.BY_TABLE["vragen"].columns]
    dropdown(vr, cols.index("indicator"), 1, last, _list_source("indicatoren", 0), "indicator",
             "Kies het id van een indicator van het blad Indicatoren.")
    dropdown(vr, cols.index("schaal"), 1, last, scale_list, "schaal",
             "Kies het id van een schaal van het blad Schalen, of laat leeg voor de standaard_schaal.")
    sc = sheets["schalen"]
    cols = [c.key for c in D.BY_TABLE["schalen"].columns]
    dropdown(sc, cols.index("soort"), 1, n_answers + DROPDOWN_ROWS, ["waarde", "nvt", "onbekend"], "soort",
             "waarde, nvt of onbekend (weet niet).")
    if "standaard_schaal" in settings_rows:
        r = settings_rows["standaard_schaal"]
        dropdown(sheets[""], 1, r, r, scale_list, "standaard_schaal", "Kies het id van een schaal van het blad Schalen.")


def _explain(ws, fmt, q: Questionnaire, footer: str) -> None:
    """The sheet Uitleg: what each sheet and column means, and how to check the file."""
    from .style import page_setup, row_height
    widths = (22, 12, 80)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    r = 0
    ws.write_string(r, 0, f"{q.title}: de vragenlijst-definitie", fmt["title"])
    ws.set_row(r, 26)
    r += 2
    intro = [
        "Dit werkboek beschrijft een vragenlijst voor piramide: de fasen, de pijlers, de antwoordschalen, de "
        "indicatoren en de vragen. Elk blad is een tabel met één rij per onderdeel; de eerste rij bevat de "
        "kolomnamen. Pas de tabellen aan, voeg rijen toe of verwijder ze, maar laat de namen van de bladen en de "
        "kolommen staan.",
        "Een lijst in één cel (vervangt, synoniemen, producten) zet u op aparte regels in de cel: Alt+Enter in "
        "Excel, Ctrl+Enter in LibreOffice. Een keuzelijst in de kolommen pijler, fase, indicator, schaal en "
        "soort toont wat de andere bladen bevatten. Gebruik geen formules en geen samengevoegde cellen; zet een "
        "apostrof voor een versie of id die Excel anders als getal of datum leest ('2.0).",
        "Controleer het bestand na elke wijziging:   piramide questionnaire check definitie.xlsx",
        "Maak er daarna het invulwerkboek mee:   piramide template -q definitie.xlsx -o invulwerkboek.xlsx",
        "Oranje cellen met een opmerking zijn nog in te vullen.",
    ]
    for text in intro:
        ws.merge_range(r, 0, r, 2, text, fmt["wrap"])
        ws.set_row(r, row_height([(text, sum(widths) + 2, 10)]))
        r += 1
    r += 1
    for spec in D.SHEETS:
        ws.merge_range(r, 0, r, 2, f"Blad {spec.name}" + ("" if spec.required else " (optioneel)"), fmt["h2"])
        ws.set_row(r, 18)
        r += 1
        ws.merge_range(r, 0, r, 2, spec.help, fmt["wrap"])
        ws.set_row(r, row_height([(spec.help, sum(widths) + 2, 10)]))
        r += 1
        for c, head in enumerate(("kolom", "verplicht", "betekenis")):
            ws.write_string(r, c, head, fmt["head"])
        r += 1
        cols = list(spec.columns)
        if spec is D.SETTINGS:
            cols = list(D.SETTING_FIELDS)
        if spec.table == "pijlers":
            cols.append(D.Column("fase 1, fase 2, …", D.TEXT, False, 0,
                                 "Per fase van het blad Fasen wat die fase in deze pijler betekent (optioneel)."))
        for col in cols:
            ws.write_string(r, 0, col.key, fmt["cell"])
            ws.write_string(r, 1, "ja" if col.required else "nee", fmt["cell_c"])
            ws.write_string(r, 2, col.help, fmt["cell"])
            h = row_height([(col.help, widths[2], 10)])
            if h > 15:
                ws.set_row(r, h)
            r += 1
        r += 1
    ws.hide_gridlines(2)
    page_setup(ws, landscape=False, footer=footer)
