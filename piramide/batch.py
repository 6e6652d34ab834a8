"""Read and score many files: on every core when there are many, with a progress bar on a
terminal, and a bad file reported without stopping the others."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReadError
from .findings import FOUT, Finding, finding, has_errors

if TYPE_CHECKING:
    from .actionplan import CarriedPlan
    from .history import Trend
    from .model import Questionnaire
    from .scoring import Result

PARALLEL_FROM = 12          # below this, starting worker processes costs more than it saves
UNCERTAIN = {"antwoord_leeg", "antwoord_weet_niet"}
VERWERKT, MISLUKT, OVERGESLAGEN = "verwerkt", "mislukt", "overgeslagen"


@dataclass
class Outcome:
    """What became of one input of a run, with its own findings (failed inputs too)."""
    path: Path
    status: str                                  # verwerkt, mislukt or overgeslagen
    result: Result | None = None                 # scored, also when findings hold a fout
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == MISLUKT

    @property
    def skipped(self) -> bool:
        return self.status == OVERGESLAGEN

    @property
    def lines(self) -> list[str]:
        """The findings rendered in Dutch, one line each."""
        if self.skipped:
            return [f"overgeslagen: {f.file}: {f.message}" for f in self.findings]
        return [f.render() for f in self.findings]


@dataclass
class Run:
    """The report of one run over many inputs (after frictionless' Report): every input with
    its findings, failed and skipped ones included, and the measurements of each gemeente over
    time. `valid` when no input failed; `dashboards` holds what the caller wrote, per gemeente."""
    inputs: list[Outcome]
    trends: list[Trend] = field(default_factory=list)
    dashboards: dict[str, Path] = field(default_factory=dict)
    plans: dict[str, CarriedPlan] = field(default_factory=dict)     # per gemeente: the action plan carried over

    @property
    def valid(self) -> bool:
        return not any(o.failed for o in self.inputs)

    @property
    def results(self) -> list[Result]:
        return [o.result for o in self.inputs if o.status == VERWERKT and o.result is not None]

    @property
    def findings(self) -> list[Finding]:
        return [f for o in self.inputs for f in o.findings] + [f for t in self.trends for f in t.findings] + \
            [f for p in self.plans.values() for f in p.findings]

    def to_dict(self) -> dict:
        from .serialize import run_to_dict
        return run_to_dict(self)


def _judge(findings: list[Finding], strict: bool) -> tuple[list[Finding], bool]:
    """--strict makes empty answers and 'weet niet' a fout: their severity changes, not their text."""
    if strict:
        findings = [replace(f, severity=FOUT, strict=True) if f.code in UNCERTAIN and f.severity != FOUT else f
                    for f in findings]
    return findings, has_errors(findings)


_CANDIDATES: list = []


def _watch_parent() -> None:
    """In a worker: end when the parent is gone (killed with SIGKILL, say), so that no worker
    lingers with confidential data in memory."""
    import threading
    import time
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="piramide-parent-watch").start()


def _init(candidates, worker: bool = False):
    global _CANDIDATES
    _CANDIDATES = candidates
    if worker:
        _watch_parent()


def _read_one(path: Path):
    """In a worker: the expensive part, reading. Returns the Measurement and the index of the
    definition it was read with (a small answer to send back), or the finding that says why
    the file could not be read. Whatever one file does, the others are still read."""
    from .reader import read_with
    try:
        m, q = read_with(path, _CANDIDATES)
    except ReadError as exc:
        return None, -1, exc.finding
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the rest of the batch
        return None, -1, finding("invoer_intern", file=str(path), detail=type(exc).__name__)
    return m, _CANDIDATES.index(q), None       # Candidates.index: by identity, loading nothing


def score_files(paths: list[Path], candidates: Sequence, strict: bool = False, progress: bool | None = None,
                workers: int | None = None) -> list[Outcome]:
    """Outcomes in the order of `paths`, whatever the number of processes. Workers read;
    scoring (under a millisecond a file) happens here, each read as it arrives (not after the
    last one, when one core would sit idle), so no definition crosses a process."""
    from .scoring import score
    if progress is None:
        progress = sys.stderr.isatty()
    paths = [Path(p) for p in paths]
    workers = workers or os.cpu_count() or 1
    _init(candidates)

    def outcomes(reads):
        for path, (m, qi, problem) in zip(paths, reads):
            if m is None:
                status = OVERGESLAGEN if problem.code == "eigen_uitvoer" else MISLUKT
                yield Outcome(path, status, None, [problem])
                continue
            try:
                r = score(m, candidates[qi])
            except Exception as exc:  # noqa: BLE001 - a bug in scoring must not cost the rest of the batch
                yield Outcome(path, MISLUKT, None, [finding("invoer_intern", file=str(path), detail=type(exc).__name__)])
                continue
            r.findings, failed = _judge(r.findings, strict)
            yield Outcome(path, MISLUKT if failed else VERWERKT, r, r.findings)

    if len(paths) < PARALLEL_FROM or workers == 1:
        return _with_bar(outcomes(map(_read_one, paths)), len(paths), progress)
    from concurrent.futures import ProcessPoolExecutor  # only for many files: its import costs 20 ms
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(candidates, True)) as pool:
        reads = pool.map(_read_one, paths, chunksize=max(1, len(paths) // (workers * 8)))
        return _with_bar(outcomes(reads), len(paths), progress)


def run(paths: list[Path], candidates: Sequence[Questionnaire], strict: bool = False, progress: bool | None = None,
        workers: int | None = None, problems: list[Finding] | None = None, surveys=None,
        minimum_group: int | None = None) -> Run:
    """Read and score every input and group the measurements per gemeente: one Run.
    `problems` are findings about inputs that were never files (a folder that could not be
    read); they count as failed inputs. `surveys`: survey exports read (survey.Responses)
    that answer the linked questions of each gemeente's latest measurement."""
    from .history import build_trends
    outcomes = [Outcome(Path(f.file), MISLUKT, None, [f]) for f in problems or []]
    outcomes += score_files(paths, candidates, strict, progress, workers)
    if surveys:
        _apply_surveys(outcomes, surveys, strict, minimum_group)
    _invullers_clash(outcomes)
    r = Run(outcomes)
    r.trends = build_trends(r.results)
    _invullers_left_out(r)
    return r


def _apply_surveys(outcomes: list[Outcome], exports, strict: bool, minimum_group: int | None) -> None:
    """The survey answers the linked questions of the latest measurement of each gemeente
    (earlier measurements keep what they were); those are scored again. An export without a
    column Gemeente belongs to the one gemeente of the run; with several, it is a fout."""
    import datetime as dt

    from .history import group_key
    from .scoring import score
    from .survey_aggregate import aggregate, pool
    from .survey_link import fill
    done = [o for o in outcomes if o.status != OVERGESLAGEN and o.result is not None]
    latest: dict[str, dt.date] = {}
    for o in done:
        m = o.result.measurement if o.result else None
        if m is None or m.datum is None:
            continue
        k = group_key(m.gemeente)
        latest[k] = max(latest.get(k) or m.datum, m.datum)
    has_column = any(r.gemeente for e in exports for r in e.rows)
    in_export = {group_key(r.gemeente) for e in exports for r in e.rows if r.gemeente}
    for o in done:
        r = o.result
        if r is None:
            continue
        m = r.measurement
        if m.datum is None or latest.get(group_key(m.gemeente)) != m.datum:
            continue
        if not has_column and len(latest) > 1:
            extra = [finding("enq_welke_gemeente", file=str(exports[0].sources[0][0]), aantal=len(latest))]
        elif has_column and group_key(m.gemeente) not in in_export:      # a region's export without this one
            extra = [finding("enq_gemeente_niet_in_export", file=m.source, gemeente=m.gemeente,
                             export=str(exports[0].sources[0][0]))]
        else:
            pooled = pool(exports, m.gemeente if has_column else None)
            result = aggregate(pooled, minimum_group)
            extra = [f for f in result.findings if f.severity == FOUT] + \
                [f for f in result.findings if f.severity != FOUT and f.code.startswith("enq_weinig")]
            if not has_errors(extra):
                r = score(fill(m, r.questionnaire, result), r.questionnaire)
        findings, failed = _judge(r.findings + [f for f in extra if f not in r.findings], strict)
        r.findings = findings
        o.result, o.findings = r, findings
        o.status = MISLUKT if failed else VERWERKT


# --- several invullers, one measurement (combine.py, history.invuller_sets) ----------------

def _invullers_clash(outcomes: list[Outcome]) -> None:
    """The same invuller twice on one date, or invullers of one date with different
    definitions: a fout on each of those inputs, which then fail (exit code 1, no part in
    the measurement of that date)."""
    from .history import invuller_clashes
    done = [o for o in outcomes if o.status == VERWERKT and o.result is not None]
    for res, f in invuller_clashes([o.result for o in done if o.result is not None]):
        o = next(o for o in done if o.result is res)
        o.findings = o.findings + [f]
        o.status = MISLUKT


def _invullers_left_out(run: Run) -> None:
    """A measurement of several invullers made without one of them (its workbook failed)
    says so, so that nobody takes it for the whole."""
    from .combine import invuller_key
    from .history import group_key
    for o in run.inputs:
        m = o.result.measurement if o.failed and o.result is not None else None
        if m is None or m.datum is None or not invuller_key(m.ingevuld_door):
            continue
        for t in run.trends:
            for r in t.results:
                s = r.measurement
                if (s.datum == m.datum and group_key(s.gemeente) == group_key(m.gemeente)
                        and invuller_key(s.ingevuld_door) and invuller_key(s.ingevuld_door) != invuller_key(m.ingevuld_door)):
                    t.findings.append(finding("invuller_niet_meegeteld", file=s.source, gemeente=s.gemeente,
                                              datum=f"{m.datum:%d-%m-%Y}", bestand=Path(m.source).name,
                                              naam=m.ingevuld_door))


def _with_bar(it, n: int, progress: bool, label: str = "Bestanden lezen") -> list:
    if not progress:
        return list(it)
    import click
    with click.progressbar(it, length=n, label=label, file=sys.stderr) as bar:
        return list(bar)


def _write_one(job) -> str:
    trend, target, replace, *more = job          # more: the action plan carried over, when there is one
    from .dashboard import write_dashboard
    from .output import OutputError
    from .text import display
    try:
        write_dashboard(trend.latest, target, trend=trend, replace=replace, plan=more[0] if more else None)
    except OutputError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one dashboard must not cost the others
        return f"{display(str(target))}: onverwachte fout bij het schrijven ({type(exc).__name__}); meld dit."
    return ""


def write_dashboards(jobs: list[tuple], workers: int | None = None, progress: bool | None = None) -> list[str]:
    """Write (trend, target, replace[, plan]) dashboards, on every core when there are many; per job
    the error message, or "" when it was written."""
    if progress is None:
        progress = sys.stderr.isatty()
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers == 1:
        return _with_bar(map(_write_one, jobs), len(jobs), progress, "Dashboards schrijven")
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers, initializer=_watch_parent) as pool:
        return _with_bar(pool.map(_write_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))),
                         len(jobs), progress, "Dashboards schrijven")


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _listed(name: str) -> bool:
    """A workbook to read: not an Office lock file or our temporary file. Our own outputs are
    read too and recognised by their mark, so that each is left out with a line saying so."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", ".~"))


def find_workbooks(folder: Path, recursive: bool = True) -> tuple[list[Path], list[Finding]]:
    """The workbooks in `folder` (with subfolders when recursive), sorted, and a finding for
    each folder that could not be read: nothing is skipped without a word. Links to folders
    are not followed, so a loop of links cannot hang the search."""
    found: list[Path] = []
    problems: list[Finding] = []

    def unreadable(exc: OSError) -> None:
        problems.append(finding("map_onleesbaar", file=str(exc.filename or folder),
                                detail=exc.strerror or type(exc).__name__))
    if recursive:
        for root, dirs, names in os.walk(folder, onerror=unreadable):
            dirs.sort()
            found += [Path(root) / n for n in names if _listed(n)]
    else:
        try:
            found = [folder / n for n in os.listdir(folder) if _listed(n)]
        except OSError as exc:
            unreadable(exc)
    return sorted(found), problems
