"""piramide: measure a municipality's resilience against undermining crime with the
Piramide Fitte Gemeenten. Everything runs locally.

    >>> import piramide
    >>> result = piramide.score("voorbeeldstad-vervolgmeting-2026-03-18.xlsx")
    >>> result.valid, result.pillar("BO").phase
    >>> result.to_frame()                       # pandas, one row per indicator
    >>> run = piramide.check(["a.xlsx", "b.xlsx"])
    >>> run.valid, run.to_dict()                # the JSON of `piramide score --json`

Every error piramide raises on purpose is a `piramide.PiramideError` with a Dutch message.
Imports are lazy so that `import piramide` and a single `piramide score` stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from .errors import (InputError, MissingDependency, OutputError, PiramideError, QuestionnaireError, ReadError,
                     UsageError)

if TYPE_CHECKING:   # the real imports stay lazy, inside the functions
    from pathlib import Path

    from .batch import Run
    from .history import Trend
    from .measurement import Measurement
    from .model import Questionnaire
    from .regional import Overview
    from .scoring import Result
    from .survey import Survey, SurveyResult

__version__ = "0.2.0"
__all__ = ["InputError", "MissingDependency", "OutputError", "PiramideError", "QuestionnaireError", "ReadError",
           "UsageError", "check", "load_questionnaire", "overview", "read", "region", "score", "trend", "write_dashboard",
           "write_json", "write_overview", "write_template", "enquete"]


def enquete(exports: str | Path | Iterable[str | Path], definitie: Survey | str | Path | None = None,
            gemeente: str | None = None, minimum: int | None = None, vrije_tekst: bool = False) -> SurveyResult:
    """Read one or more survey exports of one gemeente and aggregate them with the small-group
    rule: a survey.SurveyResult with `valid`, `indicators`, `groupings`, to_dict() and
    to_frame(). Raises ReadError for a file that is no export, UsageError for a minimum below
    the definition's."""
    from pathlib import Path

    from .survey import Survey
    from .survey_aggregate import aggregate, pool
    from .survey_definition import load
    from .survey_reader import read_export
    survey = definitie if isinstance(definitie, Survey) else load(definitie)
    paths = [exports] if isinstance(exports, (str, Path)) else list(exports)
    if minimum is not None and minimum < survey.min_group:
        raise UsageError(f"de kleinste groep kan niet kleiner dan {survey.min_group} respondenten.")
    return aggregate(pool([read_export(Path(p), survey) for p in paths], gemeente), minimum, texts=vrije_tekst)

def load_questionnaire(name_or_path: str | Path | None = None) -> Questionnaire:
    """A questionnaire definition by built-in name or path (default: the 105-question piramide)."""
    from .questionnaire import load
    return load(name_or_path)


def _questionnaire(q: Questionnaire | str | Path | None) -> Questionnaire:
    from .model import Questionnaire
    return q if isinstance(q, Questionnaire) else load_questionnaire(q)


def _source(source: str | Path | bytes | IO[bytes]) -> tuple[str, bytes | None]:
    """A name to show and, for bytes or a file object, the bytes (at most one byte more than
    the gate allows, so a huge stream is refused without being read to its end)."""
    from .gate import MAX_FILE
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "(werkboek in het geheugen)", bytes(source)
    if hasattr(source, "read"):
        data = source.read(MAX_FILE + 1)
        if isinstance(data, str):
            raise UsageError("open het werkboek binair: open(pad, 'rb'), niet als tekst.")
        return str(getattr(source, "name", "(werkboek in het geheugen)")), bytes(data)
    return str(source), None


def read(source: str | Path | bytes | IO[bytes], questionnaire: Questionnaire | str | Path | None = None
         ) -> Measurement:
    """Read a filled workbook (a path, its bytes or an open binary file) into a Measurement:
    answers, metadata and findings. Raises ReadError when it is no readable workbook."""
    from .reader import read as _read
    name, data = _source(source)
    return _read(name, _questionnaire(questionnaire), data)


def score(source: str | Path | bytes | IO[bytes], questionnaire: Questionnaire | str | Path | None = None
          ) -> Result:
    """Read and score a filled workbook: a scoring.Result with `valid`, `findings`,
    `pillars`, to_dict() and to_frame(). A spreadsheet that is no piramide gives a result
    that is not valid, never five silent phase-0 pillars."""
    from .scoring import score as _score
    q = _questionnaire(questionnaire)
    return _score(read(source, q), q)


def check(sources: str | Path | Iterable[str | Path], questionnaires: Iterable[Questionnaire | str | Path] = (),
          strict: bool = False, actieplan: Iterable[str | Path] = ()) -> Run:
    """Read and score many workbooks (paths, or folders searched with their subfolders)
    without writing anything: a batch.Run with `valid`, every
    input with its own findings (failed ones too), the trends per gemeente, and to_dict() in
    the shape of `piramide score --json` (see uitslag.schema.json). Each workbook is read with
    the definition among `questionnaires` (and the built-in ones) it was made from.
    `actieplan`: previous dashboards whose action plan is carried over (run.plans), as
    `piramide score --actieplan`; for folders among `sources`, as with --historie, the latest
    earlier dashboard of each gemeente found there."""
    from pathlib import Path as _Path

    from .batch import find_workbooks, run
    from .questionnaire import candidates
    given_paths = [sources] if isinstance(sources, (str, _Path)) else list(sources)
    paths: list[_Path] = []
    problems = []
    for p in map(_Path, given_paths):
        if p.is_dir():                       # a folder: its workbooks, with subfolders, as the CLI reads it
            found, trouble = find_workbooks(p)
            paths += found
            problems += trouble
        else:
            paths.append(p)
    given = [_questionnaire(q) for q in questionnaires]      # the first is the main one
    qs = candidates(given)               # built-in ones are parsed only when a workbook names them
    result = run(paths, qs, strict, progress=False, problems=problems)
    plans = [_Path(p) for p in ([actieplan] if isinstance(actieplan, (str, _Path)) else actieplan)]
    folders = [p for p in map(_Path, given_paths) if p.is_dir()]
    if plans or folders:
        from .actionplan import attach
        found = [o.path for o in result.inputs if o.skipped and any(o.path.is_relative_to(f) for f in folders)]
        attach(result, plans, found, qs)
    return result


def _run_for(paths_or_results: Iterable[str | Path | Result],
             questionnaires: Iterable[Questionnaire | str | Path]) -> tuple[list[Result], Run | None]:
    """Results given as they are, paths read and scored as `piramide check` does (the
    results with a fout are left out, as the CLI leaves them out)."""
    from .scoring import Result
    given = [x for x in paths_or_results]
    results = [x for x in given if isinstance(x, Result)]
    paths = [x for x in given if not isinstance(x, Result)]
    if not paths:
        return results, None
    r = check(paths, questionnaires)
    return results + r.results, r


def trend(paths_or_results: Iterable[str | Path | Result],
          questionnaires: Iterable[Questionnaire | str | Path] = ()) -> list[Trend]:
    """Group measurements by municipality and order them by date: one history.Trend per
    gemeente, each with to_dict() and to_frame(). Each workbook is read with the definition
    among `questionnaires` (names, paths or objects) it was made from. A workbook that cannot
    be used raises InputError with its finding: use check() to see every input's findings."""
    from .history import build_trends
    results, r = _run_for(paths_or_results, questionnaires)
    failed = [o for o in r.inputs if o.failed] if r else []
    if failed:
        raise InputError(next(f for f in failed[0].findings if f.severity == "fout"))
    return build_trends(results)


def region(paths_or_results: Iterable[str | Path | Result],
           questionnaires: Iterable[Questionnaire | str | Path] = (),
           anonymous: bool = False, sleutel: str | None = None, key: bytes | None = None) -> Overview:
    """The region overview (regional.Overview) of many measurements, latest per gemeente,
    exactly as `piramide region` makes it: to_frame() is the table of `--csv`, to_dict() its
    plain data. Inputs that cannot be used are left out and their findings are in
    `Overview.findings`, as on the CLI's screen. Anonymous codes come from `sleutel` (the
    RIEC's secret phrase) or a key from regional.derive_key()."""
    from .errors import UsageError
    from .regional import build_overview, derive_key, sleutel_finding
    warning = None
    if anonymous and key is None:
        if sleutel is None:
            raise UsageError("een anoniem overzicht heeft een sleutel nodig: geef sleutel='…'.")
        warning = sleutel_finding(sleutel)
        key = derive_key(sleutel)
    results, r = _run_for(paths_or_results, questionnaires)
    ov = build_overview(results, anonymous, key)
    left_out = [f for o in r.inputs if not o.status == "verwerkt" for f in o.findings] if r else []
    ov.findings = ([warning] if warning else []) + left_out + ov.findings
    return ov


overview = region       # the name of version 0.1; the same function


def write_template(questionnaire: Questionnaire | str | Path | None, path: str | Path, replace: bool = True) -> Path:
    """Write an empty fill-in workbook for the definition."""
    from .template import write_template as _write
    return _write(_questionnaire(questionnaire), path, replace=replace)


def write_dashboard(result: Result | Trend, path: str | Path, replace: bool = True) -> Path:
    """Write the dashboard of a Result, or of the latest measurement of a Trend with its
    trend sheets."""
    from .dashboard import write_dashboard as _write
    from .history import Trend
    if isinstance(result, Trend):
        return _write(result.latest, path, trend=result, replace=replace)
    return _write(result, path, replace=replace)


def write_overview(ov: Overview, path: str | Path, replace: bool = True) -> Path:
    """Write the region overview workbook."""
    from .overview_workbook import write_overview as _write
    return _write(ov, path, replace=replace)


def write_json(run: Run, path: str | Path, replace: bool = True) -> Path:
    """Write a run's JSON (schema uitslag.schema.json), atomically."""
    from .output import write_atomic
    from .serialize import run_json
    return write_atomic(path, run_json(run).encode("utf-8"), replace)
