"""One filled-in piramide as data: metadata and answers with the cells they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .findings import Finding

# Answer kinds beyond the scale's own (model.VALUE, NVT, UNKNOWN).
EMPTY, INVALID = "leeg", "ongeldig"


@dataclass(frozen=True)
class Answer:
    question_id: str
    kind: str                   # model.VALUE / NVT / UNKNOWN, or EMPTY / INVALID
    label: str = ""             # the scale's own label, "" when empty or invalid
    value: float | None = None  # None for n.v.t.
    raw: str = ""               # as typed
    remark: str = ""            # toelichting
    sheet: str = ""
    cell: str = ""
    basis: str = ""             # how the answer was reached: one of labels.BASES, or as typed
    evidence: str = ""          # where the evidence is (document, vindplaats)


@dataclass(frozen=True)
class Invuller:
    """One person's workbook in a measurement that several invullers filled in (combine.py)."""
    name: str                   # "Ingevuld door" as typed on the front sheet
    source: str                 # the file
    sha256: str
    cell: str = ""              # where the name stands ("Voorblad!C8"), "" when not known


@dataclass(frozen=True)
class Difference:
    """A question on which the invullers of one measurement answered differently: what each
    gave (in the order of `Measurement.invullers`) and what the combination took, and why."""
    question_id: str
    given: tuple[tuple[Invuller, Answer], ...]
    taken: Answer
    why: str                    # Dutch, for the sheet "Verschillen tussen invullers"


@dataclass
class Measurement:
    gemeente: str = ""
    regio: str = ""
    datum: dt.date | None = None
    soort: str = ""
    ingevuld_door: str = ""
    geraadpleegd: str = ""      # the functions and departments consulted
    ambitie: dict[str, int] = field(default_factory=dict)
    questionnaire_id: str = ""
    questionnaire_version: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""
    findings: list[Finding] = field(default_factory=list)
    meta_cells: dict[str, str] = field(default_factory=dict)   # front-sheet field -> "Voorblad!C8"
    # Several invullers combined into this one (combine.py): each of them, and where they differ.
    # Empty for a measurement read from one workbook.
    invullers: list[Invuller] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    # Staff surveys that answered questions (survey_link.py): one line each, for the Over sheet.
    surveys: list[str] = field(default_factory=list)
