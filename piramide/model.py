"""The questionnaire as plain data: what a definition file describes, nothing of files."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of answer option. A "value" option counts with its value; "nvt" leaves the question
# out of every count; "unknown" ("weet niet") counts as 0 and is reported as a gap.
VALUE, NVT, UNKNOWN = "waarde", "nvt", "onbekend"

# How an answer was reached, from firm to soft.
DOCUMENT, GESPREK, INSCHATTING = "document", "gesprek", "inschatting"
ENQUETE = "enquête"             # filled from a staff survey (score --enquete), measured among the staff
BASES = [DOCUMENT, ENQUETE, GESPREK, INSCHATTING]


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
    phase_texts: tuple[str, ...] = ()   # what each phase means for this pillar, phase 1 first

    def phase_text(self, number: int) -> str:
        return self.phase_texts[number - 1] if 0 < number <= len(self.phase_texts) else ""


@dataclass(frozen=True)
class Indicator:
    id: str
    pillar_id: str
    phase: int
    name: str
    meaning: str = ""
    handvat: str = ""
    replaces: tuple[str, ...] = ()
    theme: str = ""
    minimum: int | None = None          # keuzemenu: met when at least this many questions are ja
    first_step: str = ""
    owner: str = ""
    small: str = ""                     # the variant for a small gemeente
    products: tuple[str, ...] = ()      # existing products to use


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
    ja_when: str = ""
    deels_when: str = ""
    nvt_when: str = ""
    survey: str = ""                    # the id of a survey indicator that answers this question (score --enquete)

    @property
    def nvt_allowed(self) -> bool:
        """A question with answer criteria allows n.v.t. only where they say when; one
        without criteria (definitions before 2.0, a RIEC's own) allows it as before."""
        return bool(self.nvt_when) or not (self.ja_when or self.deels_when)

    def criteria(self) -> str:
        """The criteria for beside the question, one line per answer (each criterion is a
        sentence of its own in the definition)."""
        parts = []
        if self.ja_when:
            parts.append(f"Ja: {_sentence(self.ja_when)}")
        if self.deels_when:
            parts.append(f"Deels: {_sentence(self.deels_when)}")
        if self.nvt_when:
            parts.append(f"N.v.t. alleen als dit geldt: {_sentence(self.nvt_when)}")
        elif parts:
            parts.append("N.v.t. kan hier niet.")
        return "\n".join(parts)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", ")")) else text + "."


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    year: int | None = None
    url: str = ""
    short: str = ""             # how the question table names it; the title when empty


@dataclass(frozen=True)
class Term:
    term: str
    explanation: str
    source: str = ""


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
    sources: tuple[Source, ...] = ()
    terms: tuple[Term, ...] = ()
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

    def source_title(self, bron: str, short: bool = False) -> str:
        """A question's `bron` ("003 §2.5") as a reader cites it: the source's title (or its
        short form), then the place; a bron without a declared source stays as written."""
        ident, _, place = bron.strip().partition(" ")
        src = next((s for s in self.sources if s.id == ident), None)
        if src is None:
            return bron
        title = (src.short or src.title) if short else src.title
        return f"{title}, {place.strip()}" if place.strip() else title

    def label(self) -> str:
        return f"{self.title} (versie {self.version})"
