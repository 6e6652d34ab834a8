"""Read and score many files: on every core when there are many, with a progress bar on a
terminal, and a bad file reported without stopping the others."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, has_errors

PARALLEL_FROM = 12          # below this, starting worker processes costs more than it saves
UNCERTAIN = {"antwoord_leeg", "antwoord_weet_niet"}


@dataclass
class Outcome:
    path: Path
    result: object | None                       # scoring.Result, None when the file failed
    lines: list[str] = field(default_factory=list)   # rendered findings, in Dutch
    failed: bool = False


def _judge(findings: list[Finding], strict: bool) -> tuple[list[str], bool]:
    lines, blocking = [], False
    for f in findings:
        line = f.render()
        if strict and f.code in UNCERTAIN and f.severity != "fout":
            line = "fout (--strict): " + line.split(": ", 1)[1]
            blocking = True
        lines.append(line)
    return lines, blocking or has_errors(findings)


_CANDIDATES: list = []


def _init(candidates):
    global _CANDIDATES
    _CANDIDATES = candidates


def _read_one(path: Path):
    """In a worker: the expensive part, reading. Returns the Measurement and the index of the
    definition it was read with (a small answer to send back), or the read error's message."""
    from .reader import ReadError, read_with
    try:
        m, q = read_with(path, _CANDIDATES)
    except ReadError as exc:
        return None, -1, f"fout: {exc}"
    return m, next(i for i, c in enumerate(_CANDIDATES) if c is q), ""


def score_files(paths: list[Path], candidates: list, strict: bool = False, progress: bool | None = None,
                workers: int | None = None) -> list[Outcome]:
    """Outcomes in the order of `paths`, whatever the number of processes. Workers read;
    scoring (under a millisecond a file) happens here, so no definition crosses a process."""
    from .scoring import score
    if progress is None:
        progress = sys.stderr.isatty()
    paths = [Path(p) for p in paths]
    workers = workers or os.cpu_count() or 1
    _init(candidates)
    if len(paths) < PARALLEL_FROM or workers == 1:
        reads = _with_bar(map(_read_one, paths), len(paths), progress)
    else:
        from concurrent.futures import ProcessPoolExecutor  # only for many files: its import costs 20 ms
        with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(candidates,)) as pool:
            reads = _with_bar(pool.map(_read_one, paths, chunksize=max(1, len(paths) // (workers * 8))),
                              len(paths), progress)
    out = []
    for path, (m, qi, error) in zip(paths, reads):
        if m is None:
            out.append(Outcome(path, None, [error], True))
            continue
        r = score(m, candidates[qi])
        lines, failed = _judge(r.findings, strict)
        out.append(Outcome(path, None if failed else r, lines, failed))
    return out


def _with_bar(it, n: int, progress: bool, label: str = "Bestanden lezen") -> list:
    if not progress:
        return list(it)
    import click
    with click.progressbar(it, length=n, label=label, file=sys.stderr) as bar:
        return list(bar)


def _write_one(job) -> str:
    trend, target = job
    from .dashboard import write_dashboard
    from .output import OutputError
    try:
        write_dashboard(trend.latest, target, trend=trend)
    except OutputError as exc:
        return str(exc)
    return ""


def write_dashboards(jobs: list[tuple], workers: int | None = None, progress: bool | None = None) -> list[str]:
    """Write (trend, target) dashboards, on every core when there are many; per job the
    error message, or "" when it was written."""
    if progress is None:
        progress = sys.stderr.isatty()
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers == 1:
        return _with_bar(map(_write_one, jobs), len(jobs), progress, "Dashboards schrijven")
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return _with_bar(pool.map(_write_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))),
                         len(jobs), progress, "Dashboards schrijven")
