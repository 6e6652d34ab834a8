"""Read a filled piramide workbook as people really fill it.

Questions are found by their id wherever their row now stands (rows sorted, inserted or
deleted, columns added, sheets renamed or reordered); front-sheet fields by their label.
A RIEC's own workbook is read as it is: `layout` finds its question tables, and a row's
question is found by id, number or text (`_match`; numbering rules in `_Definition`), its
answer as a value or as a mark under an answer label (`_marked`). Everything off becomes a
finding with sheet and cell; an unrecognised layout, one that says what was found and what is
missing (`_explain`). Reading knows nothing of scoring.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import labels as L
from . import layout, parts
from .answers import cell_text, normalize
from .findings import finding, fragment
from .errors import InputError, ReadError
from .gate import gated_archive
from .measurement import EMPTY, INVALID, Answer, Measurement
from .model import NVT, UNKNOWN, Question, Questionnaire
from .output import OUTPUT_MARK

_MONTHS = {"jan": 1, "januari": 1, "feb": 2, "februari": 2, "mrt": 3, "maart": 3, "apr": 4, "april": 4,
           "mei": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augustus": 8, "sep": 9,
           "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11,
           "dec": 12, "december": 12}
_SOORT = {"0-meting": "0-meting", "0 meting": "0-meting", "0meting": "0-meting", "nulmeting": "0-meting",
          "nul-meting": "0-meting", "basismeting": "0-meting", "vervolgmeting": "vervolgmeting",
          "vervolg": "vervolgmeting", "hermeting": "vervolgmeting", "herhaalmeting": "vervolgmeting"}
META_SCAN_ROWS, META_SCAN_COLS = 80, 12
# A sheet's declared size can be a lie (a cell at XFD1048576): read at most this much of it.
ROW_LIMIT, COL_LIMIT = parts.ROW_LIMIT, parts.COL_LIMIT
# Excel's error values: the same text whichever reader found them (openpyxl gives the text,
# for calamine the package scan finds them).
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
                          "#PYTHON!"})


def is_error_value(value) -> bool:
    return isinstance(value, str) and value.strip().upper() in ERROR_VALUES


MAX_BOOK_CELLS = 3_000_000     # all sheets together, as read; the template has about 20 000


class _TooMany(Exception):
    """More cells than MAX_BOOK_CELLS: raised while reading, turned into a finding."""


_TOO_MANY = object()
# calamine's empty cell "" as None, every other value as it is: mapped in C, row by row
_NONE_FOR_EMPTY: dict[object, object] = {"": None}


@dataclass
class Book:
    """A workbook's sheets as lists of row tuples (values only, read once and released), the
    names of the hidden sheets, and its date system."""
    sheets: dict[str, list[tuple]]
    hidden: set[str] = field(default_factory=set)
    date1904: bool = False


def cell_ref(row: int, col: int) -> str:
    return f"{layout.col_letter(col)}{row + 1}"


def load_book(data: bytes, fname: str, data_only: bool = True, engine: str = "auto",
              pkg: parts.Package | None = None, archive: zipfile.ZipFile | None = None) -> Book:
    """Read every sheet once.

    python-calamine reads values about ten times faster than openpyxl; it is used when it is
    installed and one linear pass over the referenced sheets shows every cell within
    ROW_LIMIT x COL_LIMIT (it builds a dense grid, so one cell at XFD1048576 would cost
    gigabytes). openpyxl, with the same bounds, reads the rest and whatever needs formulas
    rather than values. Both give the same Book: error values as their text, Excel's _xHHHH_
    escapes decoded, hidden sheets and the 1904 date system known. A test demands it."""
    if data_only and engine != "openpyxl":
        book = _calamine_book(data, pkg, archive)
        if book is _TOO_MANY:
            raise ReadError(finding("invoer_te_veel_cellen", file=fname, aantal=MAX_BOOK_CELLS))
        if isinstance(book, Book):
            return book
    if engine == "calamine":
        raise ReadError(finding("invoer_calamine", file=fname))
    return _openpyxl_book(data, fname, data_only)


# Sheets only our outputs have; three of them make a file ours even when the mark is gone
# (Excel's Document Inspector removes custom properties) or a sheet was renamed.
_OWN_SHEETS = {"dashboard": {"Dashboard", "Verbeterpunten", "Indicatoren", "Antwoorden", "Meldingen", "Over", "Trend",
                             "Trend indicatoren", "Gewijzigde antwoorden"},
               "regio-overzicht": {"Regio", "Verdeling", "Open indicatoren", "Meldingen", "Over"},
               "enquete-dashboard": {"Overzicht", "Per vraag", "Vrije tekst", "Meldingen", "Over"}}
_MARK = re.compile(rb"""name\s{0,8}=\s{0,8}["']%s["'][^>]{0,400}>\s{0,40}<[^>]{1,60}>\s{0,40}([a-z-]{1,40})\s{0,40}<"""
                   % OUTPUT_MARK.encode())


def package(data: bytes, archive: zipfile.ZipFile | None = None) -> parts.Package | None:
    """What the workbook's package says (sheets, visibility, date system), read once per file;
    None when it does not say, and the bounded openpyxl path decides. `archive`: the zip of
    `data`, already opened by the gate."""
    try:
        with _opened(data, archive) as z:
            return parts.inspect(z)
    except Exception:  # noqa: BLE001 - any doubt: openpyxl reads it, in its own words
        return None


def _opened(data: bytes, archive: zipfile.ZipFile | None):
    """The zip already opened (left open for the next look), else `data` opened for one block."""
    return contextlib.nullcontext(archive) if archive is not None else zipfile.ZipFile(io.BytesIO(data))


def own_output(data: bytes, pkg: parts.Package | None = None, archive: zipfile.ZipFile | None = None) -> str:
    """'dashboard' or 'regio-overzicht' when the file is one of piramide's own outputs (also
    renamed): by the mark every output carries, or, for outputs of before the mark, by its
    sheets. '' for anything else."""
    try:
        with _opened(data, archive) as z:
            try:
                with z.open("docProps/custom.xml") as fh:
                    custom = fh.read(1 << 20)
            except KeyError:
                custom = b""
            mark = _MARK.search(custom)
            if mark and mark.group(1).decode() in _OWN_SHEETS:
                return mark.group(1).decode()
            names = {sp.name for sp in (pkg or parts.inspect(z)).sheets}
    except Exception:  # noqa: BLE001 - not ours to judge here; the readers will say what is wrong
        return ""
    return next((kind for kind, sheets in _OWN_SHEETS.items() if len(sheets & names) >= 3), "")


def _calamine_book(data: bytes, pkg: parts.Package | None = None,
                   archive: zipfile.ZipFile | None = None) -> Book | object | None:
    try:
        import python_calamine as pc
    except ImportError:
        return None
    try:
        with _opened(data, archive) as z:
            pkg = pkg or parts.inspect(z)
            if not pkg.plain or not parts.one_directory(data, z.infolist()):
                return None                         # calamine might read other parts than the ones scanned
            extents = {}
            for sp in pkg.sheets:
                if not sp.worksheet:
                    return None                     # a chart sheet: openpyxl knows what to skip
                extent = parts.scan(z.read(sp.part))
                if not extent.fits:
                    return None
                extents[sp.name] = extent
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if list(wb.sheet_names) != [sp.name for sp in pkg.sheets]:
            return None                             # the package and calamine disagree: no guessing
        out, cells = {}, 0
        for sp in pkg.sheets:
            grid = wb.get_sheet_by_name(sp.name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in grid)
            if cells > MAX_BOOK_CELLS:
                return _TOO_MANY                    # one grid per sheet, each bounded: stop at the budget
            # calamine's empty cell is "", openpyxl's is None: speak openpyxl's language
            errors = extents[sp.name].errors
            if not errors:
                out[sp.name] = [tuple(map(_NONE_FOR_EMPTY.get, row, row)) for row in grid]
                continue
            rows = [[None if v == "" else v for v in row] for row in grid]
            for (r, c), text in errors.items():
                while len(rows) <= r:
                    rows.append([])
                rows[r].extend([None] * (c + 1 - len(rows[r])))
                rows[r][c] = text
            out[sp.name] = [tuple(row) for row in rows]
        return Book(out, pkg.hidden(), pkg.date1904)
    except Exception:  # noqa: BLE001 - any doubt: the bounded openpyxl path decides, in its words
        return None
    except BaseException as exc:  # calamine's Rust panic (PanicException) is no Exception
        if type(exc).__name__ == "PanicException":
            return None
        raise


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Noncharacters that stand in while openpyxl reads: for Excel's escaped underscore (_x005F_),
# and for any other 'x005F_', which openpyxl would silently drop.
_UNDERSCORE, _X005F = "\ufdd0", "\ufdd1"


def _unescape(value):
    """Excel's _xHHHH_ escapes decoded, as Excel shows them (openpyxl leaves them)."""
    if not isinstance(value, str) or "_x" not in value and _UNDERSCORE not in value and _X005F not in value:
        return value
    value = value.replace(_X005F, "x005F_")
    return _ESCAPE.sub(_decoded, value).replace(_UNDERSCORE, "_")


def _decoded(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)   # a lone surrogate stays as typed, as in calamine


def _protect_underscores(data: bytes) -> bytes:
    """openpyxl drops every 'x005F_' from shared strings, which turns an escaped literal
    '_x0041_' into 'A' once decoded; mark those places first so that decoding stays exact.
    Only the parts the workbook references are looked at."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            names = [sp.part for sp in parts.inspect(z).sheets] + ["xl/sharedStrings.xml"]
        except Exception:  # noqa: BLE001 - a package that does not say: openpyxl reports it
            return data
        present = set(z.namelist())
        touched = [n for n in names if n in present and b"x005" in z.read(n).lower()]
        if not touched:
            return data
        referenced = set(names)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml") \
                        and info.filename not in referenced:
                    continue                      # a sheet nobody references is never read
                body = z.read(info)
                if info.filename in touched:
                    body = re.sub(rb"_[xX]005[fF]_", _UNDERSCORE.encode(), body).replace(b"x005F_", _X005F.encode())
                out.writestr(info, body)
        return buf.getvalue()


def _openpyxl_book(data: bytes, fname: str, data_only: bool) -> Book:
    with warnings.catch_warnings():          # openpyxl's English warnings never reach a user
        warnings.simplefilter("ignore")
        return _openpyxl_book_quietly(data, fname, data_only)


def _openpyxl_book_quietly(data: bytes, fname: str, data_only: bool) -> Book:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    try:
        if data_only:
            data = _protect_underscores(data)
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_vba=False,
                                    keep_links=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is the user's to fix
        raise ReadError(finding("invoer_kapot_werkboek", file=fname, detail=type(exc).__name__)) from None
    try:
        sheets, cells = {}, 0
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows(min_row=1, min_col=1, max_row=min(ws.max_row or ROW_LIMIT, ROW_LIMIT),
                                    max_col=min(ws.max_column or COL_LIMIT, COL_LIMIT), values_only=True):
                cells += len(row)
                if cells > MAX_BOOK_CELLS:
                    raise _TooMany
                rows.append(tuple(_unescape(v) for v in row) if data_only else row)
            sheets[ws.title] = rows
        hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
        return Book(sheets, hidden, wb.epoch == CALENDAR_MAC_1904)
    except _TooMany:
        raise ReadError(finding("invoer_te_veel_cellen", file=fname, aantal=MAX_BOOK_CELLS)) from None
    except Exception as exc:  # noqa: BLE001
        raise ReadError(finding("invoer_kapot_werkboek", file=fname, detail=type(exc).__name__)) from None
    finally:
        wb.close()


def read(path: str | Path, questionnaire: Questionnaire, data: bytes | None = None,
         engine: str = "auto") -> Measurement:
    return read_with(path, [questionnaire], data, engine)[0]


def read_with(path: str | Path, candidates: Sequence[Questionnaire], data: bytes | None = None,
              engine: str = "auto") -> tuple[Measurement, Questionnaire]:
    """Read with the definition the workbook was made from, when it is among the candidates
    (the first candidate otherwise): a 0-meting on version 1 stays readable after version 2."""
    path = Path(path)
    fname = str(path)
    data, pkg, book = gated_book(path, data, engine)
    info = _info(book.sheets)
    questionnaire = _choose(info, candidates)
    m = Measurement(source=fname, sha256=hashlib.sha256(data).hexdigest())
    _read_info(info, questionnaire, m)
    empties = _read_answers(book, questionnaire, m)
    meta_empties = _read_meta(book, questionnaire, m)
    # openpyxl's own reading of the formulas when it is the engine asked for: so the agreement
    # of the two readers (tests) also holds the XML's formulas against openpyxl's
    formulas = _formula_cells(data, fname, empties + [c for c, _ in meta_empties],
                              None if engine == "openpyxl" else pkg)
    for title, r, c in empties:
        ref = cell_ref(r, c)
        qid = next(a.question_id for a in m.answers.values() if a.sheet == title and a.cell == ref)
        _add(m, "antwoord_formule_zonder_waarde" if (title, r, c) in formulas else "antwoord_leeg", title, ref, vraag=qid)
    for (title, r, c), veld in meta_empties:
        if (title, r, c) in formulas:
            _add(m, "meta_formule_zonder_waarde", title, cell_ref(r, c), veld=veld)
        else:
            _add(m, "meta_ontbreekt", title, cell_ref(r, c), veld=veld)
    return m, questionnaire


_KIND_WORDS = {"enquete-dashboard": "enquêtedashboard"}     # how a message names an output kind


def gated_book(path: Path, data: bytes | None = None, engine: str = "auto",
               own: str = "eigen_uitvoer") -> tuple[bytes, parts.Package | None, Book]:
    """A workbook through the gate, refused with the finding `own` when it is one of
    piramide's own outputs, and read once: for a measurement and for `questionnaire infer`."""
    try:
        data, archive = gated_archive(path, data)
    except InputError as exc:
        raise ReadError(exc.finding) from None
    with archive:                   # the zip directory parsed once per file, by the gate
        pkg = package(data, archive)
        kind = own_output(data, pkg, archive)
        if kind:
            raise ReadError(finding(own, file=str(path), soort=_KIND_WORDS.get(kind, kind)))
        return data, pkg, load_book(data, str(path), engine=engine, pkg=pkg, archive=archive)


def _info(sheets) -> tuple[str, dict[str, tuple[str, str]]]:
    """The sheet naming the questionnaire (our own info sheet first), its id and version."""
    for title, rows in sorted(sheets.items(), key=lambda kv: kv[0] != L.SHEET_INFO):
        found = {r[0]: (cell_text(r[1]), cell_ref(n, 1)) for n, r in enumerate(rows)
                 if len(r) >= 2 and r[0] in (L.INFO_ID, L.INFO_VERSION)}
        if found:
            return title, found
    return "", {}


def _choose(info, candidates: Sequence[Questionnaire]) -> Questionnaire:
    """The candidate the info sheet names (id and version), else the first. Lazy candidates
    (questionnaire.Candidates) load only the one chosen."""
    _, found = info
    key = (found.get(L.INFO_ID, ("",))[0], found.get(L.INFO_VERSION, ("",))[0])
    choose = getattr(candidates, "choose", None)
    if choose is not None:
        return choose(*key)
    return next((q for q in candidates if (q.id, q.version) == key), candidates[0])


def _add(m: Measurement, code: str, sheet: str = "", cell: str = "", **ctx):
    m.findings.append(finding(code, file=m.source, sheet=sheet, cell=cell, **ctx))


def _read_info(info, q: Questionnaire, m: Measurement):
    title, found = info
    m.questionnaire_id, id_cell = found.get(L.INFO_ID, ("", ""))
    m.questionnaire_version, version_cell = found.get(L.INFO_VERSION, ("", ""))
    if m.questionnaire_id and m.questionnaire_id != q.id:
        _add(m, "vragenlijst_anders", title, id_cell, werkboek=m.questionnaire_id, geladen=q.id)
    elif m.questionnaire_version and m.questionnaire_version != q.version:
        _add(m, "versie_anders", title, version_cell, werkboek=f"versie {m.questionnaire_version}",
             geladen=f"versie {q.version}")


def _cell(row: tuple, col: int | None) -> str:
    return " ".join(cell_text(row[col]).split()) if col is not None and col < len(row) else ""


def _at(row: tuple, col: int | None):
    return row[col] if col is not None and col < len(row) else None


def answer_labels(q: Questionnaire) -> dict[str, str]:
    """The column headers that name an answer of one of the definition's scales (label or
    synonym, normalised) -> the label as the first scale has it. Synonyms that are a number,
    a truth value or a single letter are no column header ("1", "waar", "j")."""
    out: dict[str, str] = {}
    for scale in q.scales:
        for o in scale.options:
            for form in (o.label, *o.aliases):
                key = layout.header_key(form)
                if key and not (len(key) <= 1 or key in ("true", "false", "waar", "onwaar")
                                or layout.parse_number(key)):
                    out.setdefault(key, o.label)
    return out


class _Definition:
    """What matching rows to a definition needs: question numbers per scope, question texts,
    the pillar a sheet or heading names. Built lazily: reading our own template, where every
    row carries its id, never needs it."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self._numbering: dict[str | None, tuple[dict[int, Question], bool]] = {}
        self._texts: dict[str, list[Question]] | None = None
        self._pillars: list[tuple[str, set[str], str, str]] | None = None
        self.near_left = NEAR_ROWS

    def known(self, value) -> bool:
        return isinstance(value, str) and self.q.has_question(value.strip().upper())

    def numbering(self, pillar_id: str | None) -> tuple[dict[int, Question], bool]:
        """Question numbers within a scope (a pillar, or the whole definition when None):
        the number at the end of each id when every id of the scope ends in one and no two
        the same (True); else the place of the question in the definition's order, 1..N."""
        if pillar_id not in self._numbering:
            qs = [qq for qq in self.q.questions if pillar_id is None or self.q.pillar_of(qq).id == pillar_id]
            tails = [re.search(r"(\d+)$", qq.id) for qq in qs]
            numbers = [int(t.group(1)) for t in tails if t]
            if qs and len(numbers) == len(qs) and len(set(numbers)) == len(qs):
                self._numbering[pillar_id] = (dict(zip(numbers, qs)), True)
            else:
                self._numbering[pillar_id] = ({n: qq for n, qq in enumerate(qs, 1)}, False)
        return self._numbering[pillar_id]

    def scope_of(self, number: layout.Number, scope: str | None) -> str | None | bool:
        """The pillar a number speaks of: the one its prefix ("BO 1") or its first part
        ("3.4": the third pillar) names, else the table's own scope. False: none."""
        if number.prefix:
            pillar = next((p.id for p in self.q.pillars if p.id.lower() == number.prefix), None)
            return pillar if pillar is not None and number.minor is None else False
        if number.minor is not None:
            return self.q.pillars[number.major - 1].id if 1 <= number.major <= len(self.q.pillars) else False
        return scope

    def by_number(self, number: layout.Number, scope: str | None) -> Question | None:
        pillar = self.scope_of(number, scope)
        if pillar is False or pillar is True:
            return None
        n = number.minor if number.minor is not None and not number.prefix else number.major
        return self.numbering(pillar or None)[0].get(n)

    def texts(self) -> dict[str, list[Question]]:
        if self._texts is None:
            self._texts = {}
            for qq in self.q.questions:
                self._texts.setdefault(layout.text_key(qq.text), []).append(qq)
        return self._texts

    def by_text(self, key: str, where: _Scope) -> Question | None:
        found = self.texts().get(key, [])
        if len(found) > 1:
            scope = where.get()
            found = [qq for qq in found if self.q.pillar_of(qq).id == scope]
        return found[0] if len(found) == 1 else None

    def near(self, key: str) -> Question | None:
        """The question whose text is nearest, when near enough (difflib ratio >= NEAR) but
        not the same: for a finding, never to take. At most NEAR_ROWS rows per workbook are
        compared (each costs a few milliseconds), so that a sheet of a million texts costs
        no more than a small one."""
        if self.near_left <= 0:
            return None
        self.near_left -= 1
        best, best_ratio = None, NEAR
        for text, qs in self.texts().items():
            sm = difflib.SequenceMatcher(None, key, text, autojunk=False)
            if sm.real_quick_ratio() >= best_ratio and sm.quick_ratio() >= best_ratio:
                ratio = sm.ratio()
                if ratio >= best_ratio and ratio < 1:
                    best, best_ratio = qs[0], ratio
        return best

    def pillar_named(self, text: str) -> str | None:
        """The pillar a sheet name or heading names: its name or id ("Informatiepositie",
        "Pijler IP", "IP - Informatiepositie", "2. Informatiepositie"), or "Pijler 2". One pillar
        only; a text naming two names none."""
        if self._pillars is None:
            self._pillars = []
            for p in self.q.pillars:
                name, ident = layout.text_key(p.name), layout.text_key(p.id)
                exact = {name, ident, "pijler " + ident, "pijler " + name}
                self._pillars.append((p.id, exact, name, ident))
        key = layout.text_key(text)
        if not key:
            return None
        hits = {pid for pid, exact, name, ident in self._pillars
                if key in exact or (len(name) >= 4 and re.search(rf"\b{re.escape(name)}\b", key))
                or (len(ident) >= 2 and key.startswith(ident + " "))}
        if len(hits) == 1:
            return hits.pop()
        m = re.match(r"^pijler\s*(\d{1,2})\b", L.norm(text))
        if not hits and m and 1 <= int(m.group(1)) <= len(self.q.pillars):
            return self.q.pillars[int(m.group(1)) - 1].id
        return None


NEAR = 0.85        # difflib ratio from which a question text counts as "resembles"
NEAR_ROWS = 200    # rows per workbook compared with every question text
EXPLAIN_SHEETS = 10


def _holds_questions(rows, q: Questionnaire, words: dict[str, str]) -> bool:
    texts = {v.strip().upper() for row in rows for v in row if isinstance(v, str)}
    return any(q.has_question(t) for t in texts) and any(
        layout.read_header(rows, r, words) for r in range(len(rows)) if rows[r])


@dataclass
class _Row:
    """Where a question was found on a row: the question, and the cell that named it."""
    question: Question
    col: int


class _Scope:
    """The pillar the rows at hand belong to: named by the sheet, then by the last heading row
    that names one. Resolved only when a number or a text needs it: rows that carry their id
    never do."""

    def __init__(self, d: _Definition, title: str):
        self.d, self.todo = d, [title]
        self.pillar: str | None = None

    def see(self, heading: str):
        self.todo.append(heading)

    def get(self) -> str | None:
        for text in self.todo:
            self.pillar = self.d.pillar_named(text) or self.pillar
        self.todo.clear()
        return self.pillar


def _match(d: _Definition, m: Measurement, title: str, row: tuple, r: int, h: layout.Header,
           where: _Scope, pending: list, near_named: set[str]) -> _Row | None:
    """The question on this row: by id, by number, or by its exact text (in that order).
    A number and an exact text naming two different questions is a fout, and so is a text
    that only resembles a question: neither is ever taken."""
    q = d.q
    numbered = None
    for c in h.keys:
        v = _at(row, c)
        number = layout.parse_number(v)
        if number is None:
            if isinstance(v, str) and layout.ID_LIKE.match(v.strip()):
                _add(m, "vraag_onbekend", title, cell_ref(r, c), vraag=v.strip(), vragenlijst=q.label())
                return None
            continue
        scope = where.get()
        qq = d.by_number(number, scope)
        if qq is not None:
            numbered = _Row(qq, c)
            break
        if isinstance(v, str) and layout.ID_LIKE.match(v.strip()) and not v.strip()[:1].isdigit():
            _add(m, "vraag_onbekend", title, cell_ref(r, c), vraag=v.strip(), vragenlijst=q.label())
            return None
        pending.append(("nummer", r, c, number, d.scope_of(number, scope)))
        break
    text_cols = [h.text] if h.text is not None else \
        [c for c, v in enumerate(row) if isinstance(v, str) and c not in _answer_cols(h)]
    for c in text_cols:
        v = _at(row, c)
        if not isinstance(v, str) or len(v) > 2000:
            continue
        key = layout.text_key(v)
        if not key:
            continue
        qq = d.by_text(key, where)
        if qq is not None:
            if numbered is not None and numbered.question.id != qq.id:
                _add(m, "vraag_nummer_tekst", title, cell_ref(r, numbered.col),
                     nummer=cell_text(_at(row, numbered.col)).strip(), vraag=numbered.question.id, andere=qq.id)
                return None
            return numbered or _Row(qq, c)
        if numbered is None and h.text is not None and len(key) >= 4:
            like = d.near(key)
            if like is not None:
                near_named.add(like.id)
                _add(m, "vraag_tekst_lijkt_op", title, cell_ref(r, c), tekst=" ".join(v.split()), vraag=like.id,
                     vraagtekst=like.text)
                return None
            if any(_at(row, ac) not in (None, "") for ac in _answer_cols(h)):
                pending.append(("tekst", r, c, " ".join(v.split()), None))
    return numbered


def _answer_cols(h: layout.Header) -> list[int]:
    cols = [c for c, _ in h.marks] if h.marks else [h.answer] if h.answer is not None else []
    return cols + [c for c in (h.remark, h.basis, h.evidence) if c is not None]


def _marked(q: Questionnaire, qq: Question, row: tuple, r: int, h: layout.Header, title: str,
            remark: str, m: Measurement) -> tuple[Answer, bool]:
    """The answer given as a mark under a column headed with an answer label. One mark: that
    answer; none: empty; two or more, or something that is no mark: a fout, never a guess.
    The bool says whether a finding was already made."""
    marked, scale = [], q.scale(qq.scale_id)
    first = cell_ref(r, h.marks[0][0])
    for c, label in h.marks:
        v = _at(row, c)
        if is_error_value(v):
            _add(m, "antwoord_foutwaarde", title, cell_ref(r, c), waarde=cell_text(v).strip(), vraag=qq.id)
            return Answer(qq.id, INVALID, raw=cell_text(v), remark=remark, sheet=title, cell=cell_ref(r, c)), True
        key = L.norm(cell_text(v))
        if key in layout.NOT_MARKS:
            continue
        if key not in layout.MARKS:
            _add(m, "markering_ongeldig", title, cell_ref(r, c), waarde=cell_text(v).strip(), kolom=label, vraag=qq.id)
            return Answer(qq.id, INVALID, raw=cell_text(v), remark=remark, sheet=title, cell=cell_ref(r, c)), True
        marked.append((c, label))
    if not marked:
        return Answer(qq.id, EMPTY, remark=remark, sheet=title, cell=first), False
    if len(marked) > 1:
        places = " en ".join(f"{title}!{cell_ref(r, c)} ({label})" for c, label in marked)
        _add(m, "antwoord_twee_markeringen", title, cell_ref(r, marked[0][0]), vraag=qq.id, plekken=places)
        return Answer(qq.id, INVALID, raw=" + ".join(label for _, label in marked), remark=remark, sheet=title,
                      cell=cell_ref(r, marked[0][0])), True
    c, label = marked[0]
    return normalize(scale, qq.id, label, remark, title, cell_ref(r, c)), False


def _read_answers(book: Book, q: Questionnaire, m: Measurement) -> list[tuple[str, int, int]]:
    """Fill m.answers from the visible sheets; return the (sheet, row, col) of empty answer
    cells. A hidden sheet is never read for answers (a hidden copy of last year's answers
    must not count); when it holds questions, a warning says so.

    The question tables are found by `layout.tables_of`; a row's question by its id, its
    number or its text (see `_match`, `_Definition.numbering`). A sheet or heading row that
    names a pillar makes the rows below it that pillar's: their numbers count within it."""
    where: dict[str, str] = {}
    empties = []
    words = answer_labels(q)
    d = _Definition(q)
    for title in book.hidden:
        if _holds_questions(book.sheets.get(title, []), q, words):
            _add(m, "vragen_verborgen", title)
    near_named: set[str] = set()
    found: dict[str, list[layout.Table]] = {}
    for title, rows in book.sheets.items():
        if title in book.hidden:
            continue
        tables = found[title] = layout.tables_of(title, rows, words, known=d.known)
        scope = _Scope(d, title)
        for t in tables:
            h = t.header
            pending: list = []
            matched = 0
            for r in range(t.start, t.end):
                row = rows[r]
                if r < t.first:
                    if r < h.row and (text := layout.lone_text(row)):
                        scope.see(text)
                    continue
                if not row:
                    continue
                hit = None
                for c in h.keys:                      # the fast path: our own template, ids in place
                    v = row[c] if c < len(row) else None
                    if isinstance(v, str) and q.has_question(v.strip().upper()):
                        hit = _Row(q.question(v.strip().upper()), c)
                        break
                if hit is None:
                    hit = _match(d, m, title, row, r, h, scope, pending, near_named)
                if hit is None:
                    text = layout.lone_text(row)
                    if text:
                        scope.see(text)
                    continue
                matched += 1
                qq = hit.question
                qid = qq.id
                remark = cell_text(row[h.remark]) if h.remark is not None and h.remark < len(row) else ""
                if h.marks:
                    a, reported = _marked(q, qq, row, r, h, title, remark.strip(), m)
                    value, ans_col = None, h.marks[0][0]
                else:
                    assert h.answer is not None
                    ans_col = h.answer
                    value = row[ans_col] if ans_col < len(row) else None
                    a, reported = normalize(q.scale(qq.scale_id), qid, value, remark.strip(), title,
                                            cell_ref(r, ans_col)), False
                if qid in where:
                    _add(m, "vraag_dubbel", title, cell_ref(r, hit.col), vraag=qid, andere=where[qid])
                    continue
                where[qid] = f"{title}!{a.cell}"
                basis = _cell(row, h.basis)
                if basis and h.basis is not None:
                    known = L.BASIS_FORMS.get(L.norm(basis))
                    if known is None and not is_error_value(row[h.basis]):
                        _add(m, "bepaald_onbekend", title, cell_ref(r, h.basis), waarde=basis, vraag=qid,
                             keuzes=", ".join(L.BASES[:-1]) + " of " + L.BASES[-1])
                    a = _grounded(a, known or basis, _cell(row, h.evidence))
                elif h.evidence is not None:
                    a = _grounded(a, a.basis, _cell(row, h.evidence))
                m.answers[qid] = a
                if reported:
                    continue
                if is_error_value(value):
                    _add(m, "antwoord_foutwaarde", title, a.cell, waarde=cell_text(value).strip(), vraag=qid)
                elif a.kind == EMPTY:
                    empties.append((title, r, ans_col))
                elif a.kind == INVALID:
                    choices = ", ".join(q.scale(qq.scale_id).labels())
                    _add(m, "antwoord_ongeldig", title, a.cell, waarde=a.raw, vraag=qid,
                         keuzes=choices.rsplit(", ", 1)[0] + " of " + choices.rsplit(", ", 1)[-1])
                elif a.kind == UNKNOWN:
                    _add(m, "antwoord_weet_niet", title, a.cell, vraag=qid)
                elif a.kind == NVT and not qq.nvt_allowed:
                    options = [o.label for o in q.scale(qq.scale_id).options if o.kind != NVT]
                    _add(m, "antwoord_nvt_niet_toegestaan", title, a.cell, vraag=qid,
                         keuzes=", ".join(options[:-1]) + " of " + options[-1])
            if matched:                 # rows that name nothing, in a table that is a question table
                _report_unmatched(d, m, title, pending)
    if not where:
        _add(m, "geen_vragen", vragenlijst=q.label())
        _explain(book, q, m, found, words, all_sheets=True)
        return []
    missing = [qq.id for qq in q.questions if qq.id not in where and qq.id not in near_named]
    for qid in missing:
        _add(m, "vraag_ontbreekt", vraag=qid)
    if missing:
        _explain(book, q, m, found, words, all_sheets=False)
    return empties


def _grounded(a: Answer, basis: str, evidence: str) -> Answer:
    """The answer with how it was determined and its evidence. Built directly: dataclasses.replace
    costs a region of 342 files about 0.2 s of introspection, one call per question."""
    return Answer(a.question_id, a.kind, a.label, a.value, a.raw, a.remark, a.sheet, a.cell, basis, evidence)


def _report_unmatched(d: _Definition, m: Measurement, title: str, pending: list):
    q = d.q
    for kind, r, c, what, pillar in pending:
        if kind == "tekst":
            _add(m, "vraag_tekst_onbekend", title, cell_ref(r, c), tekst=what, vragenlijst=q.label())
            continue
        if pillar is False:
            waar, uitleg = fragment("in_vragenlijst", vragenlijst=q.label()), \
                fragment("nummer_volgorde", aantal=len(q.pillars))
        else:
            numbers, by_id = d.numbering(pillar or None)
            waar = fragment("in_pijler", pijler=q.pillar(pillar).name) if pillar else \
                fragment("in_vragenlijst", vragenlijst=q.label())
            uitleg = fragment("nummer_id", voorbeeld=", ".join(f"{n} = {qq.id}" for n, qq in list(numbers.items())[:3])) \
                if by_id else fragment("nummer_volgorde", aantal=len(numbers))
        _add(m, "vraag_nummer_onbekend", title, cell_ref(r, c), nummer=what.text, waar=waar, uitleg=uitleg)


def _explain(book: Book, q: Questionnaire, m: Measurement, found: dict[str, list[layout.Table]],
             words: dict[str, str], all_sheets: bool):
    """Say per visible sheet what was found and what is missing: for every sheet when no
    question was found at all, else only for sheets that look like questions but hold no
    recognised table."""
    labels = ", ".join(o.label for o in q.scale(q.questions[0].scale_id).options) if q.questions else ""
    if all_sheets and any(found.values()):
        all_sheets = False          # a recognised table speaks for itself; other sheets only if they look like questions
        whole = True
    else:
        whole = all_sheets
    told = 0
    for title, rows in book.sheets.items():
        if title in book.hidden or told >= EXPLAIN_SHEETS:
            continue
        tables = found.get(title, [])
        if tables:
            if whole:
                t = tables[0]
                filled = sum(1 for row in rows[t.first:t.end] if layout.lone_text(row) or any(v not in (None, "") for v in row))
                _add(m, "indeling_geen_vragen", title, cell_ref(t.header.row, 0), rij=t.header.row + 1,
                     kolommen=t.header.describe(), aantal=filled, vragenlijst=q.label())
                told += 1
            continue
        seen = layout.survey(title, rows, words)
        if not all_sheets and seen.question_rows < 3:
            continue
        if not seen.rows:
            gevonden, ontbreekt, cell = fragment("leeg_blad"), fragment("mist_kopregel"), ""
        else:
            gevonden = fragment("rijen", rijen=seen.rows, vragen=seen.question_rows)
            cell = ""
            if seen.partial is None:
                gevonden += ", " + fragment("geen_kopregel")
                ontbreekt = fragment("mist_kopregel")
            else:
                r, named = seen.partial
                cell = cell_ref(r, 0)
                gevonden += ", " + fragment("kopregel", rij=r + 1, koppen=", ".join(named))
                keys = {layout.header_key(n) for n in named}
                has_key = any(k in layout.ID_WORDS or k in L.ID_ALIASES or k in layout.NUMBER_WORDS
                              or k in layout.TEXT_WORDS for k in keys)
                has_answer = any(k in layout.ANSWER_WORDS or k in words for k in keys)
                ontbreekt = " en ".join(
                    ([] if has_answer else [fragment("mist_antwoord", labels=labels)])
                    + ([] if has_key else [fragment("mist_sleutel")])) or fragment("mist_antwoord", labels=labels)
        _add(m, "indeling_onbekend" if whole else "blad_niet_herkend", title, cell, gevonden=gevonden,
             ontbreekt=ontbreekt, labels=labels)
        told += 1


def _formula_cells(data: bytes, fname: str, cells, pkg: parts.Package | None = None) -> set[tuple[str, int, int]]:
    """Of the cells that read as empty, those holding a formula that was never calculated:
    from the sheets' XML when the package says where each cell is (no openpyxl on the fast
    path), else from openpyxl's reading of the formulas."""
    if not cells:
        return set()
    if pkg is not None:
        found = _formula_cells_xml(data, cells, pkg)
        if found is not None:
            return found
    formulas = load_book(data, fname, data_only=False).sheets
    out = set()
    for title, r, c in cells:
        rows = formulas.get(title, [])
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        if isinstance(value, str) and value.startswith("="):
            out.add((title, r, c))
    return out


def _formula_cells_xml(data: bytes, cells, pkg: parts.Package) -> set[tuple[str, int, int]] | None:
    part_of = {sp.name: sp.part for sp in pkg.sheets}
    wanted: dict[str, set[tuple[int, int]]] = {}
    for title, r, c in cells:
        wanted.setdefault(title, set()).add((r, c))
    out = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for title, where in wanted.items():
                if title not in part_of:
                    return None
                found = parts.formula_cells(z.read(part_of[title]), where)
                if found is None:
                    return None
                out |= {(title, r, c) for r, c in found}
    except Exception:  # noqa: BLE001 - any doubt: openpyxl reads the formulas
        return None
    return out


def _right_of(row: tuple, c: int):
    """The value cell is the one right of its label (help text may stand further right)."""
    v = row[c + 1] if c + 1 < len(row) else None
    if isinstance(v, str) and not v.strip():
        v = None
    return v, c + 1


_META_LABELS: dict[int, tuple[Questionnaire, dict, dict]] = {}
_META_CELLS_MAX = 20_000


def _meta_labels(q: Questionnaire) -> tuple[dict, dict]:
    """The front-sheet labels of `q` (normalised label -> field), and what each cell text said
    before: the same labels come back in every workbook of a region. Built once per
    definition, kept in memory only, bounded."""
    hit = _META_LABELS.get(id(q))
    if hit is not None and hit[0] is q:
        return hit[1], hit[2]
    labels: dict[str, str | tuple[str, str]] = {L.norm(lbl): key for key, lbl in L.META.items()}
    for field_key, aliases in L.META_ALIASES.items():
        for a in aliases:
            labels.setdefault(L.norm(a), field_key)
    for p in q.pillars:
        for form in (p.name, p.id):
            labels[L.norm(L.AMBITIE_PREFIX + form)] = ("amb", p.id)
            labels[L.norm("ambitie " + form)] = ("amb", p.id)
    said: dict[str, tuple] = {}
    if len(_META_LABELS) >= 8:              # a run reads with a few definitions; a test with many
        _META_LABELS.clear()
    _META_LABELS[id(q)] = (q, labels, said)
    return labels, said


def _meta_cell(v: str, labels: dict) -> tuple:
    """The field a cell's text names, and the value after its colon ("Gemeente: Teststad")."""
    key = labels.get(L.norm(v))
    here = None
    if key is None and ":" in v:
        label, _, here = v.partition(":")
        key = labels.get(L.norm(label)) if here.strip() else None
    return key, here


def _meta_hits(book: Book, q: Questionnaire) -> tuple[dict, set[str]]:
    """Every place a front-sheet label stands, per field: (value, sheet, row, value col);
    and the labels themselves."""
    labels, said = _meta_labels(q)
    hits: dict = {}
    for title, rows in book.sheets.items():
        if title == L.SHEET_TERMS:          # the glossary explains "RIEC", it does not fill it in
            continue
        for r, row in enumerate(rows[:META_SCAN_ROWS]):
            seen_in_row: set = set()
            for c, v in enumerate(row[:META_SCAN_COLS]):
                if not isinstance(v, str) or len(v) > 80:
                    continue
                known = said.get(v)
                if known is None:
                    known = _meta_cell(v, labels)
                    if len(said) < _META_CELLS_MAX:
                        said[v] = known
                key, here = known
                if key is None or key in seen_in_row:
                    continue
                seen_in_row.add(key)
                value, vc = (here.strip(), c) if here else _right_of(row, c)
                hits.setdefault(key, []).append((value, title, r, vc))
    return hits, set(labels)


def _shown(value) -> str:
    """A front-sheet value as a person reads it; a date the same whichever reader found it."""
    if isinstance(value, (dt.date, dt.datetime)):
        d = value.date() if isinstance(value, dt.datetime) else value
        return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    return cell_text(value)


def _comparable(key, value, q: Questionnaire, date1904: bool):
    if key == "datum":
        return parse_date(value, date1904) or cell_text(value).strip()
    if isinstance(key, tuple):
        return parse_phase(value, q) or cell_text(value).strip()
    return " ".join(cell_text(value).split()).casefold()


def _a_value_for(key, value, q: Questionnaire, date1904: bool, labels: set) -> bool:
    """Could this be a value of the field (not another label, a date where a date belongs)?"""
    if value is None or not cell_text(value).strip() or L.norm(cell_text(value)) in labels:
        return False
    if key == "datum":
        return parse_date(value, date1904) is not None or is_error_value(value)
    if isinstance(key, tuple):
        return parse_phase(value, q) is not None
    return True


def _meta_value(m: Measurement, key, found: tuple[dict, set[str]], book: Book, q: Questionnaire, veld: str):
    """The value of one front-sheet field, read where the definition puts it.

    Hidden sheets are never read for it. The front sheet comes first, then the other
    visible sheets in order; a second place with another value is a fout naming both
    (a copy of last year's Voorblad must not silently date or rename a measurement)."""
    hits, labels = found
    visible = [h for h in hits.get(key, []) if h[1] not in book.hidden]
    front_hidden = [h for h in hits.get(key, []) if h[1] in book.hidden and L.norm(h[1]) == L.norm(L.SHEET_FRONT)]
    if front_hidden and visible and L.norm(visible[0][1]) != L.norm(L.SHEET_FRONT):
        # the front sheet itself is hidden and another sheet speaks for it: never silently
        value, sheet, r, c = front_hidden[0]
        _add(m, "voorblad_verborgen", sheet, cell_ref(r, c), veld=veld, plek=f"{visible[0][1]}!{cell_ref(*visible[0][2:])}")
        return None, "", -1, -1, True
    if not visible:
        hidden = [h for h in hits.get(key, []) if h[1] in book.hidden and h[0] is not None]
        if hidden:
            value, sheet, r, c = hidden[0]
            required = key in ("gemeente", "datum")
            _add(m, "meta_verborgen" if required else "meta_verborgen_optioneel", sheet, cell_ref(r, c),
                 veld=veld, waarde=_shown(value))
            return None, "", -1, -1, True
        return None, "", -1, -1, False
    visible.sort(key=lambda h: L.norm(h[1]) != L.norm(L.SHEET_FRONT))
    value, sheet, r, c = visible[0]
    if value is not None:
        mine = _comparable(key, value, q, book.date1904)
        for other, osheet, orow, ocol in visible[1:]:
            if not _a_value_for(key, other, q, book.date1904, labels):
                continue                       # a table header, not a second front sheet
            if _comparable(key, other, q, book.date1904) != mine:
                _add(m, "meta_tegenstrijdig", sheet, cell_ref(r, c), veld=veld, waarde=_shown(value),
                     andere=_shown(other), plek=f"{osheet}!{cell_ref(orow, ocol)}")
                break
    return value, sheet, r, c, False


def _read_meta(book: Book, q: Questionnaire, m: Measurement) -> list:
    """Fill the front-sheet fields; return the cells of required fields that read as empty
    (a formula without a stored result, or really empty: the caller decides which)."""
    found = _meta_hits(book, q)
    empties = []
    for key in ("gemeente", "datum", "regio", "soort", "ingevuld_door", "geraadpleegd"):
        veld = L.META[key]
        value, sheet, r, c, reported = _meta_value(m, key, found, book, q, veld)
        if reported:
            continue
        if is_error_value(value):
            _add(m, "meta_foutwaarde", sheet, cell_ref(r, c), veld=veld, waarde=cell_text(value).strip())
            continue
        if key in ("gemeente", "regio", "ingevuld_door", "geraadpleegd"):
            setattr(m, key, " ".join(cell_text(value).split()))
        if sheet:
            m.meta_cells[key] = f"{sheet}!{cell_ref(r, c)}"
        if key in ("gemeente", "datum") and (value is None or not cell_text(value).strip()):
            if sheet:
                empties.append(((sheet, r, c), veld))
            else:
                _add(m, "meta_ontbreekt", veld=veld)
            continue
        if key == "datum":
            _read_date(m, value, sheet, cell_ref(r, c), book.date1904)
        elif key == "soort" and value is not None:
            m.soort = _SOORT.get(L.norm(cell_text(value)).replace("–", "-"), "")
            if not m.soort:
                _add(m, "meta_soort_ongeldig", sheet, cell_ref(r, c), waarde=cell_text(value))
    for p in q.pillars:
        value, sheet, r, c, reported = _meta_value(m, ("amb", p.id), found, book, q, f"ambitie {p.name}")
        if value is None or reported:
            continue
        phase = None if is_error_value(value) else parse_phase(value, q)
        if phase is None:
            _add(m, "meta_ambitie_ongeldig", sheet, cell_ref(r, c), waarde=cell_text(value), pijler=p.name)
        else:
            m.ambitie[p.id] = phase
    return empties


EARLIEST = dt.date(2000, 1, 1)     # the piramide did not exist before; an earlier date is a typo
SERIAL_MIN, SERIAL_MAX = 20000, 80000


def _read_date(m: Measurement, value, sheet: str, cell: str, date1904: bool, today: dt.date | None = None):
    m.datum = parse_date(value, date1904, today)
    if m.datum is None:
        _add(m, "meta_datum_ongeldig", sheet, cell, waarde=cell_text(value))
        return
    today = today or dt.date.today()
    if m.datum > today:
        _add(m, "meta_datum_toekomst", sheet, cell, datum=f"{m.datum:%d-%m-%Y}")
    elif m.datum < EARLIEST:
        _add(m, "meta_datum_oud", sheet, cell, datum=f"{m.datum.day:02d}-{m.datum.month:02d}-{m.datum.year:04d}")


def parse_phase(value, q: Questionnaire) -> int | None:
    numbers = {p.number for p in q.phases}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value in numbers else None
    text = L.norm(cell_text(value))
    mt = re.match(r"^(?:fase\s*)?(\d+)\b", text)
    if mt:
        n = int(mt.group(1))
        return n if n in numbers else None
    for p in q.phases:
        if text == L.norm(p.name):
            return p.number
    return None


def parse_date(value, date1904: bool = False, today: dt.date | None = None) -> dt.date | None:
    """Dates as Dutch users type them, or as Excel stores them (in the workbook's own date
    system). A two-digit year is the nearest year that is not in the future: 18-3-99 is 1999."""
    if isinstance(value, (dt.datetime, dt.date)):
        when = value.date() if isinstance(value, dt.datetime) else value
        return when if when.year >= 1900 else None     # before Excel's first day: a damaged cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A serial number of a date between 1954 and 2119; a bare 2026 is a year, not 18-7-1905.
        if not SERIAL_MIN < value < SERIAL_MAX:
            return None
        epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        return epoch + dt.timedelta(days=int(value))
    text = L.norm(cell_text(value))
    year_now = (today or dt.date.today()).year
    try:
        mt = re.match(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$", text)
        if mt:
            d, mo, y = map(int, mt.groups())
            if len(mt.group(3)) == 2:
                y += 2000 if 2000 + y <= year_now else 1900
            return dt.date(y, mo, d)
        mt = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?$", text)
        if mt:
            y, mo, d = map(int, mt.groups())
            return dt.date(y, mo, d)
        mt = re.match(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$", text)
        if mt and mt.group(2) in _MONTHS:
            return dt.date(int(mt.group(3)), _MONTHS[mt.group(2)], int(mt.group(1)))
    except ValueError:
        return None
    return None
