"""The action plan as a living document: the Verbeterpunten sheet of a previous dashboard,
read back as the gemeente left it, and carried into the next dashboard beside what the new
measurement says of each indicator.

Three parts, in the one direction of the rest of piramide:

- `read_plan(path)` reads the sheet of one of our own dashboards as people edit it: rows
  sorted, deleted or added, columns moved or inserted (found by their header, with aliases),
  statuses and dates typed in Dutch words. It never changes the file.
- `carry_over(plan, result, questionnaires)` is pure: every action of the plan, matched to an
  indicator of the new definition (by id, through `vervangt`, or by name), with its outcome;
  then the new verbeterpunten that no action covers, foundations first.
- `attach(run, …)` finds the plan for each gemeente of a run (given, or the latest earlier
  dashboard of that gemeente among the skipped outputs) and sets `run.plans`.

The outcome rule, in this order (datum = the date of the NEW measurement, never today):
vervallen → vervallen; afgerond and the indicator met (or no indicator) → afgerond; afgerond
and the indicator not met → te bespreken (a waarschuwing); not afgerond and the indicator met
→ indicator behaald (the action's status is behind); a streefdatum before datum → over tijd;
else loopt or open (an empty or unrecognised status counts as open).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, PiramideError
from .findings import Finding, finding
from .model import Indicator, Questionnaire
from .scoring import MET, STATUSES, IndicatorResult, Result

if TYPE_CHECKING:
    from .batch import Run

SHEET = "Verbeterpunten"

# Action statuses: the canonical word, and the words people type for it.
AFGEROND, LOOPT, OPEN, VERVALLEN = "afgerond", "loopt", "open", "vervallen"
STATUS_WORDS = {
    AFGEROND: ("afgerond", "klaar", "gereed", "done", "✓", "✔", "☑", "voltooid", "uitgevoerd", "gerealiseerd",
               "afgehandeld", "af"),
    LOOPT: ("loopt", "bezig", "in uitvoering", "gestart", "lopend", "in behandeling", "in progress", "onderhanden",
            "opgestart"),
    OPEN: ("open", "nog niet", "niet gestart", "nog niet gestart", "leeg", "nog te doen", "te doen", "todo", "gepland",
           "nog open"),
    VERVALLEN: ("vervallen", "geschrapt", "niet meer nodig", "geannuleerd", "afgevoerd", "komt te vervallen"),
}
_STATUS = {w: canon for canon, words in STATUS_WORDS.items() for w in words}

# Outcomes of a carried action (and of a new verbeterpunt), with the word the sheet shows.
O_AFGEROND, O_BESPREKEN, O_BEHAALD, O_OVER_TIJD, O_LOOPT, O_OPEN, O_VERVALLEN, O_NIEUW = (
    "afgerond", "afgerond_indicator_open", "indicator_behaald", "over_tijd", "loopt", "open", "vervallen", "nieuw")
OUTCOMES = (O_AFGEROND, O_BESPREKEN, O_BEHAALD, O_OVER_TIJD, O_LOOPT, O_OPEN, O_VERVALLEN)

# Columns by header, with the names people give them. A header is compared in lower case,
# without what follows a colon or an opening bracket ("Handvat: wat helpt" is "handvat").
COLUMNS = {
    "nr": ("nr", "nummer", "#", "no", "volgnummer"),
    "pijler": ("pijler",),
    "fase": ("fase",),
    "indicator": ("indicator", "verbeterpunt", "onderwerp"),
    "status": ("status", "status indicator", "indicatorstatus", "status nu"),
    "waarom": ("waarom", "reden"),
    "handvat": ("handvat", "wat helpt", "maatregel", "actie", "acties", "omschrijving actie"),
    "actiehouder": ("actiehouder", "actiehouders", "eigenaar", "verantwoordelijke", "trekker", "wie", "actie-eigenaar"),
    "streefdatum": ("streefdatum", "deadline", "einddatum", "gereed op", "uiterlijk", "wanneer", "planning", "datum",
                    "streef datum"),
    "status_actie": ("status actie", "actiestatus", "status van de actie", "voortgang", "stand van zaken"),
    "opmerking": ("opmerking", "opmerkingen", "toelichting", "notities", "notitie", "aantekening", "aantekeningen",
                  "commentaar", "notes"),
    "uitkomst": ("uitkomst",),            # written by piramide: recomputed, never read
}
_COLUMN = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
HEADER_ROWS = 30              # the header row is looked for in the first rows of the sheet
MAX_ROWS, MAX_COLS = 5000, 60  # an action plan is small; a hostile sheet costs no more than this

MONTHS = {"januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4,
          "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
          "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}


class ActionPlanError(PiramideError):
    """The file given as action plan cannot be used; `finding` says why and what to do."""

    def __init__(self, f: Finding):
        self.finding = f
        super().__init__(f"{f.file}: {f.message}" if f.file else f.message)


# --- reading: words and dates as people type them -----------------------------------------

def _plain(text: str) -> str:
    """Lower case, accents dropped, every run of non-letters one space."""
    t = "".join(ch for ch in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w✓✔☑#]+", " ", t.casefold()).split())


def parse_status(value) -> str | None:
    """The canonical status of a typed one (an empty cell is open), None when not recognised."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return OPEN
    if not isinstance(value, str):
        return None
    return _STATUS.get(_plain(value))


def _end_of_month(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _year(y: str) -> int:
    return 2000 + int(y) if len(y) == 2 else int(y)


def parse_date(value, date1904: bool = False) -> dt.date | None:
    """A streefdatum as people write it: a real Excel date (or its serial number), 15-03-2026,
    15-3-26, 15/3/2026, 2026-03-15, 15 maart 2026, maart 2026 or 3-2026 (the end of that month),
    Q2 2026 (the end of the quarter), 2026 (the end of the year); words such as 'eind' or
    'uiterlijk' in front are left out. None when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 30000 <= value <= 80000:           # a date serial (1982-2119) in a cell without date format
            epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
            return epoch + dt.timedelta(days=int(value))
        if 2000 <= value <= 2100 and value == int(value):
            return dt.date(int(value), 12, 31)
        return None
    if not isinstance(value, str):
        return None
    s = " ".join(value.casefold().replace("’", "'").split())
    s = re.sub(r"^(?:eind|einde|uiterlijk|voor|vóór|per|deadline|streefdatum)\s*:?\s+", "", s)
    s = re.sub(r"\s+00:00(?::00)?$", "", s)
    try:
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})", s):
            return dt.date(_year(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+'?(\d{4}|\d{2})", s)) and m[2] in MONTHS:
            return dt.date(_year(m[3]), MONTHS[m[2]], int(m[1]))
        if (m := re.fullmatch(r"([a-z]+)\.?\s+'?(\d{4}|\d{2})", s)) and m[1] in MONTHS:
            return _end_of_month(_year(m[2]), MONTHS[m[1]])
        if m := re.fullmatch(r"(\d{1,2})[-/](\d{4})", s):
            return _end_of_month(int(m[2]), int(m[1]))
        if m := re.fullmatch(r"q([1-4])\s*-?\s*(\d{4})", s):
            return _end_of_month(int(m[2]), 3 * int(m[1]))
        if m := re.fullmatch(r"(\d{4})", s):
            return dt.date(int(m[1]), 12, 31)
    except ValueError:                           # 31-02-2026: no such day
        return None
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, dt.datetime):
        return f"{value:%d-%m-%Y}"
    return str(value).strip()


def _cell(row: int, col: int) -> str:
    from .layout import col_letter
    return f"{col_letter(col)}{row + 1}"


# --- the plan as read ------------------------------------------------------------------------

@dataclass
class Action:
    """One row of a previous action plan, as the gemeente left it."""
    row: int                                  # the row number in the sheet (1-based, as Excel shows it)
    cell: str                                 # its Indicator cell ("D7"), to name it in a finding
    nr: int | str | None
    indicator: str                            # the Indicator cell as typed ("BO-2A Naam", "BO-2A" or a name)
    pijler: str = ""
    fase: str = ""
    status_before: str = ""                   # the indicator's status at the previous measurement, as shown then
    waarom: str = ""
    handvat: str = ""
    actiehouder: str = ""
    streefdatum: dt.date | None = None
    streefdatum_typed: str = ""               # as typed, when it is no date we recognise
    status: str | None = OPEN                 # canonical; None when not recognised
    status_typed: str = ""
    notes: str = ""                           # Opmerking/Toelichting/Notities, and any column we do not know


@dataclass
class Plan:
    """The Verbeterpunten sheet of a previous dashboard."""
    source: str
    sheet: str
    gemeente: str
    datum: dt.date | None                     # the date of the measurement that dashboard was made of
    actions: list[Action]
    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""
    questionnaire: tuple[str, str] | None = None   # (id, version) of the definition that dashboard was made with


def _head_key(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.split(r"[:(]", value, maxsplit=1)[0]
    return _COLUMN.get(" ".join(text.casefold().replace(".", " ").split()))


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, list[int]], dict[int, str]] | None:
    """The header row: the first row with an Indicator column and a column for the action
    (actiehouder, streefdatum or status actie). Per key the columns, and the other headers."""
    for r, row in enumerate(rows[:HEADER_ROWS]):
        cols: dict[str, list[int]] = {}
        for c, v in enumerate(row):
            key = _head_key(v)
            if key:
                cols.setdefault(key, []).append(c)
        if "indicator" in cols and cols.keys() & {"actiehouder", "streefdatum", "status_actie"}:
            other = {c: _text(v) for c, v in enumerate(row) if _text(v) and _head_key(v) is None}
            return r, cols, other
    return None


def _meta(wb) -> tuple[str, dt.date | None, tuple[str, str] | None]:
    """Gemeente, date of the measurement and (id, version) of its definition, from the Over
    sheet our dashboards have."""
    gemeente, datum, definition = "", None, None
    for name in wb.sheetnames:
        if name.casefold().strip() != "over":
            continue
        for row in wb[name].iter_rows(max_row=60, max_col=2, values_only=True):
            label = _text(row[0]) if row else ""
            value = row[1] if len(row) > 1 else None
            if label == "Gemeente":
                gemeente = _text(value)
            elif label == "Datum meting":
                datum = parse_date(value)
            elif label == "Vragenlijst" and (m := re.search(r", id (\S+), versie (\S+)$", _text(value))):
                definition = (m[1], m[2])
    return gemeente, datum, definition


def _open(path: Path, data: bytes | None):
    import hashlib

    import openpyxl

    from .gate import gated
    from .reader import own_output
    try:
        data = gated(path, data)
    except InputError as exc:
        raise ActionPlanError(exc.finding) from None
    kind = own_output(data)
    if kind != "dashboard":
        raise ActionPlanError(finding("actieplan_geen_dashboard", file=str(path),
                                      wat=f"een {kind} van piramide" if kind else "geen dashboard van piramide"))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reason: the file cannot be read as a workbook
        raise ActionPlanError(finding("invoer_kapot_werkboek", file=str(path), detail=type(exc).__name__)) from None
    return wb, hashlib.sha256(data).hexdigest()


def plan_meta(path: str | Path, data: bytes | None = None) -> tuple[str, dt.date | None]:
    """Only the gemeente and date of a dashboard: cheap, to choose among many."""
    wb, _ = _open(Path(path), data)
    try:
        return _meta(wb)[:2]
    finally:
        wb.close()


def read_plan(path: str | Path, data: bytes | None = None) -> Plan:
    """The action plan on the Verbeterpunten sheet of a dashboard piramide wrote. Raises
    ActionPlanError when the file is no dashboard of ours or has no such sheet; an unreadable
    status or date is kept as typed, with a finding that names its cell."""
    path = Path(path)
    wb, sha = _open(path, data)
    try:
        gemeente, datum, definition = _meta(wb)
        date1904 = bool(getattr(wb, "epoch", None) and wb.epoch.year == 1904)
        names = sorted(wb.sheetnames, key=lambda n: n.casefold().strip() != SHEET.casefold())
        for name in names:
            rows = [tuple(r) for r in wb[name].iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
            header = _find_header(rows)
            if header is not None:
                plan = _read_rows(str(path), name, rows, header, date1904)
                plan.gemeente, plan.datum, plan.sha256, plan.questionnaire = gemeente, datum, sha, definition
                return plan
    finally:
        wb.close()
    raise ActionPlanError(finding("actieplan_geen_blad", file=str(path)))


def _read_rows(source: str, sheet: str, rows: list[tuple], header, date1904: bool) -> Plan:
    top, cols, other = header
    findings: list[Finding] = []

    def first(row, key) -> tuple[int, object]:
        """The first filled cell of a column with this key (a key may have two columns)."""
        found = [(c, row[c]) for c in cols.get(key, []) if c < len(row)]
        return next(((c, v) for c, v in found if _text(v)), found[0] if found else (-1, None))

    actions = []
    for r in range(top + 1, len(rows)):
        row = rows[r]
        texts = {k: _text(first(row, k)[1]) for k in ("indicator", "handvat", "waarom", "actiehouder", "opmerking")}
        extra = [f"{head}: {_text(row[c])}" for c, head in other.items() if c < len(row) and _text(row[c])]
        (date_c, date_v), (status_c, status_v) = first(row, "streefdatum"), first(row, "status_actie")
        if not (any(texts.values()) or extra or _text(date_v) or _text(status_v)):
            continue                        # an empty row, or only a number or a pillar: no action
        notes = [_text(row[c]) for c in cols.get("opmerking", []) if c < len(row) and _text(row[c])] + extra
        a = Action(row=r + 1, cell=_cell(r, cols["indicator"][0]), nr=_nr(first(row, "nr")[1]),
                   indicator=texts["indicator"], pijler=_text(first(row, "pijler")[1]),
                   fase=_text(first(row, "fase")[1]), status_before=_status_before(row, first),
                   waarom=texts["waarom"], handvat=texts["handvat"], actiehouder=texts["actiehouder"],
                   notes="\n".join(notes))
        if _text(date_v):
            a.streefdatum = parse_date(date_v, date1904)
            if a.streefdatum is None:
                a.streefdatum_typed = _text(date_v)
                findings.append(finding("actieplan_datum_onbekend", file=source, sheet=sheet, cell=_cell(r, date_c),
                                        waarde=a.streefdatum_typed))
        a.status = parse_status(status_v)
        a.status_typed = _text(status_v)
        if a.status is None:
            findings.append(finding("actieplan_status_onbekend", file=source, sheet=sheet, cell=_cell(r, status_c),
                                    waarde=a.status_typed))
        actions.append(a)
    return Plan(source, sheet, "", None, actions, findings)


def _status_before(row, first) -> str:
    """The indicator's status as that dashboard showed it: its Status column, or what its
    Uitkomst column said ("indicator nu deels")."""
    shown = _text(first(row, "status")[1])
    if shown:
        return shown
    m = _WAS.search(_text(first(row, "uitkomst")[1]))
    return m[1] if m else ""


def _nr(value) -> int | str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        return int(value)
    text = _text(value)
    return int(text) if text.isdigit() else (text or None)


# --- carrying the plan over: pure -------------------------------------------------------------

@dataclass
class PlanRow:
    """One row of the new action plan: a carried action, or a new verbeterpunt."""
    outcome: str                              # one of OUTCOMES, or O_NIEUW
    action: Action | None                     # None for a new verbeterpunt
    indicator: IndicatorResult | None         # the indicator in the new measurement; None when not matched
    pillar_name: str = ""
    reason: str = ""                          # why this indicator matters now ("nodig voor fase 2")
    nr: int | str | None = None

    @property
    def matched(self) -> bool:
        return self.indicator is not None


@dataclass
class CarriedPlan:
    """The previous plan carried into a new measurement: every action, then the new points."""
    plan: Plan
    datum: dt.date | None                     # the new measurement's date: "over tijd" is judged against it
    rows: list[PlanRow]
    findings: list[Finding] = field(default_factory=list)

    @property
    def carried(self) -> list[PlanRow]:
        return [r for r in self.rows if r.action is not None]

    @property
    def new(self) -> list[PlanRow]:
        return [r for r in self.rows if r.action is None]

    def counts(self) -> dict[str, int]:
        """Per outcome the number of carried actions; `niet_gekoppeld` (actions matched to no
        indicator) and `nieuw` (new verbeterpunten) beside them."""
        out = {o: sum(r.outcome == o for r in self.carried) for o in OUTCOMES}
        out["niet_gekoppeld"] = sum(not r.matched for r in self.carried)
        out["acties"] = len(self.carried)
        out["nieuw"] = len(self.new)
        return out

    def summary(self) -> str:
        """One Dutch sentence with the counts, as on the sheet."""
        n = self.counts()
        parts = [f"{n[O_AFGEROND]} afgerond", f"{n[O_BESPREKEN]} afgerond maar indicator nog open (te bespreken)",
                 f"{n[O_OVER_TIJD]} over tijd", f"{n[O_LOOPT] + n[O_OPEN]} loopt of open"]
        if n[O_BEHAALD]:
            parts.append(f"{n[O_BEHAALD]} indicator behaald maar actie niet afgerond")
        if n[O_VERVALLEN]:
            parts.append(f"{n[O_VERVALLEN]} vervallen")
        text = f"{n['acties']} actie{'s' if n['acties'] != 1 else ''} uit het vorige actieplan: " + ", ".join(parts)
        if n["niet_gekoppeld"]:
            text += f"; {n['niet_gekoppeld']} zonder indicator van deze vragenlijst (staan er met hun rij)"
        return text + f". {n['nieuw']} nieuw{'e' if n['nieuw'] != 1 else ''} verbeterpunt{'en' if n['nieuw'] != 1 else ''} eronder."

    def to_dict(self) -> dict:
        def date(d):
            return d.isoformat() if d else None
        rows = []
        for r in self.rows:
            a, ir = r.action, r.indicator
            rows.append({
                "nr": r.nr, "rij": a.row if a else None, "uitkomst": r.outcome,
                "indicator": ir.indicator.id if ir else None, "indicator_status": ir.status if ir else None,
                "getypt": a.indicator if a else None, "pijler": r.pillar_name or None,
                "actiehouder": a.actiehouder if a else "", "streefdatum": date(a.streefdatum) if a else None,
                "streefdatum_getypt": a.streefdatum_typed if a else "",
                "status": a.status if a else OPEN, "status_getypt": a.status_typed if a else "",
                "opmerking": a.notes if a else ""})
        from .text import display
        return {"bestand": display(self.plan.source), "sha256": self.plan.sha256 or None, "blad": self.plan.sheet,
                "datum_vorige_meting": date(self.plan.datum), "datum_meting": date(self.datum),
                "aantallen": self.counts(), "acties": rows,
                "meldingen": [f.to_dict() for f in self.findings]}


def _replaced(ind: Indicator, qs: Sequence[Questionnaire]) -> list[str]:
    """The ids `ind` stands for by its `vervangt` chain (not its own id unless the chain names it)."""
    replaces: dict[str, tuple[str, ...]] = {}
    for q in qs:
        for i in q.indicators:
            replaces.setdefault(i.id, i.replaces)
    out: list[str] = []
    todo = list(ind.replaces)
    while todo:
        old = todo.pop(0)
        if old not in out:
            out.append(old)
            todo += [x for x in replaces.get(old, ()) if x != old]
    return out


def _indicator_keys(q: Questionnaire, questionnaires: Sequence[Questionnaire], plan_q: tuple[str, str] | None):
    """How a typed indicator is found in `q`. A plan made with the same definition (or one we
    cannot tell): by id, then by a `vervangt` chain, then by name. A plan made with another
    version: by the `vervangt` chains (the same id may mean another indicator in another
    version), by id only where the new definition uses no `vervangt` at all, then by name. Where
    an old id is continued by several indicators, the first in the definition takes it."""
    qs = list(questionnaires) + [q]
    same = plan_q is None or plan_q == (q.id, q.version)
    chains = any(i.replaces for i in q.indicators)
    by_id: dict[str, Indicator] = {}
    by_name: dict[str, Indicator] = {}
    if same or not chains:
        for ind in q.indicators:
            by_id.setdefault(ind.id.casefold(), ind)
    for ind in q.indicators:
        by_name.setdefault(_plain(ind.name), ind)
    for ind in q.indicators:
        for old in _replaced(ind, qs):
            by_id.setdefault(old.casefold(), ind)
            for other in qs:
                if (other.id, other.version) != (q.id, q.version) and old in {i.id for i in other.indicators}:
                    by_name.setdefault(_plain(other.indicator(old).name), ind)
    return by_id, by_name


def match_indicator(text: str, by_id: dict[str, Indicator], by_name: dict[str, Indicator]) -> Indicator | None:
    """'BO-2A', 'BO-2A Naam' or 'Naam' → the indicator; None when it names none."""
    text = text.strip()
    if not text:
        return None
    token, _, rest = text.partition(" ")
    token = token.strip(":.,;")
    if token.casefold() in by_id:
        return by_id[token.casefold()]
    return by_name.get(_plain(text)) or (by_name.get(_plain(rest)) if rest else None)


_ID_LIKE = re.compile(r"^[A-Za-z]{1,6}[-_ ]?\d")


def carry_over(plan: Plan, result: Result, questionnaires: Sequence[Questionnaire] = ()) -> CarriedPlan:
    """Every action of `plan` beside what `result` says of its indicator, in the plan's own row
    order; then the verbeterpunten of `result` no action covers, foundations first (the order
    of scoring.improvements). `questionnaires` are the other known versions, for `vervangt`."""
    q = result.questionnaire
    datum = result.measurement.datum
    by_id, by_name = _indicator_keys(q, questionnaires, plan.questionnaire)
    results = {ir.indicator.id: (pr, ir) for pr in result.pillars for ir in pr.indicators}
    reasons = {imp.indicator.indicator.id: imp.reason for imp in result.improvements}
    findings = list(plan.findings)
    rows: list[PlanRow] = []
    covered: set[str] = set()
    for a in plan.actions:
        ind = match_indicator(a.indicator, by_id, by_name)
        if ind is None:
            outcome = _outcome(a, None, datum)
            rows.append(PlanRow(outcome, a, None, a.pijler, a.waarom, a.nr))
            if _ID_LIKE.match(a.indicator):
                findings.append(finding("actieplan_niet_gekoppeld", file=plan.source, sheet=plan.sheet,
                                        cell=a.cell, tekst=a.indicator, vragenlijst=q.label()))
            continue
        pr, ir = results[ind.id]
        covered.add(ind.id)
        outcome = _outcome(a, ir, datum)
        reason = reasons.get(ind.id) or ("behaald" if ir.met else f"voor fase {ind.phase}")
        rows.append(PlanRow(outcome, a, ir, pr.pillar.name, reason, a.nr))
        if outcome == O_BESPREKEN:
            findings.append(finding("actieplan_afgerond_open", file=plan.source, sheet=plan.sheet, cell=a.cell,
                                    indicator=f"{ind.id} {ind.name}", status=ir.status))
    numbers = [r.nr for r in rows if isinstance(r.nr, int)]
    nxt = max(numbers, default=0) + 1
    for imp in result.improvements:
        if imp.indicator.indicator.id in covered:
            continue
        rows.append(PlanRow(O_NIEUW, None, imp.indicator, imp.pillar.name, imp.reason, nxt))
        nxt += 1
    if plan.datum and datum and plan.datum > datum:
        findings.append(finding("actieplan_later", file=plan.source, plan=f"{plan.datum:%d-%m-%Y}",
                                meting=f"{datum:%d-%m-%Y}"))
    return CarriedPlan(plan, datum, rows, findings)


def _outcome(a: Action, ir: IndicatorResult | None, datum: dt.date | None) -> str:
    if a.status == VERVALLEN:
        return O_VERVALLEN
    if a.status == AFGEROND:
        return O_BESPREKEN if ir is not None and ir.status not in MET else O_AFGEROND
    if ir is not None and ir.status in MET:
        return O_BEHAALD
    if a.streefdatum is not None and datum is not None and a.streefdatum < datum:
        return O_OVER_TIJD
    return O_LOOPT if a.status == LOOPT else O_OPEN


def outcome_text(row: PlanRow) -> str:
    """What the Uitkomst column says, in Dutch. Where the action has an indicator it always
    says "indicator nu <status>", which is also how the status is read back a year later."""
    ir, a = row.indicator, row.action
    now = f"indicator nu {ir.status}" if ir else ""
    was = f" (was {a.status_before})" if a and ir and a.status_before and a.status_before != ir.status else ""
    texts = {
        O_AFGEROND: "Afgerond",
        O_BESPREKEN: "Te bespreken: actie afgerond, maar",
        O_BEHAALD: "Actie niet afgerond, maar",
        O_OVER_TIJD: f"Over tijd: streefdatum {a.streefdatum:%d-%m-%Y} is voorbij" if a and a.streefdatum else "Over tijd",
        O_LOOPT: "Loopt",
        O_OPEN: "Open",
        O_VERVALLEN: "Vervallen",
        O_NIEUW: "Nieuw verbeterpunt",
    }
    text = texts[row.outcome]
    if ir is not None:
        text += (" " if row.outcome in (O_BESPREKEN, O_BEHAALD) else "; ") + now + was
    if row.outcome == O_BEHAALD:
        text += "; zet de actie op afgerond"
    if a is not None and a.status is None:
        text += f". Status '{a.status_typed}' niet herkend: telt als open"
    if a is not None and a.streefdatum_typed:
        text += f". Streefdatum '{a.streefdatum_typed}' niet herkend"
    if a is not None and ir is None:
        text += f". Eigen actie zonder indicator (rij {a.row} van het vorige actieplan)"
    return text


_WAS = re.compile("indicator nu (%s)" % "|".join(re.escape(s) for s in STATUSES))


# --- a run: which plan goes with which gemeente ------------------------------------------------

def attach(run: Run, given: Sequence[Path] = (), history: Sequence[Path] = (),
           questionnaires: Sequence[Questionnaire] = ()) -> list[str]:
    """Read the plans and carry each into the latest measurement of its gemeente (run.plans).

    `given` are the --actieplan files: each goes with the gemeente it names (with one gemeente
    in the run, a plan that names none goes with it). A file that cannot be used becomes a
    failed input of the run with its finding. For a gemeente without a given plan, the latest
    dashboard among `history` of the same gemeente and of an earlier measurement date is its
    plan. Returns a line per plan used, saying which file it is."""
    from .batch import MISLUKT, OVERGESLAGEN, Outcome
    from .history import group_key
    trends = {group_key(t.gemeente): t for t in run.trends}
    chosen: dict[str, tuple[Plan, str]] = {}
    for path in given:
        try:
            plan = read_plan(path)
        except ActionPlanError as exc:
            run.inputs.append(Outcome(Path(path), MISLUKT, None, [exc.finding]))
            continue
        key = group_key(plan.gemeente) if plan.gemeente else (next(iter(trends)) if len(trends) == 1 else "")
        if key not in trends:
            f = finding("actieplan_andere_gemeente", file=str(path), gemeente=plan.gemeente or "een onbekende gemeente")
            run.inputs.append(Outcome(Path(path), MISLUKT, None, [f]))
            continue
        if key in chosen:
            before = chosen[key][0]
            keep, drop = (plan, before) if (plan.datum or dt.date.min) >= (before.datum or dt.date.min) else (before, plan)
            chosen[key] = (keep, "gegeven met --actieplan")
            run.inputs.append(Outcome(Path(drop.source), OVERGESLAGEN, None, [
                finding("actieplan_niet_gebruikt", file=drop.source, gekozen=Path(keep.source).name)]))
            continue
        chosen[key] = (plan, "gegeven met --actieplan")
    wanted = {k: t for k, t in trends.items() if k not in chosen}
    if wanted and history:
        best: dict[str, tuple[dt.date, str, Path]] = {}
        for path in history:
            try:
                gemeente, datum = plan_meta(path)
            except ActionPlanError:
                continue                      # a region overview, or damaged: it was reported as skipped
            key = group_key(gemeente) if gemeente else ""
            latest = wanted[key].latest.measurement.datum if key in wanted else None
            if datum is None or latest is None or datum >= latest:
                continue
            if key not in best or (datum, Path(path).name) > best[key][:2]:
                best[key] = (datum, Path(path).name, Path(path))
        for key, (datum, _, path) in best.items():
            try:
                chosen[key] = (read_plan(path), f"het laatste eerdere dashboard in --historie (meting {datum:%d-%m-%Y})")
            except ActionPlanError as exc:
                run.inputs.append(Outcome(path, MISLUKT, None, [exc.finding]))
    lines = []
    for key, (plan, how) in sorted(chosen.items()):
        t = trends[key]
        qs = list(questionnaires) + [r.questionnaire for r in t.results]
        run.plans[t.gemeente] = carry_over(plan, t.latest, qs)
        lines.append(f"Actieplan voor {t.gemeente}: {plan.source} ({how})")
    return lines
