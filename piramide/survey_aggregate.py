"""Responses -> what may be shown (SurveyResult). Pure, like scoring.

The small-group rule, which every figure passes:
- a set of respondents smaller than the minimum (default 5) shows no figures: not a group of
  a grouping, not the answers of a group to one question, not the whole survey;
- subtraction cannot undo that: when the hidden parts of a split (the groups of afdeling, or
  the groups' answers to one question) hold together fewer than the minimum, the smallest
  shown part is hidden as well, until what is hidden holds at least the minimum. Then the
  total minus the shown parts gives only the sum of at least `minimum` people;
- hidden groups are not named (a free-text afdeling may be a person), and their respondents
  count only in the totals;
- free text is given only when asked for, only for the whole survey (never per group), only
  when the survey shows figures, sorted so that the order says nothing about who wrote it.
"""

from __future__ import annotations

from .findings import finding
from .labels import norm
from .survey import (GROEP, KEUZE, MIN_GROUP, OPEN, GroupingResult, GroupResult, IndicatorResult, Response, Responses,
                     Survey, SurveyResult, Tally)


def hidden_parts(sizes: dict[str, int], minimum: int) -> set[str]:
    """The parts of a split to hide: every part with 1..minimum-1 members, and then, while
    the hidden parts hold together 1..minimum-1 members, the smallest shown part (so that no
    one is found by subtracting the shown parts from the total). Empty parts hide nothing."""
    hidden = {p for p, n in sizes.items() if 0 < n < minimum}
    while 0 < sum(sizes[p] for p in hidden) < minimum:
        rest = sorted((n, p) for p, n in sizes.items() if p not in hidden and n > 0)
        if not rest:
            break
        hidden.add(rest[0][1])
    return hidden


def pool(exports: list[Responses], gemeente: str | None = None) -> Responses:
    """The responses of several exports of one gemeente as one set. With `gemeente`, only the
    rows of that gemeente (when the exports have a column Gemeente). Raises nothing: a second
    gemeente without a choice is a fout finding on the result."""
    if not exports:
        raise ValueError("no exports")
    survey = exports[0].survey
    out = Responses(survey)
    seen: dict[str, str] = {}
    for e in exports:
        digest = e.sources[0][1] if e.sources else ""
        same = _same_answers(e)
        if digest in seen or same in seen:
            code = "enq_export_dubbel" if digest in seen else "enq_export_zelfde_antwoorden"
            out.findings.append(finding(code, file=e.sources[0][0] if e.sources else "",
                                        ander=seen.get(digest) or seen[same]))
            continue
        for key in (digest, same):
            if key:
                seen[key] = e.sources[0][0] if e.sources else ""
        out.sources.extend(e.sources)
        out.findings.extend(e.findings)
        out.asked |= e.asked
        out.dropped_columns.extend(c for c in e.dropped_columns if c not in out.dropped_columns)
        if e.period and (not out.period or _month_key(e.period) > _month_key(out.period)):
            out.period = e.period
        out.rows.extend(e.rows)
    named: dict[str, str] = {}
    for r in out.rows:
        if r.gemeente:
            named.setdefault(norm(r.gemeente), r.gemeente)
    if gemeente:
        if named and norm(gemeente) not in named:
            out.findings.append(finding("enq_gemeente_onbekend", file=exports[0].sources[0][0], gemeente=gemeente,
                                        gemeenten=", ".join(sorted(named.values()))))
            out.rows = []
        elif named:
            out.rows = [r for r in out.rows if norm(r.gemeente) == norm(gemeente)]
        out.gemeente = named.get(norm(gemeente), gemeente)
    elif len(named) > 1:
        out.findings.append(finding("enq_gemeenten_meerdere", file=exports[0].sources[0][0],
                                    gemeenten=", ".join(sorted(named.values()))))
    elif named:
        out.gemeente = next(iter(named.values()))
    return out


def _same_answers(e: Responses) -> str:
    """What an export says, whatever its format: the same survey exported twice (as .xlsx and as
    .csv, say) has the same multiset of responses. Empty for a set too small to tell."""
    import hashlib
    if len(e.rows) < MIN_GROUP:
        return ""
    rows = sorted(repr((sorted(r.answers.items()), sorted(r.groups.items()), sorted(r.texts.items()), r.gemeente))
                  for r in e.rows)
    return "antwoorden:" + hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()


def split_by_gemeente(exports: list[Responses]) -> dict[str, Responses]:
    """For the region: the pooled responses per gemeente named in a column Gemeente."""
    names: dict[str, str] = {}
    for e in exports:
        for r in e.rows:
            if r.gemeente:
                names.setdefault(norm(r.gemeente), r.gemeente)
    return {name: pool(exports, name) for name in names.values()}


def _month_key(period: str) -> tuple[int, int]:
    from .survey_reader import MONTHS
    month, _, year = period.partition(" ")
    return (int(year), MONTHS.index(month) + 1) if year.isdigit() and month in MONTHS else (0, 0)


def _tally(survey: Survey, qid: str, rows: list[Response]) -> dict[str, int]:
    counted = {c.label for c in survey.scale(survey.question(qid).scale_id).choices if c.counted}
    counts: dict[str, int] = {}
    for r in rows:
        label = r.answers.get(qid)
        if label in counted:
            counts[label] = counts.get(label, 0) + 1
    return counts


def aggregate(responses: Responses, minimum: int | None = None, texts: bool = False) -> SurveyResult:
    """The figures that may be shown. `minimum` may raise the definition's minimum group size,
    never lower it (a lower one is a ValueError: the CLI says so in Dutch before it comes here)."""
    survey = responses.survey
    k = max(survey.min_group, MIN_GROUP)
    if minimum is not None:
        if minimum < k:
            raise ValueError(f"minimum {minimum} below {k}")
        k = minimum
    rows = responses.rows
    total = len(rows)
    shown = total >= k
    findings = list(responses.findings)
    if rows and not shown:
        findings.append(finding("enq_weinig_respondenten", file=responses.sources[0][0] if responses.sources else "",
                                aantal=total, minimum=k, van=f" van {responses.gemeente}" if responses.gemeente else ""))
    keuze = [q for q in survey.of_kind(KEUZE) if q.id in responses.asked]
    raw = {q.id: _tally(survey, q.id, rows) for q in keuze}
    tallies = {qid: _shown_tally(c, shown and sum(c.values()) >= k) for qid, c in raw.items()}
    indicators = _indicators(survey, tallies, responses.asked)

    groupings = []
    for gq in survey.of_kind(GROEP):
        if gq.id not in responses.asked:
            continue
        members: dict[str, list[Response]] = {}
        for r in rows:
            members.setdefault(r.groups.get(gq.id) or "", []).append(r)
        sizes = {g: len(m) for g, m in members.items()}
        hidden = hidden_parts(sizes, k) if shown else set(sizes)
        visible = [g for g in members if g not in hidden]
        # per question: the answers of each visible group, with the same rule within the question
        group_tallies: dict[str, dict[str, Tally]] = {g: {} for g in visible}
        for q in keuze:
            counts = {g: _tally(survey, q.id, m) for g, m in members.items()}
            n = {g: sum(c.values()) for g, c in counts.items()}
            # hidden groups' answers stay hidden; their answers join the hidden total of the question
            q_hidden = hidden_parts({g: n[g] for g in members}, k) | hidden
            while 0 < sum(n[g] for g in q_hidden) < k:
                rest = sorted((n[g], g) for g in members if g not in q_hidden and n[g] > 0)
                if not rest:
                    break
                q_hidden.add(rest[0][1])
            for g in visible:
                group_tallies[g][q.id] = _shown_tally(counts[g], g not in q_hidden and tallies[q.id].shown)
        groups = [GroupResult(g, sizes[g], True, group_tallies[g], _indicators(survey, group_tallies[g], responses.asked))
                  for g in sorted(visible, key=lambda g: (-sizes[g], norm(g)))]
        groupings.append(GroupingResult(gq, tuple(groups), len(hidden), sum(sizes[g] for g in hidden)))

    free: dict[str, list[str]] = {}
    if texts and shown:
        for q in survey.of_kind(OPEN):
            if q.id in responses.asked:
                free[q.id] = sorted((r.texts[q.id] for r in rows if r.texts.get(q.id)), key=norm)
    return SurveyResult(survey, responses.gemeente, responses.period, list(responses.sources), k, total, shown,
                        tallies, indicators, groupings, set(responses.asked), free, list(responses.dropped_columns),
                        findings)


def _shown_tally(counts: dict[str, int], shown: bool) -> Tally:
    n = sum(counts.values())
    return Tally(n, dict(counts), True) if shown else Tally(0, {}, False)


def _indicators(survey: Survey, tallies: dict[str, Tally], asked: set[str]) -> dict[str, IndicatorResult]:
    out = {}
    for ind in survey.indicators:
        t = tallies.get(ind.question_id)
        if ind.question_id not in asked or t is None:
            out[ind.id] = IndicatorResult(ind, 0, None, None, asked=False)
            continue
        share = t.share(ind.answers)
        out[ind.id] = IndicatorResult(ind, t.n if t.shown else 0, share,
                                      None if share is None else ind.meets(share))
    return out
