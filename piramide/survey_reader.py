"""Read a survey export as survey tools write it: one row per respondent, one column per
question, in .xlsx (Microsoft Forms, LimeSurvey, our own form) or .csv (LimeSurvey, any tool;
comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252).

Columns are found by their heading: the question text (accents, case, punctuation and a
leading number do not matter), a synonym from the definition, or the question's id ("Q01",
"[Q01] …", "Q01. …"). Only those columns are read; every other column, and certainly the
name, e-mail, respondent id and timestamp columns a tool adds, is never copied into the
Responses. The one thing taken from a timestamp column is the month of the last response.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

from . import gate, layout
from .answers import cell_text
from .errors import InputError, ReadError
from .findings import finding
from .labels import norm
from .reader import MAX_BOOK_CELLS, cell_ref, gated_book, is_error_value, parse_date
from .survey import GROEP, KEUZE, NO_GROUP, OPEN, Response, Responses, Survey, SurveyQuestion

MAX_ROWS = 100_000            # respondents in one export; a gemeente has at most a few thousand staff
MAX_COLUMNS = 2_000
NEAR_LIMIT = 400              # the longest heading compared with a question for a near miss
HEADER_ROWS = 10              # the heading is in one of the first rows (a title row above is fine)

# Headings of the columns survey tools add about the respondent or the response (Microsoft
# Forms in Dutch and English, LimeSurvey in Dutch and English): never read, beyond the month.
IDENTIFYING = {
    "id", "respondent", "respondent id", "response id", "antwoord id", "antwoord-id", "responsnummer",
    "naam", "name", "voornaam", "achternaam", "firstname", "lastname", "first name", "last name",
    "e-mail", "email", "e-mailadres", "emailadres", "email address", "e-mail address",
    "begintijd", "start time", "starttijd", "tijd van voltooien", "completion time", "eindtijd",
    "tijdstip van laatste wijziging", "last modified time", "laatst gewijzigd",
    "submitdate", "datum verstuurd", "date submitted", "startdate", "datum gestart", "date started",
    "datestamp", "datum laatste actie", "date last action", "ipaddr", "ip-adres", "ip address",
    "token", "toegangscode", "seed", "lastpage", "laatste pagina", "last page", "startlanguage", "starttaal",
    "start language", "refurl", "verwijzende url", "referrer url", "interviewtime", "totale tijd", "total time",
}
# Of those, the ones that say when a response was completed: the month of the latest is kept.
COMPLETED = {"tijd van voltooien", "completion time", "eindtijd", "submitdate", "datum verstuurd", "date submitted",
             "datestamp", "datum laatste actie", "date last action"}
GEMEENTE = {"gemeente", "naam gemeente", "organisatie"}

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def read_export(path: str | Path, survey: Survey, data: bytes | None = None) -> Responses:
    """The responses in one export, every row with its gemeente when the export has a column
    Gemeente. Raises ReadError for a file that is not an export; every other problem is a
    finding on the Responses (a fout means: do not use these figures)."""
    path = Path(path)
    fname = str(path)
    try:
        raw = gate._read_regular(path, gate.MAX_FILE) if data is None else data
    except InputError as exc:
        raise ReadError(exc.finding) from None
    if raw.startswith(b"PK") or raw[:8].startswith(gate.OLE2) or raw.startswith(b"%PDF") or not raw:
        _, pkg, book = gated_book(path, raw, own="enq_eigen_uitvoer")
        rows_by_sheet = [(title, rows) for title, rows in book.sheets.items() if title not in book.hidden]
        date1904 = book.date1904
    else:
        rows_by_sheet = [("", _csv_rows(raw, fname))]
        date1904 = False
    out = Responses(survey, sources=[(path.name, hashlib.sha256(raw).hexdigest())])
    best = _find_table(rows_by_sheet, survey)
    if best is None:
        seen = [cell_text(v).strip() for _, rows in rows_by_sheet for v in (rows[0] if rows else ()) if cell_text(v).strip()]
        raise ReadError(finding("enq_geen_vragen", file=fname, enquete=survey.label(),
                                kolommen=", ".join(f"'{h[:40]}'" for h in seen[:8]) + (" …" if len(seen) > 8 else "")
                                if seen else "(geen)"))
    sheet, rows, header_row, columns = best
    _read_rows(out, fname, sheet, rows, header_row, columns, date1904)
    return out


def _csv_rows(raw: bytes, fname: str) -> list[tuple]:
    """The rows of a CSV export, decoded and split by the delimiter the header line uses."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(finding("enq_geen_export", file=fname, detail="het bestand is geen tekst en geen Excel-werkboek"))
    text = None
    for encoding in ("utf-8-sig", "utf-16") if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) \
            else ("utf-8", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ReadError(finding("enq_csv_onleesbaar", file=fname, detail="de tekencodering is onbekend"))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    rows: list[tuple] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                raise ReadError(finding("enq_te_veel_rijen", file=fname, aantal=MAX_ROWS))
            cells += min(len(row), MAX_COLUMNS)
            if cells > MAX_BOOK_CELLS:          # the same budget as a workbook: memory stays bounded
                raise ReadError(finding("invoer_te_veel_cellen", file=fname, aantal=MAX_BOOK_CELLS))
            rows.append(tuple(v if v != "" else None for v in row[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise ReadError(finding("enq_csv_onleesbaar", file=fname, line=reader.line_num,
                                detail="een veld tussen aanhalingstekens is niet afgesloten" if "end of data" in str(exc) or "EOF" in str(exc)
                                else "de opmaak klopt hier niet")) from None
    return rows


def _question_keys(survey: Survey) -> dict[str, SurveyQuestion]:
    keys: dict[str, SurveyQuestion] = {}
    for q in survey.questions:
        for form in (q.text, *q.aliases):
            keys.setdefault(layout.text_key(form), q)
        keys.setdefault("#" + q.id.lower(), q)
    return keys


def _match_header(value, keys: dict[str, SurveyQuestion]) -> SurveyQuestion | None:
    text = cell_text(value).strip()
    if not text:
        return None
    q = keys.get(layout.text_key(text)) or keys.get("#" + text.lower())
    if q is not None:
        return q
    # LimeSurvey: "[Q01] text", "Q01. text", "Q01: text"
    head = text.lstrip("[").split("]", 1)[0] if text.startswith("[") else text.split(None, 1)[0].rstrip(".:")
    return keys.get("#" + head.lower())


def _find_table(rows_by_sheet, survey: Survey):
    """The sheet and heading row with the most question columns."""
    keys = _question_keys(survey)
    best, best_n = None, 0
    for sheet, rows in rows_by_sheet:
        for r, row in enumerate(rows[:HEADER_ROWS]):
            columns = {c: q for c, v in enumerate(row[:MAX_COLUMNS]) if (q := _match_header(v, keys)) is not None}
            if len(columns) > best_n:
                best, best_n = (sheet, rows, r, columns), len(columns)
    return best


def _where(sheet: str, r: int, c: int) -> dict:
    """The place of a cell: sheet and cell in a workbook, the line (and column) in a CSV."""
    if sheet:
        return {"sheet": sheet, "cell": cell_ref(r, c)}
    return {"line": r + 1}


def _read_rows(out: Responses, fname: str, sheet: str, rows: list[tuple], header_row: int,
               columns: dict[int, SurveyQuestion], date1904: bool) -> None:
    survey = out.survey
    header = rows[header_row]
    by_question: dict[str, list[int]] = {}
    for c, q in columns.items():
        by_question.setdefault(q.id, []).append(c)
    for qid, cols in by_question.items():
        if len(cols) > 1:
            letters = [layout.col_letter(c) for c in cols]
            out.findings.append(finding("enq_kolom_dubbel", file=fname, **_where(sheet, header_row, cols[1]), id=qid,
                                        kolommen=" en ".join(letters[:3]) + (f" en nog {len(letters) - 3}"
                                                                              if len(letters) > 3 else "")))
    out.asked = set(by_question)
    unread = {}
    completed, gemeente_col = [], None
    for c, v in enumerate(header[:MAX_COLUMNS]):
        if c in columns:
            continue
        key = norm(cell_text(v))
        if key in IDENTIFYING:
            out.dropped_columns.append(cell_text(v).strip())
            if key in COMPLETED:
                completed.append(c)
        elif key in GEMEENTE and gemeente_col is None:
            gemeente_col = c
        elif key:
            unread[c] = cell_text(v).strip()
    _report_missing(out, fname, sheet, header_row, unread)

    forms = {q.id: _forms(survey, q) for q in survey.questions}
    unknown: dict[tuple[str, str], list] = {}
    last: dt.date | None = None
    if len(rows) - header_row - 1 > MAX_ROWS:
        raise ReadError(finding("enq_te_veel_rijen", file=fname, aantal=MAX_ROWS))
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        answers, groups, texts, any_answer = {}, {}, {}, False
        for c, q in columns.items():
            value = row[c] if c < len(row) else None
            text = " ".join(cell_text(value).split())
            if not text:
                continue
            any_answer = True
            if is_error_value(text):
                out.findings.append(finding("enq_foutwaarde", file=fname, **_where(sheet, r, c), waarde=text, id=q.id))
                continue
            if q.kind == OPEN:
                texts[q.id] = cell_text(value).strip()
                continue
            f = forms[q.id]
            label = f.get(norm(text)) if f is not None else text
            if label is None:
                unknown.setdefault((q.id, text), []).append((r, c))
                continue
            if q.kind == KEUZE:
                answers[q.id] = label
            else:
                groups[q.id] = label
        if not any_answer:
            continue
        for q in survey.of_kind(GROEP):
            if q.id in out.asked:
                groups.setdefault(q.id, NO_GROUP)
        gemeente = " ".join(cell_text(row[gemeente_col]).split()) if gemeente_col is not None and gemeente_col < len(row) else ""
        out.rows.append(Response(answers, groups, texts, gemeente))
        for c in completed:
            when = _when(row[c] if c < len(row) else None, date1904)
            if when is not None and (last is None or when > last):
                last = when
    for (qid, value), cells in unknown.items():
        q = survey.question(qid)
        scale = survey.scale(q.scale_id)
        r, c = cells[0]
        out.findings.append(finding("enq_antwoord_onbekend", file=fname, **_where(sheet, r, c), waarde=value, id=qid,
                                    keuzes=", ".join(scale.labels()), aantal=len(cells)))
    if not out.rows:
        out.findings.append(finding("enq_geen_respondenten", file=fname, **_where(sheet, header_row, 0)))
    out.period = f"{MONTHS[last.month - 1]} {last.year}" if last else ""
    _merge_spellings(out)


def _forms(survey: Survey, q: SurveyQuestion) -> dict[str, str] | None:
    """Each normalised form of each answer -> its label; None for a grouping without a scale
    (its values are the groups, as typed)."""
    if q.kind == OPEN or not q.scale_id:
        return None
    forms: dict[str, str] = {}
    for ch in survey.scale(q.scale_id).choices:
        for form in (ch.label, *ch.aliases):
            forms.setdefault(norm(form), ch.label)
    return forms


def _report_missing(out: Responses, fname: str, sheet: str, header_row: int, unread: dict[int, str]) -> None:
    """A question without a column is not asked; a column that nearly names it is pointed at."""
    import difflib
    # SequenceMatcher is quadratic in the text: headings longer than any question are no near miss
    keys = {c: layout.text_key(h[:NEAR_LIMIT]) for c, h in unread.items() if len(h) <= NEAR_LIMIT}
    for q in out.survey.questions:
        if q.id in out.asked:
            continue
        qkey = layout.text_key(q.text)
        near = [c for c, k in keys.items() if k and _near(difflib.SequenceMatcher(None, k, qkey))]
        if near:
            out.findings.append(finding("enq_kolom_lijkt_op", file=fname, **_where(sheet, header_row, near[0]),
                                        kolom=unread[near[0]][:80], id=q.id, vraag=q.text[:80]))
        else:
            out.findings.append(finding("enq_vraag_ontbreekt", file=fname, vraag=q.text[:80], id=q.id))


def _near(m) -> bool:
    """The cheap upper bounds first: most headings are far from every question."""
    return m.real_quick_ratio() >= 0.85 and m.quick_ratio() >= 0.85 and m.ratio() >= 0.85


def _merge_spellings(out: Responses) -> None:
    """Groups typed freely ("Handhaving", "handhaving ") are one group, named as first seen."""
    first: dict[tuple[str, str], str] = {}
    for resp in out.rows:
        for qid, g in resp.groups.items():
            first.setdefault((qid, norm(g)), g)
    for resp in out.rows:
        for qid, g in list(resp.groups.items()):
            resp.groups[qid] = first[(qid, norm(g))]


def _when(value, date1904: bool) -> dt.date | None:
    """The date of a completion timestamp: a datetime, an Excel serial number, or text such as
    "2026-11-03 09:12:44", "3-11-2026 9:12" or Microsoft Forms' "11/3/26 9:12:44"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_date(value, date1904)
    text = cell_text(value).strip()
    if not text:
        return None
    day = text.replace("T", " ").split(" ", 1)[0]
    if "/" in day:                                   # Microsoft Forms writes month/day/year
        parts = day.split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            m, d, y = (int(p) for p in parts)
            y += 2000 if y < 100 else 0
            try:
                return dt.date(y, m, d)
            except ValueError:
                return None
        return None
    return parse_date(day, date1904)
