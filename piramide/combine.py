"""Several invullers, one measurement: the workbooks of one gemeente and date, each filled in
by another person (OOV, HR, burgerzaken, vergunningen, …), combined into one Measurement.

Pure: Measurements in, one Measurement and the differences out; nothing here knows of files
or Excel. history.build_trends decides which measurements form one (same gemeente, same date,
each a different "ingevuld door") and scores the result like any other measurement.

The rule, per question (stated in Dutch in wording.COMBINE_RULE, the README and the dashboard):

- Empty answers do not take part; when every invuller left the question empty, it is empty.
- n.v.t. only when every invuller who answered says n.v.t.; an n.v.t. beside a real answer
  does not take part (and the question is listed as a difference).
- Otherwise the most cautious answer: the lowest value, 'weet niet' counting 0 as in scoring.
  At equal value a real answer wins over 'weet niet' (a nee from someone who knows is firmer
  than a gap in someone else's knowledge); an invalid answer comes last. On a full tie the
  first invuller in order (by name, then file) gives the answer.
- The question's own n.v.t. rule (Question.nvt_allowed) is applied afterwards by scoring, as
  for any measurement.
- Toelichtingen of all invullers are kept, each after the invuller's name. The onderbouwing is
  the firmest (document > gesprek > inschatting > other) among the invullers who gave the
  answer taken, with that invuller's evidence: the ground of the answer that counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding
from .labels import norm
from .measurement import EMPTY, INVALID, Answer, Difference, Invuller, Measurement
from .model import DOCUMENT, ENQUETE, GESPREK, INSCHATTING, NVT, UNKNOWN, VALUE, Questionnaire

# Resolved by the combination: a part's finding about these no longer holds for the whole.
_RESOLVABLE = {EMPTY: "antwoord_leeg", UNKNOWN: "antwoord_weet_niet"}
_FIRMNESS = {DOCUMENT: 0, ENQUETE: 1, GESPREK: 2, INSCHATTING: 3}


@dataclass
class Combined:
    """The combined measurement, the questions on which the invullers differ (also in
    `measurement.differences`), and findings about the combination itself."""
    measurement: Measurement
    differences: list[Difference]
    findings: list[Finding] = field(default_factory=list)


def invuller_key(name: str) -> str:
    """How invullers' names are compared: case and spaces do not count ("OOV " = "oov")."""
    return norm(name)


def invuller(m: Measurement) -> Invuller:
    return Invuller(m.ingevuld_door, m.source, m.sha256, m.meta_cells.get("ingevuld_door", ""))


def _name(path: str) -> str:
    return Path(path).name


def _when(m: Measurement) -> str:
    return f"{m.datum:%d-%m-%Y}" if m.datum else "datum onbekend"


def clashes(ms: list[Measurement]) -> list[tuple[int, Finding]]:
    """Among measurements of one gemeente and date, each naming an invuller: the ones that
    cannot be combined, each with a fout that names the other file too. The same invuller
    twice (different files): both; another definition (id or version) than the others: both
    sides. Nothing of them is taken silently."""
    out: list[tuple[int, Finding]] = []
    bad: set[int] = set()
    for i, a in enumerate(ms):
        for j, b in enumerate(ms):
            if j <= i:
                continue
            if invuller_key(a.ingevuld_door) == invuller_key(b.ingevuld_door):
                for x, y, k in ((a, b, i), (b, a, j)):
                    sheet, _, cell = invuller(x).cell.rpartition("!")
                    out.append((k, finding("invuller_dubbel", file=x.source, sheet=sheet, cell=cell,
                                           naam=x.ingevuld_door, datum=_when(x), ander=_name(y.source),
                                           andere_cel=invuller(y).cell or "het voorblad",
                                           andere_naam=y.ingevuld_door)))
                bad |= {i, j}
    for i, a in enumerate(ms):
        for j, b in enumerate(ms):
            if j <= i or {i, j} & bad:
                continue
            if (a.questionnaire_id, a.questionnaire_version) != (b.questionnaire_id, b.questionnaire_version):
                for x, y, k in ((a, b, i), (b, a, j)):
                    out.append((k, finding("invuller_andere_vragenlijst", file=x.source, naam=x.ingevuld_door,
                                           datum=_when(x), deze=f"{x.questionnaire_id} {x.questionnaire_version}",
                                           ander=_name(y.source), andere_naam=y.ingevuld_door,
                                           die=f"{y.questionnaire_id} {y.questionnaire_version}")))
    # one fout per file is enough to fail it; keep the first said of each
    seen: set[int] = set()
    firsts = []
    for k, f in out:
        if k not in seen:
            seen.add(k)
            firsts.append((k, f))
    return firsts


def _caution(a: Answer) -> tuple[float, int]:
    """Lower is more cautious: the value as scoring counts it, then a real answer before
    'weet niet' before an invalid one."""
    if a.kind == VALUE:
        return (a.value or 0.0, 0)
    return (0.0, 1 if a.kind == UNKNOWN else 2)


def word(a: Answer) -> str:
    """An answer as the sheets show it."""
    if a.kind == EMPTY:
        return "leeg"
    if a.kind == INVALID:
        return f"ongeldig ('{a.raw}')"
    return a.label


def _names(items) -> str:
    names = [i.name for i, _ in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def combine_answers(qid: str, given: list[tuple[Invuller, Answer]]) -> tuple[Answer, str | None]:
    """One answer from every invuller's answer to question `qid` (in invuller order), and why,
    in Dutch, when they differ (None when all gave the same answer)."""
    answered = [(i, a) for i, a in given if a.kind != EMPTY]
    real = [(i, a) for i, a in answered if a.kind != NVT]
    nvt = [(i, a) for i, a in answered if a.kind == NVT]
    empty = [(i, a) for i, a in given if a.kind == EMPTY]
    if not answered:
        chosen_by, chosen = given[0]
        why = []
    elif not real:
        chosen_by, chosen = nvt[0]
        why = [f"{chosen.label}: alle invullers die de vraag beantwoordden, zeggen {chosen.label}"]
    else:
        chosen_by, chosen = min(real, key=lambda ia: _caution(ia[1]))
        if len({word(a) for _, a in real}) > 1:
            why = [f"{word(chosen)}: het voorzichtigste antwoord (van {chosen_by.name})"]
        else:
            why = [f"{word(chosen)}: het antwoord van {_names(real)}"]
        if nvt:
            why.append(f"{nvt[0][1].label} van {_names(nvt)} telt niet naast een echt antwoord")
    if answered and empty:
        why.append(f"{_names(empty)} liet de vraag leeg")
    differ = len({word(a) for _, a in given}) > 1
    same = [(i, a) for i, a in given if a.kind == chosen.kind and a.label == chosen.label]
    ground_by, ground = min(same, key=lambda ia: _FIRMNESS.get(ia[1].basis, 3 if ia[1].basis else 4))
    remark = "\n".join(f"{i.name}: {a.remark}" for i, a in given if a.remark.strip())
    sheet = f"[{_name(chosen_by.source)}]{chosen.sheet}" if chosen.sheet else ""
    out = Answer(qid, chosen.kind, chosen.label, chosen.value, chosen.raw, remark, sheet, chosen.cell,
                 ground.basis, ground.evidence)
    return out, ("; ".join(why) + ".") if differ else None


def _merge_list(texts: list[str]) -> str:
    """'HR, burgerzaken' and 'burgerzaken; Juridische zaken' -> 'HR; burgerzaken; Juridische zaken'."""
    items: dict[str, str] = {}
    for t in texts:
        for part in t.replace("\n", ";").replace(",", ";").split(";"):
            if part.strip():
                items.setdefault(norm(part), part.strip())
    return "; ".join(items.values())


def combine(measurements: list[Measurement], questionnaire: Questionnaire | None = None) -> Combined:
    """One Measurement from the workbooks of several invullers of one gemeente and date.
    They must name different invullers and share the definition: clashes() says which do not
    (a caller that combines them anyway gets a ValueError). `questionnaire` gives the order of
    the differences and the pillars' names; without it, question ids in order."""
    if len(measurements) < 2:
        raise ValueError("combine() needs the measurements of at least two invullers")
    if clashes(measurements):
        raise ValueError("these measurements cannot be combined; see clashes()")
    ms = sorted(measurements, key=lambda m: (invuller_key(m.ingevuld_door), m.source))
    people = [invuller(m) for m in ms]
    first = ms[0]
    order = [qq.id for qq in questionnaire.questions] if questionnaire else []
    ids = order + sorted({qid for m in ms for qid in m.answers} - set(order))
    answers: dict[str, Answer] = {}
    differences: list[Difference] = []
    resolved: set[tuple[str, str, str, str]] = set()
    for qid in ids:
        if all(qid not in m.answers for m in ms):
            continue                    # in no workbook: each says so in its own findings
        given = [(p, m.answers.get(qid) or Answer(qid, EMPTY)) for p, m in zip(people, ms)]
        taken, why = combine_answers(qid, given)
        answers[qid] = taken
        if why is not None:
            differences.append(Difference(qid, tuple(given), taken, why))
        for p, a in given:
            if a.kind in _RESOLVABLE and taken.kind != a.kind:
                resolved.add((_RESOLVABLE[a.kind], p.source, a.sheet, a.cell))
    source = " + ".join(_name(m.source) for m in ms)
    findings: list[Finding] = []
    from .text import display
    shown = {(code, display(src), display(sh), display(c)) for code, src, sh, c in resolved}
    part_findings = [f for m in ms for f in m.findings if (f.code, f.file, f.sheet, f.cell) not in shown]
    ambitie: dict[str, int] = {}
    pillar_name = {p.id: p.name for p in questionnaire.pillars} if questionnaire else {}
    for pid in dict.fromkeys(pid for m in ms for pid in m.ambitie):
        said = [(p, m.ambitie[pid]) for p, m in zip(people, ms) if pid in m.ambitie]
        ambitie[pid] = min(v for _, v in said)
        if len({v for _, v in said}) > 1:
            findings.append(finding("ambitie_verschilt", file=source, datum=_when(first),
                                    pijler=pillar_name.get(pid, pid), gekozen=ambitie[pid],
                                    wie=", ".join(f"{p.name} fase {v}" for p, v in said)))
    digest = hashlib.sha256("".join(sorted(m.sha256 + "\n" for m in ms)).encode()).hexdigest()
    combined = Measurement(
        gemeente=first.gemeente, regio=next((m.regio for m in ms if m.regio), ""), datum=first.datum,
        soort=next((m.soort for m in ms if m.soort), ""),
        ingevuld_door="; ".join(p.name for p in people),
        geraadpleegd=_merge_list([m.geraadpleegd for m in ms]), ambitie=ambitie,
        questionnaire_id=first.questionnaire_id, questionnaire_version=first.questionnaire_version,
        answers=answers, source=source, sha256=digest, findings=part_findings,
        meta_cells={}, invullers=people, differences=differences)
    findings.insert(0, finding("invullers_samengenomen", file=source, gemeente=first.gemeente, datum=_when(first),
                               aantal=len(ms), namen=combined.ingevuld_door, verschillen=len(differences)))
    return Combined(combined, differences, findings)
