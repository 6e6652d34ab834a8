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
