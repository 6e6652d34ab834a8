"""Measurement x Questionnaire -> Result, by the pyramid rule of the design notes.

Pure functions: nothing here knows of files or Excel. The fill-in workbook's live formulas
(template.py) compute the same rule; a LibreOffice test holds the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .findings import Finding, finding
from .measurement import EMPTY, INVALID, Answer, Measurement
from .model import BASES, DOCUMENT, NVT, UNKNOWN, VALUE, Indicator, Pillar, Question, Questionnaire

BEHAALD, DEELS, NIET_BEHAALD, ONBEKEND, NVT_STATUS = "behaald", "deels", "niet behaald", "onbekend", "n.v.t."
MET = (BEHAALD, NVT_STATUS)
NOT_GIVEN = "niet opgegeven"        # an answer that does not say how it was reached
STATUSES = (BEHAALD, DEELS, NIET_BEHAALD, ONBEKEND, NVT_STATUS)


@dataclass
class IndicatorResult:
    indicator: Indicator
    status: str
    mean: float | None                  # mean value of applicable answers, None when all n.v.t.
    answers: list[tuple[Question, Answer]]

    @property
    def met(self) -> bool:
        return self.status in MET

    def gaps(self) -> list[tuple[Question, Answer]]:
        """The answers that keep this indicator from being behaald (of a keuzemenu: the
        options not yet taken)."""
        return [(q, a) for q, a in self.answers if a.kind != NVT and a.value != 1.0]


@dataclass
class PillarResult:
    pillar: Pillar
    phase: int
    phase_name: str
    score: float | None                 # 0..100, None when nothing applies
    progress: float | None              # share (0..100) of next phase's indicators met; None at the top
    next_phase: int | None
    loose_stones: list[str]             # met indicators above the reached phase
    ambitie: int | None
    gap: int | None                     # ambitie - phase, when an ambitie is set
    judgeable: bool
    explanation: str
    indicators: list[IndicatorResult]
    answered: int
    total: int
    bases: dict[str, int] = field(default_factory=dict)   # answered questions per way of reaching them

    @property
    def on_documents(self) -> float | None:
        """Share (0..100) of the answered questions that rest on a document; None when no
        answer says how it was reached (a workbook without that column)."""
        if not self.answered or not any(self.bases.get(b) for b in BASES):
            return None
        return 100.0 * self.bases.get(DOCUMENT, 0) / self.answered


@dataclass
class Improvement:
    pillar: Pillar
    indicator: IndicatorResult
    reason: str


@dataclass
class Result:
    questionnaire: Questionnaire
    measurement: Measurement
    pillars: list[PillarResult]
    improvements: list[Improvement]
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """False when a finding is a fout (a spreadsheet that is no piramide, an invalid
        answer, a missing gemeente or date): such a result is not a measurement to act on."""
        return not any(f.severity == "fout" for f in self.findings)

    @property
    def first_steps(self) -> list[Improvement]:
        """The three to five steps to take first (see first_steps)."""
        return first_steps(self.improvements)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        for p in self.pillars:
            for ir in p.indicators:
                if ir.indicator.id == indicator_id:
                    return ir
        raise KeyError(indicator_id)

    def pillar(self, pillar_id: str) -> PillarResult:
        for p in self.pillars:
            if p.pillar.id == pillar_id:
                return p
        raise KeyError(pillar_id)

    def to_dict(self) -> dict:
        from .serialize import result_to_dict  # keeps JSON shape in one place
        return result_to_dict(self)

    def to_frame(self):
        from .serialize import result_to_frame
        return result_to_frame(self)


def _missing(question: Question) -> Answer:
    return Answer(question.id, EMPTY)


def indicator_status(answers: list[Answer], minimum: int | None = None) -> tuple[str, float | None]:
    """Status and mean value of one indicator from its answers (design notes, exactly).
    A keuzemenu indicator (`minimum` k) needs k ja of its applicable answers, or all of them
    when fewer than k apply; without k every applicable answer must be ja."""
    applicable = [a for a in answers if a.kind != NVT]
    if not applicable:
        return NVT_STATUS, None
    values = [a.value if a.kind == VALUE and a.value is not None else 0.0 for a in applicable]
    mean = sum(values) / len(values)
    needed = len(applicable) if minimum is None else min(minimum, len(applicable))
    ja = sum(a.kind == VALUE and a.value == 1.0 for a in applicable)
    if ja >= needed:
        return BEHAALD, mean
    if ja + sum(a.kind in (EMPTY, UNKNOWN, INVALID) for a in applicable) >= needed:
        return ONBEKEND, mean
    return (DEELS if mean > 0 else NIET_BEHAALD), mean


def counted(question: Question, answer: Answer) -> Answer:
    """The answer as the rule counts it: an n.v.t. the definition does not allow for this
    question counts as an invalid answer (0, and no way round a gate)."""
    if answer.kind == NVT and not question.nvt_allowed:
        return replace(answer, kind=INVALID)
    return answer


def reached_phase(met_by_phase: dict[int, bool], top: int) -> int:
    """Highest p with every phase 1..p met: a pyramid is built from the bottom."""
    p = 0
    while p < top and met_by_phase.get(p + 1, True):
        p += 1
    return p


def _answer_word(a: Answer) -> str:
    if a.kind == EMPTY:
        return "leeg"
    if a.kind == INVALID:
        return f"{a.label}, kan hier niet" if a.label else f"ongeldig ('{a.raw}')"
    return a.label


STATUS_CLAUSE = {DEELS: "deels behaald is", NIET_BEHAALD: "niet behaald is", ONBEKEND: "nog onbekend is"}


def _explain(q: Questionnaire, phase: int, irs: list[IndicatorResult], judgeable: bool) -> str:
    """Why a pillar stands where it stands, in Dutch sentences: the reached phase, then the
    indicators of the next phase that hold it back, by name with the codes in brackets."""
    if not judgeable:
        return "Niet te beoordelen: alle vragen van deze pijler zijn n.v.t."
    top = q.top_phase
    reached = (f"Fase {phase} ({q.phase_name(phase)}) is bereikt" if phase else "Nog geen fase bereikt")
    if phase >= top:
        return f"{reached}: alle indicatoren zijn behaald."
    blocking = [ir for ir in irs if ir.indicator.phase == phase + 1 and not ir.met]
    parts = []
    for ir in blocking[:3]:
        gaps = ", ".join(f"{qq.id} '{_answer_word(a)}'" for qq, a in ir.gaps()[:4])
        k = ir.indicator.minimum
        menu = f"minimaal {k} van de {len(ir.answers)} keer ja nodig; " if k else ""
        why = f" ({menu}{gaps})" if menu or gaps else ""
        parts.append(f"{ir.indicator.name} ({ir.indicator.id}) {STATUS_CLAUSE.get(ir.status, ir.status + ' is')}{why}")
    if len(blocking) > 3:
        n = len(blocking) - 3
        parts.append(f"nog {n} andere indicator{'en' if n > 1 else ''} open {'staan' if n > 1 else 'staat'}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    nxt = f"Fase {phase + 1} ({q.phase_name(phase + 1)})"
    return f"{reached}. {nxt} nog niet, omdat {listed}."


def score(measurement: Measurement, questionnaire: Questionnaire) -> Result:
    q = questionnaire
    top = q.top_phase
    pillars: list[PillarResult] = []
    findings = list(measurement.findings)
    for pillar in q.pillars:
        irs = []
        for ind in q.indicators_of(pillar.id):
            pairs = [(qq, counted(qq, measurement.answers.get(qq.id) or _missing(qq)))
                     for qq in q.questions_of(ind.id)]
            status, mean = indicator_status([a for _, a in pairs], ind.minimum)
            irs.append(IndicatorResult(ind, status, mean, pairs))
        met_by_phase = {n: all(ir.met for ir in irs if ir.indicator.phase == n) for n in range(1, top + 1)}
        phase = reached_phase(met_by_phase, top)
        applicable = [a for ir in irs for _, a in ir.answers if a.kind != NVT]
        judgeable = bool(applicable)
        if not judgeable:
            findings.append(finding("pijler_niet_te_beoordelen", file=measurement.source, pijler=pillar.name))
        score_pct = (100.0 * sum(a.value if a.kind == VALUE and a.value is not None else 0.0
                                 for a in applicable) / len(applicable)) if applicable else None
        next_phase = phase + 1 if phase < top else None
        progress = None
        if next_phase is not None:
            nxt = [ir for ir in irs if ir.indicator.phase == next_phase]
            progress = 100.0 * sum(ir.met for ir in nxt) / len(nxt) if nxt else None
        stones = [ir.indicator.id for ir in irs if ir.indicator.phase > phase and ir.met]
        ambitie = measurement.ambitie.get(pillar.id)
        all_answers = [a for ir in irs for _, a in ir.answers]
        answered = [a for a in all_answers if a.kind not in (EMPTY, INVALID)]
        bases = {b: sum(a.basis == b for a in answered) for b in BASES}
        bases[NOT_GIVEN] = len(answered) - sum(bases.values())
        pillars.append(PillarResult(
            pillar, phase, q.phase_name(phase), score_pct, progress, next_phase, stones, ambitie,
            (ambitie - phase) if ambitie is not None else None, judgeable,
            _explain(q, phase, irs, judgeable), irs,
            len(answered), len(all_answers), bases))
    return Result(q, measurement, pillars, improvements(pillars), findings)


def improvements(pillars: list[PillarResult]) -> list[Improvement]:
    """Indicators between each pillar and its next phase (and its ambitie), foundations first."""
    out = []
    for order, pr in enumerate(pillars):
        if pr.next_phase is None:
            continue
        target = max(pr.next_phase, pr.ambitie or 0)
        for ir in pr.indicators:
            n = ir.indicator.phase
            if pr.phase < n <= target and not ir.met:
                reason = (f"nodig voor fase {n}" if n == pr.next_phase else f"nodig voor ambitie fase {pr.ambitie}")
                out.append((n, order, Improvement(pr.pillar, ir, reason)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [imp for _, _, imp in out]


FIRST_STEPS_MOST, FIRST_STEPS_LEAST = 5, 3


def first_steps(improvements_: list[Improvement], most: int = FIRST_STEPS_MOST,
                least: int = FIRST_STEPS_LEAST) -> list[Improvement]:
    """The three to five first steps for page 1: the open indicators of the lowest phase not
    yet reached, foundations first. A phase is taken whole (up to `most`), taking turns over the
    pillars so that one pillar does not fill the list; the next phase only while fewer than
    `least` steps were found."""
    out: list[Improvement] = []
    for level in sorted({imp.indicator.indicator.phase for imp in improvements_}):
        if len(out) >= least:
            break
        items = [imp for imp in improvements_ if imp.indicator.indicator.phase == level]
        rank: dict[str, int] = {}
        keyed = []
        for order, imp in enumerate(items):
            n = rank.get(imp.pillar.id, 0)
            rank[imp.pillar.id] = n + 1
            keyed.append((n, order, imp))
        out += [imp for _, _, imp in sorted(keyed, key=lambda t: (t[0], t[1]))]
    return out[:most]
