"""A staff survey as plain data: what a survey definition describes, what was read from an
export (anonymous responses), and what may be shown of it (a SurveyResult, aggregated with
small groups suppressed). No files here, no scoring of the piramide.

A survey export holds one row per respondent. Only the columns the definition names are kept,
and of them only the answers: names, e-mail addresses, respondent ids and timestamps are never
read into these structures, so no writer can ever copy them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of survey question: a choice on a scale (counted), a grouping (afdeling, functie:
# its answers split the respondents), and free text (kept only when asked for).
KEUZE, GROEP, OPEN = "keuze", "groep", "open"
KINDS = (KEUZE, GROEP, OPEN)

MIN_GROUP = 5            # the smallest group whose figures are shown; a definition or user may raise it
NO_GROUP = "Niet ingevuld"   # the group of respondents who left a grouping question empty


@dataclass(frozen=True)
class Choice:
    """An answer option. `counted` False: an answer such as "wil ik niet zeggen" that is left
    out of the shares (as if the question were skipped)."""
    label: str
    aliases: tuple[str, ...] = ()
    counted: bool = True


@dataclass(frozen=True)
class SurveyScale:
    id: str
    name: str
    choices: tuple[Choice, ...]

    def labels(self) -> list[str]:
        return [c.label for c in self.choices]


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class SurveyQuestion:
    id: str
    text: str
    kind: str = KEUZE
    scale_id: str = ""              # KEUZE: required; GROEP: optional (free values without)
    theme: str = ""
    aliases: tuple[str, ...] = ()   # other column headings this question goes by in exports
    source: str = ""


@dataclass(frozen=True)
class SurveyIndicator:
    """A norm on a share: the share of the counted answers to `question_id` that is one of
    `answers` must be at least `minimum` percent (or at most `maximum` percent)."""
    id: str
    name: str
    question_id: str
    answers: tuple[str, ...]
    minimum: float | None = None
    maximum: float | None = None
    theme: str = ""
    meaning: str = ""
    source: str = ""

    def norm_text(self) -> str:
        """The norm as a reader sees it: "ten minste 70 %", "hoogstens 10 %"."""
        def pct(x: float) -> str:
            return (f"{x:g}").replace(".", ",") + " %"
        if self.minimum is not None:
            return f"ten minste {pct(self.minimum)}"
        if self.maximum is not None:
            return f"hoogstens {pct(self.maximum)}"
        return ""

    def meets(self, share: float) -> bool:
        if self.minimum is not None and share < self.minimum:
            return False
        if self.maximum is not None and share > self.maximum:
            return False
        return True


@dataclass(frozen=True)
class Survey:
    id: str
    version: str
    title: str
    note: str
    themes: tuple[Theme, ...]
    scales: tuple[SurveyScale, ...]
    questions: tuple[SurveyQuestion, ...]
    indicators: tuple[SurveyIndicator, ...]
    min_group: int = MIN_GROUP
    path: str = ""
    sources: tuple = ()                  # model.Source, as a piramide's [[bronnen]]
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._index["question"] = {q.id: q for q in self.questions}
        self._index["scale"] = {s.id: s for s in self.scales}
        self._index["indicator"] = {i.id: i for i in self.indicators}
        self._index["theme"] = {t.id: t for t in self.themes}

    def question(self, qid: str) -> SurveyQuestion:
        return self._index["question"][qid]

    def scale(self, sid: str) -> SurveyScale:
        return self._index["scale"][sid]

    def indicator(self, iid: str) -> SurveyIndicator:
        return self._index["indicator"][iid]

    def has_indicator(self, iid: str) -> bool:
        return iid in self._index["indicator"]

    def theme(self, tid: str) -> Theme | None:
        return self._index["theme"].get(tid)

    def of_kind(self, kind: str) -> list[SurveyQuestion]:
        return [q for q in self.questions if q.kind == kind]

    def label(self) -> str:
        return f"{self.title} (versie {self.version})"


# --- what an export held, anonymous -------------------------------------------------------

@dataclass(frozen=True)
class Response:
    """One respondent: only the answers to the definition's questions. `answers` holds the
    choice label per KEUZE question (absent: not answered); `groups` the group per GROEP
    question (NO_GROUP when empty); `texts` free text per OPEN question."""
    answers: dict[str, str]
    groups: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)
    gemeente: str = ""                  # from a column Gemeente, when the export has one


@dataclass
class Responses:
    """The responses of one gemeente read from one or more exports, with the findings."""
    survey: Survey
    gemeente: str = ""
    sources: list[tuple[str, str]] = field(default_factory=list)   # (file name, sha256)
    period: str = ""                  # "november 2026": the month of the last response, never a timestamp
    rows: list[Response] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)          # question ids found as a column
    dropped_columns: list[str] = field(default_factory=list)   # identifying columns left unread (headers only)
    findings: list = field(default_factory=list)


# --- what may be shown ---------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """The answers to one question within one set of respondents. `counts` per counted choice;
    `shown` False when there are too few to show anything (then counts are empty)."""
    n: int                       # respondents who gave a counted answer
    counts: dict[str, int]
    shown: bool = True

    def share(self, labels) -> float | None:
        if not self.shown or not self.n:
            return None
        return 100.0 * sum(self.counts.get(x, 0) for x in labels) / self.n


@dataclass(frozen=True)
class IndicatorResult:
    indicator: SurveyIndicator
    n: int
    share: float | None          # None: not shown (too few) or not asked
    met: bool | None             # None: not to be judged
    asked: bool = True


@dataclass(frozen=True)
class GroupResult:
    """One group of a grouping (one afdeling). Figures only when `shown`."""
    name: str
    size: int                    # respondents; 0 when not shown (the size of a small group is not given either)
    shown: bool
    tallies: dict[str, Tally]
    indicators: dict[str, IndicatorResult]


@dataclass(frozen=True)
class GroupingResult:
    question: SurveyQuestion
    groups: tuple[GroupResult, ...]      # shown groups first, largest first
    hidden: int                          # how many groups are not shown
    hidden_size: int                     # their respondents together (always 0 or >= the minimum)


@dataclass
class SurveyResult:
    survey: Survey
    gemeente: str
    period: str
    sources: list[tuple[str, str]]
    min_group: int
    respondents: int
    shown: bool                                     # False: fewer respondents than min_group
    tallies: dict[str, Tally]
    indicators: dict[str, IndicatorResult]
    groupings: list[GroupingResult]
    asked: set[str]
    texts: dict[str, list[str]] = field(default_factory=dict)    # only when asked for, sorted
    dropped_columns: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)
