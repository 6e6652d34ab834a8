"""Read a filled piramide workbook as people really fill it.

Questions are found by their id wherever their row now stands (rows sorted, inserted or
deleted, columns added, sheets renamed or reordered); front-sheet fields by their label.
Everything off becomes a finding with sheet and cell. Reading knows nothing of scoring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import labels as L
from . import parts
from .answers import cell_text, normalize
from .findings import finding
from .errors import InputError, ReadError
from .gate import check_bytes, read_checked
from .measurement import EMPTY, INVALID, Measurement
from .model import NVT, UNKNOWN, Questionnaire
from .output import OUTPUT_MARK

_ID_LIKE = re.compile(r"^[A-Za-z]{1,6}-?\d{1,4}[A-Za-z]?$")
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


@dataclass
class Book:
    """A workbook's sheets as lists of row tuples (values only, read once and released), the
    names of the hidden sheets, and its date system."""
    sheets: dict[str, list[tuple]]
    hidden: set[str] = field(default_factory=set)
    date1904: bool = False


def col_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def cell_ref(row: int, col: int) -> str:
    return f"{col_name(col)}{row + 1}"


def load_book(data: bytes, fname: str, data_only: bool = True, engine: str = "auto",
              pkg: parts.Package | None = None) -> Book:
    """Read every sheet once.

    python-calamine reads values about ten times faster than openpyxl; it is used when it is
    installed and one linear pass over the referenced sheets shows every cell within
    ROW_LIMIT x COL_LIMIT (it builds a dense grid, so one cell at XFD1048576 would cost
    gigabytes). openpyxl, with the same bounds, reads the rest and whatever needs formulas
    rather than values. Both give the same Book: error values as their text, Excel's _xHHHH_
    escapes decoded, hidden sheets and the 1904 date system known. A test demands it."""
    if data_only and engine != "openpyxl":
        book = _calamine_book(data, pkg)
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
               "regio-overzicht": {"Regio", "Verdeling", "Open indicatoren", "Meldingen", "Over"}}
_MARK = re.compile(rb"""name\s{0,8}=\s{0,8}["']%s["'][^>]{0,400}>\s{0,40}<[^>]{1,60}>\s{0,40}([a-z-]{1,40})\s{0,40}<"""
                   % OUTPUT_MARK.encode())


def package(data: bytes) -> parts.Package | None:
    """What the workbook's package says (sheets, visibility, date system), read once per file;
    None when it does not say, and the bounded openpyxl path decides."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return parts.inspect(z)
    except Exception:  # noqa: BLE001 - any doubt: openpyxl reads it, in its own words
        return None


def own_output(data: bytes, pkg: parts.Package | None = None) -> str:
    """'dashboard' or 'regio-overzicht' when the file is one of piramide's own outputs (also
    renamed): by the mark every output carries, or, for outputs of before the mark, by its
    sheets. '' for anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
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


def _calamine_book(data: bytes, pkg: parts.Package | None = None) -> Book | object | None:
    try:
        import python_calamine as pc
    except ImportError:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkg = pkg or parts.inspect(z)
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
            rows = [[None if v == "" else v for v in row] for row in grid]
            for (r, c), text in extents[sp.name].errors.items():
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


def read_with(path: str | Path, candidates: list[Questionnaire], data: bytes | None = None,
              engine: str = "auto") -> tuple[Measurement, Questionnaire]:
    """Read with the definition the workbook was made from, when it is among the candidates
    (the first candidate otherwise): a 0-meting on version 1 stays readable after version 2."""
    path = Path(path)
    fname = str(path)
    try:
        if data is None:
            data = read_checked(path)
        else:
            check_bytes(data, path)
    except InputError as exc:
        raise ReadError(exc.finding) from None
    pkg = package(data)
    own = own_output(data, pkg)
    if own:
        raise ReadError(finding("eigen_uitvoer", file=fname, soort=own))
    book = load_book(data, fname, engine=engine, pkg=pkg)
    info = _info(book.sheets)
    questionnaire = _choose(info, candidates)
    m = Measurement(source=fname, sha256=hashlib.sha256(data).hexdigest())
    _read_info(info, questionnaire, m)
    empties = _read_answers(book, questionnaire, m)
    meta_empties = _read_meta(book, questionnaire, m)
    formulas = _formula_cells(data, fname, empties + [c for c, _ in meta_empties])
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


def _info(sheets) -> tuple[str, dict[str, tuple[str, str]]]:
    """The sheet naming the questionnaire (our own info sheet first), its id and version."""
    for title, rows in sorted(sheets.items(), key=lambda kv: kv[0] != L.SHEET_INFO):
        found = {r[0]: (cell_text(r[1]), cell_ref(n, 1)) for n, r in enumerate(rows)
                 if len(r) >= 2 and r[0] in (L.INFO_ID, L.INFO_VERSION)}
        if found:
            return title, found
    return "", {}


def _choose(info, candidates: list[Questionnaire]) -> Questionnaire:
    _, found = info
    key = (found.get(L.INFO_ID, ("",))[0], found.get(L.INFO_VERSION, ("",))[0])
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


def _header(row: tuple) -> tuple[int, int, int | None, int | None, int | None] | None:
    """Column indexes of id, answer, remark, basis and evidence when this row is a
    question-table header (the last three may be missing)."""
    id_col = ans_col = rem_col = basis_col = ev_col = None
    for c, v in enumerate(row):
        if not isinstance(v, str) or len(v) > 40:
            continue
        key = L.norm(v)
        if id_col is None and key in L.ID_ALIASES:
            id_col = c
        elif ans_col is None and key in L.ANSWER_ALIASES:
            ans_col = c
        elif rem_col is None and key in L.REMARK_ALIASES:
            rem_col = c
        elif basis_col is None and key in L.BASIS_ALIASES:
            basis_col = c
        elif ev_col is None and key in L.EVIDENCE_ALIASES:
            ev_col = c
    if id_col is not None and ans_col is not None:
        return id_col, ans_col, rem_col, basis_col, ev_col
    return None


def _cell(row: tuple, col: int | None) -> str:
    return " ".join(cell_text(row[col]).split()) if col is not None and col < len(row) else ""


def _holds_questions(rows, q: Questionnaire) -> bool:
    return any(_header(row) for row in rows) and any(
        isinstance(v, str) and q.has_question(v.strip().upper()) for row in rows for v in row)


def _read_answers(book: Book, q: Questionnaire, m: Measurement) -> list[tuple[str, int, int]]:
    """Fill m.answers from the visible sheets; return the (sheet, row, col) of empty answer
    cells. A hidden sheet is never read for answers (a hidden copy of last year's answers
    must not count); when it holds questions, a warning says so."""
    where: dict[str, str] = {}
    empties = []
    for title in book.hidden:
        if _holds_questions(book.sheets.get(title, []), q):
            _add(m, "vragen_verborgen", title)
    for title, rows in book.sheets.items():
        if title in book.hidden:
            continue
        cols = None
        for r, row in enumerate(rows):
            raw_id: Any = row[cols[0]] if cols is not None and cols[0] < len(row) else None
            qid = raw_id.strip().upper() if isinstance(raw_id, str) else ""
            if not q.has_question(qid):
                head = _header(row)       # only rows that are not questions can be a (new) header
                if head:
                    cols = head
                    continue
            if cols is None or not qid:
                continue
            id_col, ans_col, rem_col, basis_col, ev_col = cols
            if not q.has_question(qid):
                if _ID_LIKE.match(qid):
                    _add(m, "vraag_onbekend", title, cell_ref(r, id_col), vraag=raw_id.strip(),
                         vragenlijst=q.label())
                continue
            ref = f"{title}!{cell_ref(r, ans_col)}"
            if qid in where:
                _add(m, "vraag_dubbel", title, cell_ref(r, id_col), vraag=qid, andere=where[qid])
                continue
            where[qid] = ref
            value = row[ans_col] if ans_col < len(row) else None
            remark = cell_text(row[rem_col]) if rem_col is not None and rem_col < len(row) else ""
            qq = q.question(qid)
            a = normalize(q.scale(qq.scale_id), qid, value, remark.strip(), title, cell_ref(r, ans_col))
            basis = _cell(row, basis_col)
            if basis and basis_col is not None:
                known = L.BASIS_FORMS.get(L.norm(basis))
                if known is None and not is_error_value(row[basis_col]):
                    _add(m, "bepaald_onbekend", title, cell_ref(r, basis_col), waarde=basis, vraag=qid,
                         keuzes=", ".join(L.BASES[:-1]) + " of " + L.BASES[-1])
                a = replace(a, basis=known or basis, evidence=_cell(row, ev_col))
            elif ev_col is not None:
                a = replace(a, evidence=_cell(row, ev_col))
            m.answers[qid] = a
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
    if not where:
        _add(m, "geen_vragen", vragenlijst=q.label())
        return []
    for qq in q.questions:
        if qq.id not in where:
            _add(m, "vraag_ontbreekt", vraag=qq.id)
    return empties


def _formula_cells(data: bytes, fname: str, cells) -> set[tuple[str, int, int]]:
    """Of the cells that read as empty, those holding a formula that was never calculated."""
    if not cells:
        return set()
    formulas = load_book(data, fname, data_only=False).sheets
    out = set()
    for title, r, c in cells:
        rows = formulas.get(title, [])
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        if isinstance(value, str) and value.startswith("="):
            out.add((title, r, c))
    return out


def _right_of(row: tuple, c: int):
    """The value cell is the one right of its label (help text may stand further right)."""
    v = row[c + 1] if c + 1 < len(row) else None
    if isinstance(v, str) and not v.strip():
        v = None
    return v, c + 1


def _meta_hits(book: Book, q: Questionnaire) -> tuple[dict, set[str]]:
    """Every place a front-sheet label stands, per field: (value, sheet, row, value col);
    and the labels themselves."""
    labels: dict[str, str | tuple[str, str]] = {L.norm(lbl): key for key, lbl in L.META.items()}
    for field_key, aliases in L.META_ALIASES.items():
        for a in aliases:
            labels.setdefault(L.norm(a), field_key)
    for p in q.pillars:
        for form in (p.name, p.id):
            labels[L.norm(L.AMBITIE_PREFIX + form)] = ("amb", p.id)
            labels[L.norm("ambitie " + form)] = ("amb", p.id)
    hits: dict = {}
    for title, rows in book.sheets.items():
        if title == L.SHEET_TERMS:          # the glossary explains "RIEC", it does not fill it in
            continue
        for r, row in enumerate(rows[:META_SCAN_ROWS]):
            seen_in_row: set = set()
            for c, v in enumerate(row[:META_SCAN_COLS]):
                if not isinstance(v, str) or len(v) > 80:
                    continue
                key = labels.get(L.norm(v))
                if key is None or key in seen_in_row:
                    continue
                seen_in_row.add(key)
                value, vc = _right_of(row, c)
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
