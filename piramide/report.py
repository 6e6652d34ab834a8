"""Results as plain data: the JSON shape and the analysts' frame, in one place."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from . import __version__, optional
from .scoring import Result


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def result_to_dict(r: Result) -> dict:
    m, q = r.measurement, r.questionnaire
    return {
        "piramide_versie": __version__,
        "gemeente": m.gemeente,
        "regio": m.regio,
        "datum": m.datum.isoformat() if m.datum else None,
        "soort": m.soort,
        "ingevuld_door": m.ingevuld_door,
        "questionnaire": {"id": q.id, "version": q.version, "title": q.title},
        "source": {"file": m.source, "sha256": m.sha256},
        "pillars": [{
            "id": p.pillar.id, "name": p.pillar.name, "phase": p.phase, "phase_name": p.phase_name,
            "score": _r(p.score), "progress_next_phase": _r(p.progress), "next_phase": p.next_phase,
            "ambitie": p.ambitie, "gap": p.gap, "judgeable": p.judgeable,
            "loose_stones": p.loose_stones, "answered": p.answered, "questions": p.total,
            "explanation": p.explanation,
            "indicators": [{
                "id": ir.indicator.id, "name": ir.indicator.name, "phase": ir.indicator.phase,
                "status": ir.status, "mean": _r(ir.mean, 3),
                "answers": [{"question": qq.id, "answer": a.label or None, "kind": a.kind, "raw": a.raw,
                             "remark": a.remark, "cell": f"{a.sheet}!{a.cell}" if a.cell else None}
                            for qq, a in ir.answers],
            } for ir in p.indicators],
        } for p in r.pillars],
        "improvements": [{"pillar": i.pillar.id, "indicator": i.indicator.indicator.id,
                          "phase": i.indicator.indicator.phase, "status": i.indicator.status,
                          "reason": i.reason, "handvat": i.indicator.indicator.handvat}
                         for i in r.improvements],
        "findings": [f.to_dict() for f in r.findings],
    }


def result_rows(r: Result) -> list[dict]:
    """One tidy row per indicator: what analysts and Power BI want."""
    m, q = r.measurement, r.questionnaire
    rows = []
    for p in r.pillars:
        for ir in p.indicators:
            rows.append({"gemeente": m.gemeente, "datum": m.datum, "questionnaire": f"{q.id} {q.version}",
                         "pijler": p.pillar.id, "pijler_naam": p.pillar.name, "fase": p.phase,
                         "score": _r(p.score), "ambitie": p.ambitie, "indicator": ir.indicator.id,
                         "indicator_naam": ir.indicator.name, "indicator_fase": ir.indicator.phase,
                         "status": ir.status})
    return rows


def result_to_frame(r: Result):
    pd = optional.pandas()  # analysts only: never on the path of a single score
    return pd.DataFrame(result_rows(r))


SLUG_MAX = 60      # with the rest of a dashboard's name well under every system's limit


def slug(name: str) -> str:
    """A file-name part valid on Windows and Linux: ASCII, lower case, hyphens, at most
    SLUG_MAX characters. Where letters are lost (another script) or the name is cut, a stable
    suffix from the full name keeps different names apart: "Москва" and "Київ" stay two."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    text = plain.encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    lost = sum(ch.isalnum() for ch in plain) != sum(ch.isalnum() for ch in text)
    if not lost and 0 < len(text) <= SLUG_MAX:
        return text
    suffix = hashlib.sha256(" ".join(name.split()).casefold().encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{text[:SLUG_MAX - 9].strip('-') or 'gemeente'}-{suffix}"
