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
    skipped: bool = False                       # one of our own outputs: left out, not an error


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
    definition it was read with (a small answer to send back), or the read error's message
    and its code. Whatever one file does, the others are still read."""
    from .reader import ReadError, read_with
    from .text import display
    try:
        m, q = read_with(path, _CANDIDATES)
    except ReadError as exc:
        if exc.code == "eigen_uitvoer":
            return None, -1, f"overgeslagen: {exc}", exc.code
        return None, -1, f"fout: {exc}", exc.code
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the rest of the batch
        return None, -1, (f"fout: {display(str(path))}: onverwachte fout bij het lezen ({type(exc).__name__}). "
                          "De andere bestanden zijn wel verwerkt; meld dit bestand aan de beheerder van piramide."), \
            "intern"
    return m, next(i for i, c in enumerate(_CANDIDATES) if c is q), "", ""


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
        with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(candidates, True)) as pool:
            reads = _with_bar(pool.map(_read_one, paths, chunksize=max(1, len(paths) // (workers * 8))),
                              len(paths), progress)
    out = []
    for path, (m, qi, error, code) in zip(paths, reads):
        if m is None:
            skipped = code == "eigen_uitvoer"
            out.append(Outcome(path, None, [error], not skipped, skipped))
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
    trend, target, *rest = job
    replace = rest[0] if rest else True
    from .dashboard import write_dashboard
    from .output import OutputError
    from .text import display
    try:
        write_dashboard(trend.latest, target, trend=trend, replace=replace)
    except OutputError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one dashboard must not cost the others
        return f"{display(str(target))}: onverwachte fout bij het schrijven ({type(exc).__name__}); meld dit."
    return ""


def write_dashboards(jobs: list[tuple], workers: int | None = None, progress: bool | None = None) -> list[str]:
    """Write (trend, target, replace) dashboards, on every core when there are many; per job
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
    """A workbook to read: not an Office lock file, not our temporary file, not one of our
    own outputs by its default name (renamed outputs are recognised by the reader)."""
    return (name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", ".~"))
            and "-dashboard-" not in name and not name.startswith("regio-overzicht"))


def find_workbooks(folder: Path, recursive: bool = True) -> tuple[list[Path], list[str]]:
    """The workbooks in `folder` (with subfolders when recursive), sorted, and a Dutch
    message for each folder that could not be read: nothing is skipped without a word.
    Links to folders are not followed, so a loop of links cannot hang the search."""
    from .text import display
    found: list[Path] = []
    problems: list[str] = []

    def unreadable(exc: OSError) -> None:
        problems.append(f"fout: {display(str(exc.filename or folder))}: deze map kan niet worden gelezen "
                        f"({exc.strerror or type(exc).__name__}); de werkboeken erin zijn niet meegenomen. "
                        "Vraag leesrechten of kopieer de map.")
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
