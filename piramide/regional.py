"""A RIEC's region: the latest measurement of each municipality side by side. Pure.

Anonymous codes are an HMAC of the municipality under a key the RIEC keeps: stable across
overviews made with the same key, and not recomputable by anyone who only knows the names.
The key is derived from the RIEC's sleutel with scrypt (a standard key-derivation function
with a memory and time cost, RFC 7914), so that guessing the sleutel from a list of names
and codes costs about a tenth of a second per guess instead of a microsecond.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import NamedTuple

from . import optional
from .errors import UsageError
from .findings import Finding, finding
from .scoring import MET, Result
from .gemeenten import lookup
from .history import Trend, build_trends, gemeente_key
from .model import Indicator
from .survey import SurveyResult


@dataclass
class Row:
    name: str                   # the municipality, or its code when anonymous
    trend: Trend

    @property
    def latest(self) -> Result:
        return self.trend.latest

    @property
    def previous(self) -> Result | None:
        return self.trend.previous


class OpenIndicator(NamedTuple):
    """One indicator still open somewhere in the region's latest measurements."""
    indicator: Indicator
    pillar_id: str
    open: int                   # how many gemeenten have it open (not behaald, not n.v.t.)
    measured: int               # how many gemeenten measured it
    gemeenten: list[str]        # the names (codes when anonymous) with it open, in row order


class PillarAverage(NamedTuple):
    """The region's mean of one pillar over the latest measurements; a pillar that cannot be
    judged (all n.v.t.) in a gemeente does not count. None when no gemeente counts."""
    pillar_id: str
    phase: float | None
    score: float | None         # 0..100
    counted: int                # gemeenten counted


@dataclass
class Overview:
    rows: list[Row]
    anonymous: bool = False
    findings: list[Finding] = field(default_factory=list)
    surveys: list[tuple[str, SurveyResult]] = field(default_factory=list)   # (name or code, result), region --enquete

    @property
    def questionnaire(self):
        """The definition of the most recent measurement: its pillars and phases frame the view."""
        return max((r.latest for r in self.rows), key=lambda r: (r.measurement.datum is not None,
                                                                 r.measurement.datum)).questionnaire

    def pillar_ids(self) -> list[str]:
        return [p.id for p in self.questionnaire.pillars]

    def distribution(self) -> dict[str, list[int]]:
        """Per pillar: how many municipalities stand in phase 0, 1, … top."""
        top = self.questionnaire.top_phase
        out = {pid: [0] * (top + 1) for pid in self.pillar_ids()}
        for row in self.rows:
            for p in row.latest.pillars:
                if p.pillar.id in out and p.phase <= top:
                    out[p.pillar.id][p.phase] += 1
        return out

    def open_indicators(self) -> list[OpenIndicator]:
        """Indicators still open in the latest measurements, and where: what a regional
        programme can take up. Foundations first: by phase, then by how many gemeenten have
        it open (most first), then by id."""
        found: dict[str, OpenIndicator] = {}
        for row in self.rows:
            for p in row.latest.pillars:
                for ir in p.indicators:
                    o = found.setdefault(ir.indicator.id, OpenIndicator(ir.indicator, p.pillar.id, 0, 0, []))
                    is_open = ir.status not in MET
                    if is_open:
                        o.gemeenten.append(row.name)
                    found[ir.indicator.id] = o._replace(open=o.open + is_open, measured=o.measured + 1)
        items = [o for o in found.values() if o.open > 0]
        return sorted(items, key=lambda o: (o.indicator.phase, -o.open, o.indicator.id))

    def averages(self) -> list[PillarAverage]:
        """Per pillar the mean phase and mean score of the latest measurements: the row
        "Gemiddelde regio"."""
        out = []
        for pid in self.pillar_ids():
            ps = [p for row in self.rows for p in row.latest.pillars if p.pillar.id == pid and p.judgeable]
            scores = [p.score for p in ps if p.score is not None]
            out.append(PillarAverage(pid, sum(p.phase for p in ps) / len(ps) if ps else None,
                                     sum(scores) / len(scores) if scores else None, len(ps)))
        return out

    def shown_date(self, d) -> str:
        """A date as the overview shows it: only month and year when anonymous."""
        return _month(d) if self.anonymous else (d.isoformat() if d else "")

    def long_rows(self) -> list[dict]:
        """One tidy row per measurement, pillar and indicator: for pandas and Power BI (the CSV)."""
        from .serialize import questionnaire_label
        out = []
        for row in self.rows:
            code = None if self.anonymous else row.trend.code   # a code would name the gemeente
            for r in row.trend.results:
                m, q = r.measurement, r.questionnaire
                for p in r.pillars:
                    for ir in p.indicators:
                        out.append({"gemeente": row.name, "gemeente_code": code, "datum": self.shown_date(m.datum),
                                    "vragenlijst": questionnaire_label(q), "pijler": p.pillar.id, "fase": p.phase,
                                    "score": None if p.score is None else round(p.score, 1),
                                    "indicator": ir.indicator.id, "status": ir.status})
        return out

    def to_csv(self) -> bytes:
        """The long table as CSV (UTF-8 with BOM, so Excel reads the accents). Text that a
        spreadsheet would run as a formula gets a leading apostrophe."""
        import csv
        import io
        from .serialize import REGION_COLUMNS
        text = io.StringIO(newline="")
        w = csv.DictWriter(text, REGION_COLUMNS)
        w.writeheader()
        for row in self.long_rows():
            w.writerow({k: _csv_safe(v) for k, v in row.items()})
        return text.getvalue().encode("utf-8-sig", "replace")

    def to_dict(self) -> dict:
        from .serialize import overview_to_dict
        return overview_to_dict(self)

    def to_frame(self):
        from .serialize import REGION_COLUMNS
        pd = optional.pandas()  # analysts only
        return pd.DataFrame(self.long_rows(), columns=REGION_COLUMNS)


def _csv_safe(value):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _month(d) -> str:
    return d.strftime("%Y-%m") if d else ""


CODE_LENGTH = 8                       # base32 letters: 40 bits; a collision among 40 is ~1e-9
KDF_SALT = b"piramide/anoniem/v1"     # fixed and public: the codes must be the same next year
KDF_N, KDF_R, KDF_P = 2 ** 15, 8, 1   # 32 MiB and about 0.1 s per derivation
SLEUTEL_MIN = 12                      # characters; a shorter sleutel gets a warning


def sleutel_finding(sleutel: str) -> Finding | None:
    """A warning when the sleutel is short enough to guess; an empty one is refused."""
    if not sleutel:
        raise UsageError("de sleutel voor anonieme codes is leeg; kies een lange zin die alleen het RIEC kent.")
    return finding("sleutel_kort", minimum=SLEUTEL_MIN) if len(sleutel) < SLEUTEL_MIN else None


def derive_key(sleutel: str) -> bytes:
    """The key for anonymous codes from the RIEC's sleutel (scrypt, fixed documented salt)."""
    sleutel_finding(sleutel)
    return hashlib.scrypt(sleutel.encode("utf-8", "surrogatepass"), salt=KDF_SALT, n=KDF_N, r=KDF_R, p=KDF_P,
                          maxmem=64 * 1024 * 1024, dklen=32)


def anonymous_code(name: str, key: bytes, length: int = CODE_LENGTH) -> str:
    digest = hmac.new(key, gemeente_key(name).encode(), hashlib.sha256).digest()
    return "G-" + base64.b32encode(digest).decode()[:length]


def _coded_name(t: Trend) -> str:
    """The name an anonymous code is made from: for a Dutch gemeente its official name, so
    the code is the same however it was typed ("Den Haag" or "'s-Gravenhage")."""
    g = lookup(t.gemeente)
    return g.naam if g else t.gemeente


def attach_surveys(ov: Overview, exports, minimum: int | None = None, key: bytes | None = None) -> list[Finding]:
    """The staff surveys of the region beside the overview (survey_region): per gemeente, by
    its name or, when anonymous, by its code; a gemeente with a survey but no measurement gets
    a code of its own the same way."""
    from .history import group_key
    from .survey_region import by_gemeente
    found = by_gemeente(exports, [row.trend.gemeente for row in ov.rows], minimum)
    names = {group_key(row.trend.gemeente): row.name for row in ov.rows}
    for r in found.results:
        name = names.get(group_key(r.gemeente))
        if name is None:            # a survey without a measurement: coded as a measurement would be
            official = lookup(r.gemeente)
            name = anonymous_code(official.naam if official else r.gemeente, key) \
                if ov.anonymous and key is not None else r.gemeente
        ov.surveys.append((name, r))
    ov.surveys.sort(key=lambda pair: gemeente_key(pair[0]))
    return found.findings


def build_overview(results: list[Result], anonymous: bool = False, key: bytes | None = None) -> Overview:
    trends = build_trends(results)
    findings = [f for t in trends for f in t.findings]
    if not anonymous:
        rows = [Row(t.gemeente, t) for t in trends]
        return Overview(sorted(rows, key=lambda r: gemeente_key(r.name)), False, findings)
    if key is None:
        raise UsageError("een anoniem overzicht heeft een sleutel nodig (derive_key(sleutel)).")
    names = [_coded_name(t) for t in trends]
    codes = [anonymous_code(n, key) for n in names]
    # A collision (about one in a billion for a region) lengthens only the codes that collide,
    # so every other gemeente keeps its code when one joins.
    for code in {c for c in codes if codes.count(c) > 1}:
        for i in [i for i, c in enumerate(codes) if c == code]:
            length = CODE_LENGTH
            while any(anonymous_code(names[i], key, length) == anonymous_code(n, key, length)
                      for j, n in enumerate(names) if j != i):
                length += 1
            codes[i] = anonymous_code(names[i], key, length)
    rows = [Row(c, t) for c, t in zip(codes, trends)]
    return Overview(sorted(rows, key=lambda r: r.name), True, findings)
