"""Staff surveys across a region (piramide region --enquete). Pure.

Each export belongs to a gemeente: the rows of a column Gemeente, or, for an export without
one, the gemeente whose name the file name holds (enquete-voorbeeldstad.xlsx). An export that
names no gemeente of the region is a fout for that export, never a guess. Exports of one
gemeente are pooled, then aggregated with the small-group rule: a gemeente with fewer
respondents than the minimum shows no figures. The region shows no total of its own, so no
gemeente's figures follow from subtracting the others.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding
from .history import group_key, match_key
from .survey import Responses, SurveyResult
from .survey_aggregate import aggregate, pool


@dataclass
class RegionSurveys:
    results: list[SurveyResult] = field(default_factory=list)      # one per gemeente, gemeente set
    findings: list[Finding] = field(default_factory=list)
    from_file_name: set[str] = field(default_factory=set)          # gemeenten named by a file name


def _named_in(stem: str, names: list[str]) -> list[str]:
    """The names that the file name holds as a run of whole words: "enquete-den-haag-2026"
    holds Den Haag, never Ede (whose letters it also holds)."""
    words = [w for w in re.split(r"[\W_]+", stem) if w]
    runs = {match_key("".join(words[i:j])) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 6) + 1)}
    return [n for n in names if match_key(n) in runs]


def by_gemeente(exports: list[Responses], names: list[str], minimum: int | None = None) -> RegionSurveys:
    """`names`: the gemeenten of the region's measurements, to recognise in file names."""
    out = RegionSurveys()
    groups: dict[str, list[Responses]] = {}
    shown: dict[str, str] = {}
    for e in exports:
        in_rows = {r.gemeente for r in e.rows if r.gemeente}
        if in_rows:
            for g in sorted(in_rows):
                k = group_key(g)
                if k in shown and any(p.sources == e.sources for p in groups[k]):
                    continue                                 # two spellings of one gemeente in one export
                rows = [dataclasses.replace(r, gemeente="") for r in e.rows if r.gemeente and group_key(r.gemeente) == k]
                groups.setdefault(k, []).append(dataclasses.replace(e, rows=rows, findings=[]))
                shown.setdefault(k, g)
            if any(not r.gemeente for r in e.rows):
                out.findings.append(finding("enq_rijen_zonder_gemeente", file=e.sources[0][0],
                                            aantal=sum(not r.gemeente for r in e.rows)))
            continue
        stem = Path(e.sources[0][0]).stem
        hits = _named_in(stem, names)
        if len(hits) != 1:
            out.findings.append(finding("enq_gemeente_niet_gevonden", file=e.sources[0][0],
                                        gevonden=", ".join(hits) if hits else "geen"))
            continue
        k = group_key(hits[0])
        groups.setdefault(k, []).append(dataclasses.replace(e, findings=[]))
        shown.setdefault(k, hits[0])
        out.from_file_name.add(hits[0])
    for k, parts in groups.items():
        pooled = pool(parts)
        pooled.gemeente = shown[k]
        result = aggregate(pooled, minimum)
        out.results.append(result)
        out.findings.extend(result.findings)
    out.results.sort(key=lambda r: match_key(r.gemeente))
    return out
