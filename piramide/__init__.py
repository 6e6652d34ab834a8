"""piramide: measure a municipality's resilience against undermining crime with the
Piramide Fitte Gemeenten. Everything runs locally.

    >>> import piramide
    >>> result = piramide.score("voorbeeldstad-vervolgmeting-2026-03-18.xlsx")
    >>> result.pillar("BO").phase
    >>> result.to_frame()          # pandas, one row per indicator

Imports are lazy so that `import piramide` and a single `piramide score` stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the real imports stay lazy, inside the functions
    from pathlib import Path

    import pandas

    from .measurement import Measurement
    from .model import Questionnaire
    from .regions import Overview
    from .scoring import Result
    from .trends import Trend

__version__ = "0.1.0"


def load_questionnaire(name_or_path: str | Path | None = None) -> Questionnaire:
    """A questionnaire definition by built-in name or path (default: the 105-question piramide)."""
    from .questionnaire import load
    return load(name_or_path)


def _questionnaire(q: Questionnaire | str | Path | None) -> Questionnaire:
    from .model import Questionnaire
    return q if isinstance(q, Questionnaire) else load_questionnaire(q)


def read(path: str | Path, questionnaire: Questionnaire | str | Path | None = None
         ) -> Measurement:
    """Read a filled workbook into a Measurement (answers, metadata, findings)."""
    from .reader import read as _read
    return _read(path, _questionnaire(questionnaire))


def score(path: str | Path, questionnaire: Questionnaire | str | Path | None = None
          ) -> Result:
    """Read and score a filled workbook; returns a scoring.Result with to_dict() and to_frame()."""
    from .scoring import score as _score
    q = _questionnaire(questionnaire)
    return _score(read(path, q), q)


def trend(paths_or_results: Iterable[str | Path | Result],
          questionnaires: Iterable[Questionnaire | str | Path] = ()) -> list[Trend]:
    """Group measurements by municipality and order them by date; returns a list of
    trend.Trend (one per gemeente), each with to_dict() and to_frame(). Each workbook is read
    with the definition among `questionnaires` (names, paths or objects) it was made from."""
    from .reader import read_with
    from .scoring import Result
    from .scoring import score as _score
    from .trends import build_trends
    qs = [_questionnaire(q) for q in questionnaires] or [load_questionnaire()]
    results = []
    for x in paths_or_results:
        if isinstance(x, Result):
            results.append(x)
        else:
            m, q = read_with(x, qs)
            results.append(_score(m, q))
    return build_trends(results)


def overview(paths_or_results: Iterable[str | Path | Result],
             questionnaires: Iterable[Questionnaire | str | Path] = (),
             anonymous: bool = False, key: bytes | None = None) -> Overview:
    """The region overview (regions.Overview) of many measurements: latest per gemeente."""
    from .regions import build_overview
    results = [t_result for t in trend(paths_or_results, questionnaires) for t_result in t.results]
    return build_overview(results, anonymous, key)


def region(paths_or_results: Iterable[str | Path | Result],
           questionnaires: Iterable[Questionnaire | str | Path] = (),
           anonymous: bool = False, key: bytes | None = None) -> pandas.DataFrame:
    """The region as one tidy pandas frame, the same table `piramide region --csv` writes:
    gemeente, datum, questionnaire, pijler, fase, score, indicator, status."""
    return overview(paths_or_results, questionnaires, anonymous, key).to_frame()
