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
from pathlib import Path
from typing import Any

from . import labels as L
from .answers import cell_text, normalize
from .findings import finding
from .gate import InputError, check_bytes, read_checked
from .measurement import EMPTY, INVALID, Measurement
from .model import UNKNOWN, Questionnaire

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
ROW_LIMIT, COL_LIMIT = 9999, 60


class ReadError(Exception):
    """The file cannot be read as a workbook at all; the message says why and what to do."""

    def __init__(self, message: str, code: str = "invoer_onleesbaar"):
        self.code = code
        super().__init__(message)


def col_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def cell_ref(row: int, col: int) -> str:
    return f"{col_name(col)}{row + 1}"


def load_rows(data: bytes, fname: str, data_only: bool = True, engine: str = "auto") -> dict[str, list[tuple]]:
    """All sheets as lists of row tuples (values only), read once and released.

    python-calamine reads values about ten times faster than openpyxl; it is used when it is
    installed and every sheet's real extent is small (it builds a dense grid, so one cell at
    XFD1048576 would cost gigabytes). openpyxl, with the same row and column bounds, reads the
    rest and whatever needs formulas rather than values. A test demands identical answers."""
    if data_only and engine != "openpyxl" and _calamine_ok(data):
        rows = _calamine_rows(data)
        if rows is not None:
            return rows
    if engine == "calamine":
        raise ReadError(f"{fname}: python-calamine kan dit werkboek niet lezen.", "invoer_calamine")
    return _openpyxl_rows(data, fname, data_only)


# A cell beyond column BH (60) or row 9999, or a cell without its own reference (also with a
# namespace prefix, and whatever the order of its attributes).
_FAR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="(?:[A-Z]{3}|[C-Z][A-Z]|B[I-Z]|[A-Z]{1,2}\d{5})'
                       rb'|<(?:\w+:)?c(?=[\s>/])(?![^>]*\br=)')


def _calamine_ok(data: bytes) -> bool:
    """True when every worksheet's cells lie within ROW_LIMIT x COL_LIMIT, by their own refs."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    import zipfile
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml") and _FAR_CELL.search(z.read(name)):
                    return False
    except Exception:  # noqa: BLE001 - any doubt: the bounded openpyxl path decides
        return False
    return True


def _calamine_rows(data: bytes) -> dict[str, list[tuple]] | None:
    import python_calamine as pc
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = {}
        for name in wb.sheet_names:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            # calamine's empty cell is "", openpyxl's is None: speak openpyxl's language
            out[name] = [tuple(None if v == "" else v for v in row) for row in grid]
        return out
    except Exception:  # noqa: BLE001 - let openpyxl try, and report in its words
        return None


def _openpyxl_rows(data: bytes, fname: str, data_only: bool) -> dict[str, list[tuple]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_vba=False,
                                    keep_links=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is the user's to fix
        raise ReadError(f"{fname}: het bestand is geen leesbaar Excel-werkboek ({type(exc).__name__}). "
                        "Open het in Excel of LibreOffice, sla het op als .xlsx en probeer opnieuw.",
                        "invoer_kapot_werkboek") from None
    try:
        return {ws.title: list(ws.iter_rows(min_row=1, min_col=1, max_row=min(ws.max_row or ROW_LIMIT, ROW_LIMIT),
                                            max_col=min(ws.max_column or COL_LIMIT, COL_LIMIT), values_only=True))
                for ws in wb.worksheets}
    except Exception as exc:  # noqa: BLE001
        raise ReadError(f"{fname}: het werkboek is beschadigd ({type(exc).__name__}). Open het in Excel of "
                        "LibreOffice, sla het opnieuw op als .xlsx en probeer opnieuw.", "invoer_kapot_werkboek") from None
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
        raise ReadError(str(exc), exc.finding.code) from None
    sheets = load_rows(data, fname, engine=engine)
    info = _info(sheets)
    questionnaire = _choose(info, candidates)
    m = Measurement(source=fname, sha256=hashlib.sha256(data).hexdigest())
    _read_info(info, questionnaire, m)
    empties = _read_answers(sheets, questionnaire, m)
    if empties:
        _check_formulas(data, fname, empties, m)
    _read_meta(sheets, questionnaire, m)
    return m, questionnaire


def _info(sheets) -> tuple[str, dict[str, tuple[str, str]]]:
    """The sheet naming the questionnaire, and its id and version with their cells."""
    for title, rows in sheets.items():
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


def _header(row: tuple) -> tuple[int, int, int | None] | None:
    """Column indexes of id, answer and remark when this row is a question-table header."""
    id_col = ans_col = rem_col = None
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
    if id_col is not None and ans_col is not None:
        return id_col, ans_col, rem_col
    return None


def _read_answers(sheets, q: Questionnaire, m: Measurement) -> list[tuple[str, int, int]]:
    """Fill m.answers; return the (sheet, row, col) of empty answer cells."""
    where: dict[str, str] = {}
    empties = []
    for title, rows in sheets.items():
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
            id_col, ans_col, rem_col = cols
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
            m.answers[qid] = a
            if a.kind == EMPTY:
                empties.append((title, r, ans_col))
            elif a.kind == INVALID:
                choices = ", ".join(q.scale(qq.scale_id).labels())
                _add(m, "antwoord_ongeldig", title, a.cell, waarde=a.raw, vraag=qid,
                     keuzes=choices.rsplit(", ", 1)[0] + " of " + choices.rsplit(", ", 1)[-1])
            elif a.kind == UNKNOWN:
                _add(m, "antwoord_weet_niet", title, a.cell, vraag=qid)
    if not where:
        _add(m, "geen_vragen", vragenlijst=q.label())
        return []
    for qq in q.questions:
        if qq.id not in where:
            _add(m, "vraag_ontbreekt", vraag=qq.id)
    return empties


def _check_formulas(data: bytes, fname: str, empties, m: Measurement):
    """An empty cached value may hide a formula that was never calculated: say which."""
    formulas = load_rows(data, fname, data_only=False)
    for title, r, c in empties:
        rows = formulas.get(title, [])
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        ref = cell_ref(r, c)
        qid = next(a.question_id for a in m.answers.values() if a.sheet == title and a.cell == ref)
        if isinstance(value, str) and value.startswith("="):
            _add(m, "antwoord_formule_zonder_waarde", title, ref, vraag=qid)
        else:
            _add(m, "antwoord_leeg", title, ref, vraag=qid)


def _right_of(row: tuple, c: int):
    """The value cell is the one right of its label (help text may stand further right)."""
    v = row[c + 1] if c + 1 < len(row) else None
    if isinstance(v, str) and not v.strip():
        v = None
    return v, c + 1


def _read_meta(sheets, q: Questionnaire, m: Measurement):
    labels = {L.norm(lbl): key for key, lbl in L.META.items()}
    for key, aliases in L.META_ALIASES.items():
        for a in aliases:
            labels.setdefault(L.norm(a), key)
    pillar_keys = {}
    for p in q.pillars:
        for form in (p.name, p.id):
            pillar_keys[L.norm(L.AMBITIE_PREFIX + form)] = p
            pillar_keys[L.norm("ambitie " + form)] = p
    found: dict[str | tuple[str, str], tuple] = {}
    for title, rows in sheets.items():
        for r, row in enumerate(rows[:META_SCAN_ROWS]):
            for c, v in enumerate(row[:META_SCAN_COLS]):
                if not isinstance(v, str) or len(v) > 80:
                    continue
                key = L.norm(v)
                if key in labels and labels[key] not in found:
                    value, vc = _right_of(row, c)
                    found[labels[key]] = (value, title, cell_ref(r, vc), cell_ref(r, c))
                elif key in pillar_keys and ("amb", pillar_keys[key].id) not in found:
                    value, vc = _right_of(row, c)
                    found[("amb", pillar_keys[key].id)] = (value, title, cell_ref(r, vc), cell_ref(r, c))
    for key in ("gemeente", "regio", "ingevuld_door"):
        value = found.get(key, (None,))[0]
        setattr(m, key, " ".join(cell_text(value).split()))
    if not m.gemeente:
        _, sheet, cell, _ = found.get("gemeente", (None, "", "", ""))
        _add(m, "meta_ontbreekt", sheet, cell, veld=L.META["gemeente"])
    value, sheet, cell, _ = found.get("datum", (None, "", "", ""))
    if value is None:
        _add(m, "meta_ontbreekt", sheet, cell, veld=L.META["datum"])
    else:
        m.datum = parse_date(value)
        if m.datum is None:
            _add(m, "meta_datum_ongeldig", sheet, cell, waarde=cell_text(value))
    value, sheet, cell, _ = found.get("soort", (None, "", "", ""))
    if value is not None:
        m.soort = _SOORT.get(L.norm(cell_text(value)).replace("–", "-"), "")
        if not m.soort:
            _add(m, "meta_soort_ongeldig", sheet, cell, waarde=cell_text(value))
    for p in q.pillars:
        value, sheet, cell, _ = found.get(("amb", p.id), (None, "", "", ""))
        if value is None:
            continue
        phase = parse_phase(value, q)
        if phase is None:
            _add(m, "meta_ambitie_ongeldig", sheet, cell, waarde=cell_text(value), pijler=p.name)
        else:
            m.ambitie[p.id] = phase


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


def parse_date(value) -> dt.date | None:
    """Dates as Dutch users type them, or as Excel stores them."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial date shown as a number
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = L.norm(cell_text(value))
    try:
        mt = re.match(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$", text)
        if mt:
            d, mo, y = map(int, mt.groups())
            return dt.date(y + 2000 if y < 100 else y, mo, d)
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
