"""Read and score many files: on every core when there are many, with a progress bar on a
terminal, and a bad file reported without stopping the others."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
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


def _one(args) -> Outcome:
    path, strict = args
    from .reader import ReadError, read_with
    from .scoring import score
    try:
        m, q = read_with(path, _CANDIDATES)
    except ReadError as exc:
        return Outcome(path, None, [f"fout: {exc}"], True)
    r = score(m, q)
    lines, failed = _judge(r.findings, strict)
    return Outcome(path, None if failed else r, lines, failed)


def score_files(paths: list[Path], candidates: list, strict: bool = False, progress: bool | None = None,
                workers: int | None = None) -> list[Outcome]:
    """Outcomes in the order of `paths`, whatever the number of processes."""
    if progress is None:
        progress = sys.stderr.isatty()
    jobs = [(Path(p), strict) for p in paths]
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers == 1:
        _init(candidates)
        it = map(_one, jobs)
        return _with_bar(it, len(jobs), progress)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(candidates,)) as pool:
        it = pool.map(_one, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
        return _with_bar(it, len(jobs), progress)


def _with_bar(it, n: int, progress: bool) -> list[Outcome]:
    if not progress:
        return list(it)
    import click
    with click.progressbar(it, length=n, label="Bestanden lezen", file=sys.stderr) as bar:
        return list(bar)
