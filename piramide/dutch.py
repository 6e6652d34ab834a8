"""Dutch typography for texts people read in a report: dates as 18 maart 2026, percentages
as 62 % (with a non-breaking space), a decimal comma."""

from __future__ import annotations

import datetime as dt

from .text import round_pct

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
NBSP = "\u00a0"


def date(d: dt.date | None, missing: str = "datum onbekend") -> str:
    """18 maart 2026 (no leading zero); the words stay on one line."""
    if d is None:
        return missing
    return f"{d.day}{NBSP}{MONTHS[d.month - 1]}{NBSP}{d.year}"


def short_date(d: dt.date | None) -> str:
    """18 mrt 2026, for the axis of a chart."""
    if d is None:
        return "?"
    return f"{d.day} {SHORT_MONTHS[d.month - 1]} {d.year}"


def pct(x: float | None, missing: str = "n.v.t.") -> str:
    """62 %: rounded as the workbooks round, a non-breaking space before the sign."""
    return missing if x is None else f"{round_pct(x)}{NBSP}%"


def decimal(x: float | None, places: int = 1, missing: str = "–") -> str:
    """1,8: a decimal comma."""
    return missing if x is None else f"{x:.{places}f}".replace(".", ",")


def signed(n: int) -> str:
    """+8, −3 (a real minus sign), ±0."""
    return f"{'+' if n > 0 else ('±' if n == 0 else chr(0x2212))}{abs(n)}"


def points(n: int) -> str:
    """+8 procentpunt, −3 procentpunt, ±0 procentpunt."""
    return f"{signed(n)}{NBSP}procentpunt"


def and_list(words: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def count_word(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
