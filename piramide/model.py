"""The questionnaire as plain data: what a definition file describes, nothing of files."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of answer option. A "value" option counts with its value; "nvt" leaves the question
# out of every count; "unknown" ("weet niet") counts as 0 and is reported as a gap.
VALUE, NVT, UNKNOWN = "waarde", "nvt", "onbekend"


@dataclass(frozen=True)
class Option:
    label: str
    kind: str = VALUE
    value: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    options: tuple[Option, ...]

    def labels(self) -> list[str]:
        return [o.label for o in self.options]


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    description: str = ""


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Indicator:
    id: str
    pillar_id: str
    phase: int
    name: str
    meaning: str = ""
    handvat: str = ""
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    indicator_id: str
    text: str
    help: str = ""
    scale_id: str = ""
    source: str = ""
    section: str = ""
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    note: str
    phases: tuple[Phase, ...]
    pillars: tuple[Pillar, ...]
    scales: tuple[Scale, ...]
    indicators: tuple[Indicator, ...]
    questions: tuple[Question, ...]
    path: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        idx = self._index
        idx["indicator"] = {i.id: i for i in self.indicators}
        idx["question"] = {q.id: q for q in self.questions}
        idx["scale"] = {s.id: s for s in self.scales}
        idx["pillar"] = {p.id: p for p in self.pillars}
        by_ind: dict[str, list[Question]] = {}
        for q in self.questions:
            by_ind.setdefault(q.indicator_id, []).append(q)
        idx["questions_of"] = by_ind

    @property
    def top_phase(self) -> int:
        return max(p.number for p in self.phases) if self.phases else 0

    def phase_name(self, number: int) -> str:
        for p in self.phases:
            if p.number == number:
                return p.name
        return "geen fase" if number == 0 else str(number)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._index["indicator"][indicator_id]

    def question(self, question_id: str) -> Question:
        return self._index["question"][question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._index["question"]

    def scale(self, scale_id: str) -> Scale:
        return self._index["scale"][scale_id]

    def pillar(self, pillar_id: str) -> Pillar:
        return self._index["pillar"][pillar_id]

    def indicators_of(self, pillar_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.pillar_id == pillar_id]

    def questions_of(self, indicator_id: str) -> list[Question]:
        return list(self._index["questions_of"].get(indicator_id, ()))

    def pillar_of(self, question: Question) -> Pillar:
        return self.pillar(self.indicator(question.indicator_id).pillar_id)

    def label(self) -> str:
        return f"{self.title} (versie {self.version})"
