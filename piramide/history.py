"""Compare the measurements of one municipality over time. Pure: Results in, Trends out.

Items are matched by stable id; where a newer definition says an item `vervangt` older ids,
the chain of those references is followed. What cannot be matched is named, never dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import optional
from .combine import clashes, combine, invuller_key
from .findings import Finding, finding
from .gemeenten import is_official, lookup, match_key
from .model import Questionnaire
from .scoring import MET, STATUSES, IndicatorResult, PillarResult, Result
from .text import for_file, round_pct

# Higher is better, for "what moved": n.v.t. and behaald both count as met.
STATUS_RANK = {"niet behaald": 0, "onbekend": 1, "deels": 2, "behaald": 3, "n.v.t.": 3}
assert set(STATUS_RANK) == set(STATUSES)


def gemeente_key(name: str) -> str:
    """One key for spellings of one municipality: "'s-Hertogenbosch" = "s-Hertogenbosch".
    Letters of every script count (accents dropped), so "Москва" and "Київ" stay two.
    (The anonymous codes are made from this key: it stays as it is.)"""
    return match_key(name)


def group_key(name: str) -> str:
    """The key measurements are grouped by: the CBS code where the name is a Dutch gemeente
    (so "Den Haag" joins "'s-Gravenhage", and Bergen (NH.) never joins Bergen (L.)), else
    gemeente_key. Names with one gemeente_key always get one group_key."""
    g = lookup(name)
    return f"cbs:{g.code}" if g else f"naam:{gemeente_key(name)}"


def choose_name(names: list[str]) -> tuple[str, str]:
    """The spelling to show for one municipality typed as `names` (oldest measurement first),
    and why: the official name when one of them is it, else the most frequent spelling, on a
    tie the one used last."""
    official = [g for n in names if is_official(n) and (g := lookup(n)) is not None]
    if official:
        return official[-1].naam, f"de officiële naam (CBS {official[-1].code})"
    counts = Counter(names)
    top = max(counts.values())
    chosen = next(n for n in reversed(names) if counts[n] == top)
    if list(counts.values()).count(top) > 1:
        return chosen, f"de meest gebruikte schrijfwijze ({top} van {len(names)} metingen; bij gelijke stand die van de laatste meting)"
    return chosen, f"de meest gebruikte schrijfwijze ({top} van {len(names)} metingen)"


def _lineage(ids: set[str], questionnaires: list[Questionnaire], kind: str) -> set[str]:
    """All ids an item stands for, following `vervangt` back through every known version."""
    replaces: dict[str, set[str]] = {}
    for q in questionnaires:
        for item in (q.questions if kind == "question" else q.indicators):
            replaces.setdefault(item.id, set()).update(item.replaces)
    out, todo = set(ids), list(ids)
    while todo:
        for old in replaces.get(todo.pop(), ()):
            if old not in out:
                out.add(old)
                todo.append(old)
    return out


@dataclass
class IndicatorTrend:
    indicator_id: str
    name: str
    pillar_id: str
    phase: int
    statuses: list[str | None]      # per measurement, None when not comparable there
    change: str                     # since the previous measurement

    @property
    def delta(self) -> int:
        a, b = self.statuses[-2] if len(self.statuses) > 1 else None, self.statuses[-1]
        if a is None or b is None:
            return 0
        return STATUS_RANK[b] - STATUS_RANK[a]


@dataclass
class AnswerChange:
    question_id: str
    pillar_id: str
    text: str
    before: str
    before_remark: str
    after: str
    after_remark: str


@dataclass
class Trend:
    gemeente: str
    results: list[Result]                          # in date order; the last is the latest
    findings: list[Finding] = field(default_factory=list)
    code: str | None = None                        # CBS gemeentecode ("GM0796"), None when not a Dutch gemeente

    @property
    def latest(self) -> Result:
        return self.results[-1]

    @property
    def previous(self) -> Result | None:
        return self.results[-2] if len(self.results) > 1 else None

    @property
    def baseline(self) -> Result:
        """The 0-meting: the first measurement called so, else the earliest."""
        return next((r for r in self.results if r.measurement.soort == "0-meting"), self.results[0])

    def labels(self) -> list[str]:
        """The axis: the municipality's own dates (with the file name where a date repeats)."""
        dates = [r.measurement.datum.strftime("%d-%m-%Y") if r.measurement.datum else "?" for r in self.results]
        return [d if dates.count(d) == 1 else f"{d} ({for_file(Path(r.measurement.source).stem)})"
                for d, r in zip(dates, self.results)]

    def _questionnaires(self) -> list[Questionnaire]:
        return [r.questionnaire for r in self.results]

    def pillar_series(self) -> list[tuple[str, str, list[PillarResult | None]]]:
        """Per pillar of the latest definition: its result at every measurement."""
        out = []
        for p in self.latest.questionnaire.pillars:
            row = []
            for r in self.results:
                row.append(next((pr for pr in r.pillars if pr.pillar.id == p.id), None))
            out.append((p.id, p.name, row))
        return out

    def _match_indicator(self, r: Result, ids: set[str]) -> IndicatorResult | None:
        for pr in r.pillars:
            for ir in pr.indicators:
                if ir.indicator.id in ids:
                    return ir
        return None

    def indicators(self) -> list[IndicatorTrend]:
        qs = self._questionnaires()
        out = []
        for ind in self.latest.questionnaire.indicators:
            ids = _lineage({ind.id}, qs, "indicator")
            statuses = [(ir.status if (ir := self._match_indicator(r, ids)) else None) for r in self.results]
            out.append(IndicatorTrend(ind.id, ind.name, ind.pillar_id, ind.phase, statuses,
                                      _change(statuses)))
        return out

    def answer_changes(self) -> list[AnswerChange]:
        """Answers that differ between the previous and the latest measurement."""
        prev = self.previous
        if prev is None:
            return []
        qs = self._questionnaires()
        latest = self.latest
        out = []
        for qq in latest.questionnaire.questions:
            ids = _lineage({qq.id}, qs, "question")
            before = next((prev.measurement.answers[i] for i in ids if i in prev.measurement.answers), None)
            after = latest.measurement.answers.get(qq.id)
            if before is None or after is None:
                continue
            b, a = _word(before), _word(after)
            if b != a:
                out.append(AnswerChange(qq.id, latest.questionnaire.pillar_of(qq).id, qq.text,
                                        b, before.remark, a, after.remark))
        return out

    def not_comparable(self) -> list[str]:
        """Ids of earlier measurements that the latest definition no longer knows, and new ones."""
        qs = self._questionnaires()
        latest_q = self.latest.questionnaire
        known_q = _lineage({q.id for q in latest_q.questions}, qs, "question")
        known_i = _lineage({i.id for i in latest_q.indicators}, qs, "indicator")
        out = []
        for r in self.results[:-1]:
            q = r.questionnaire
            if (q.id, q.version) != (latest_q.id, latest_q.version):
                phases = lambda qq: ", ".join(f"{p.number} {p.name}" for p in qq.phases)  # noqa: E731
                differ = (f" De fasen verschillen ({q.version}: {phases(q)}; {latest_q.version}: {phases(latest_q)})."
                          if phases(q) != phases(latest_q) else "")
                out.append(f"{r.measurement.datum:%d-%m-%Y} is gemeten met {q.id} {q.version}, de laatste meting met "
                           f"{latest_q.version}: de vragen zijn anders ingedeeld, dus fase en score zijn tussen deze "
                           f"metingen alleen bij benadering te vergelijken.{differ} Indicatoren en antwoorden zijn "
                           f"vergeleken via 'vervangt'.")
            gone = [x.id for x in q.questions if x.id not in known_q] + \
                   [x.id for x in q.indicators if x.id not in known_i]
            if gone:
                out.append(f"{r.measurement.datum:%d-%m-%Y} ({q.id} {q.version}): niet meer in de huidige "
                           f"vragenlijst: {', '.join(gone)}")
        for ind in self.indicators():
            if any(s is None for s in ind.statuses[:-1]):
                missing = [lbl for lbl, s in zip(self.labels(), ind.statuses) if s is None]
                out.append(f"Indicator {ind.indicator_id} bestond nog niet op {', '.join(missing)}")
        return out

    def movers(self) -> dict[str, list]:
        """Since the previous measurement: pillars and indicators that moved most, each way."""
        if self.previous is None:
            return {"pillars_up": [], "pillars_down": [], "indicators_up": [], "indicators_down": []}
        deltas = []
        for pid, name, row in self.pillar_series():
            a, b = row[-2], row[-1]
            if a is None or b is None or a.score is None or b.score is None:
                continue
            # in whole points, the difference of the scores as the workbooks show them
            deltas.append((round_pct(b.score) - round_pct(a.score), b.phase - a.phase, pid, name))
        inds = self.indicators()
        # The phase decides the direction; the score only when the phase stayed: a pillar is
        # never both up and down.
        way = lambda d: d[1] if d[1] else d[0]  # noqa: E731
        return {
            "pillars_up": sorted([d for d in deltas if way(d) > 0], key=lambda d: (-d[1], -d[0])),
            "pillars_down": sorted([d for d in deltas if way(d) < 0], key=lambda d: (d[1], d[0])),
            "indicators_up": sorted([i for i in inds if i.delta > 0], key=lambda i: (-i.delta, i.phase)),
            "indicators_down": sorted([i for i in inds if i.delta < 0], key=lambda i: (i.delta, i.phase)),
        }

    def to_dict(self) -> dict:
        from .serialize import trend_to_dict
        return trend_to_dict(self)

    def to_frame(self):
        from .serialize import TREND_COLUMNS, questionnaire_label
        pd = optional.pandas()  # analysts only
        rows = [{"gemeente": self.gemeente, "datum": r.measurement.datum, "soort": r.measurement.soort,
                 "vragenlijst": questionnaire_label(r.questionnaire), "pijler": p.pillar.id,
                 "pijler_naam": p.pillar.name, "fase": p.phase, "score": p.score}
                for r in self.results for p in r.pillars]
        return pd.DataFrame(rows, columns=TREND_COLUMNS)


def _word(answer) -> str:
    return answer.label or ("leeg" if answer.kind == "leeg" else f"ongeldig ({answer.raw})")


def _change(statuses: list[str | None]) -> str:
    now = statuses[-1]
    before = statuses[-2] if len(statuses) > 1 else None
    if len(statuses) == 1:
        return "behaald" if now in MET else "open"
    if before is None:
        return "nieuw in deze versie"
    if now in MET and before not in MET:
        return "nieuw behaald"
    if now not in MET and before in MET:
        return "verloren"
    return "behaald gebleven" if now in MET else "nog open"


def build_trends(results: list[Result]) -> list[Trend]:
    """Group results by municipality, order by date, drop exact duplicates: argument order
    never changes the outcome."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(group_key(r.measurement.gemeente), []).append(r)
    trends = []
    for key in sorted(groups):
        items = sorted(groups[key], key=lambda r: (r.measurement.datum is None, r.measurement.datum,
                                                   r.measurement.sha256, r.measurement.source))
        findings: list[Finding] = []
        unique: list[Result] = []
        seen: dict[str, Result] = {}
        for r in items:
            if r.measurement.sha256 in seen:
                findings.append(finding("bestand_dubbel", file=r.measurement.source,
                                        ander=seen[r.measurement.sha256].measurement.source))
                continue
            seen[r.measurement.sha256] = r
            unique.append(r)
        unique, combined = _combine_invullers(unique)
        findings += combined
        # Same date, different content: keep both, order them by file name, say which is latest.
        unique.sort(key=lambda r: (r.measurement.datum is None, r.measurement.datum,
                                   Path(r.measurement.source).name, r.measurement.sha256))
        by_date: dict = {}
        for r in unique:
            by_date.setdefault(r.measurement.datum, []).append(r)
        for datum, same in by_date.items():
            if len(same) > 1 and datum is not None:
                findings.append(finding("datum_dubbel", file=same[-1].measurement.source,
                                        gemeente=same[-1].measurement.gemeente, datum=f"{datum:%d-%m-%Y}",
                                        bestanden=", ".join(Path(r.measurement.source).name for r in same),
                                        gekozen=Path(same[-1].measurement.source).name))
        typed = [r.measurement.gemeente for r in unique]
        chosen, why = choose_name(typed)
        if len(set(typed)) > 1:
            counts = Counter(typed)
            findings.append(finding("gemeente_spelling", file=unique[-1].measurement.source,
                                    namen=", ".join(f"“{n}” ({counts[n]}×)" for n in sorted(counts)),
                                    gekozen=f"“{chosen}”", reden=why))
        g = lookup(chosen)
        trends.append(Trend(chosen, unique, findings, g.code if g else None))
    return sorted(trends, key=lambda t: (gemeente_key(t.gemeente), t.gemeente))


# --- several invullers, one measurement (combine.py) ---------------------------------------

def invuller_sets(results: list[Result]) -> list[list[Result]]:
    """Results of one gemeente and date (a file counted once) that form one measurement of
    several invullers: two or more, and every one of that date names its invuller. Dates
    with an unnamed workbook stay as they were (datum_dubbel: most likely an old and a new
    version of one file, which nothing here can tell apart from two invullers)."""
    groups: dict[tuple, list[Result]] = {}
    seen: set[str] = set()
    for r in results:
        m = r.measurement
        if m.datum is None or m.sha256 in seen or m.invullers:
            continue
        seen.add(m.sha256)
        groups.setdefault((group_key(m.gemeente), m.datum), []).append(r)
    return [g for g in groups.values()
            if len(g) > 1 and all(invuller_key(r.measurement.ingevuld_door) for r in g)]


def invuller_clashes(results: list[Result]) -> list[tuple[Result, Finding]]:
    """The results that cannot join their date's measurement (the same invuller twice, another
    definition), each with its fout."""
    out = []
    for g in invuller_sets(results):
        out += [(g[i], f) for i, f in clashes([r.measurement for r in g])]
    return out


def _combine_invullers(results: list[Result]) -> tuple[list[Result], list[Finding]]:
    """Per date, the workbooks of different invullers replaced by their combination, scored
    like any measurement; clashing ones left out, each with its fout (never silently)."""
    from .scoring import score
    findings: list[Finding] = []
    drop: set[int] = set()
    added: list[Result] = []
    for g in invuller_sets(results):
        bad = clashes([r.measurement for r in g])
        findings += [f for _, f in bad]
        left_out = {i for i, _ in bad}
        drop |= {id(g[i]) for i in left_out}
        ok = [r for i, r in enumerate(g) if i not in left_out]
        if len(ok) > 1:
            q = ok[0].questionnaire
            c = combine([r.measurement for r in ok], q)
            drop |= {id(r) for r in ok}
            added.append(score(c.measurement, q))
            findings += c.findings
    return [r for r in results if id(r) not in drop] + added, findings
