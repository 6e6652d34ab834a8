"""The fictitious municipality Voorbeeldstad: a 0-meting and a vervolgmeting a year later,
filled as a person would (toelichtingen, some n.v.t., a few 'weet niet'), with visible progress.

Generic over the definition: answers are chosen by the role an option plays in its question's
scale (fully met, part, not, unknown, n.v.t.), pillars and questions by their place, so that
any valid definition gets deterministic, plausible examples. For the default definition the
places pick the questions the remarks below are about."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from pathlib import Path

from .measurement import Answer, Measurement
from .model import NVT, UNKNOWN, VALUE, Questionnaire, Scale
from .template import write_template

GEMEENTE = "Voorbeeldstad"
REGIO = "RIEC Midden-Voorbeeld"

# Per measurement: date, kind, and per pillar position the phase the answers support (cycled
# over the pillars, capped at the top phase).
MEASUREMENTS = [
    (dt.date(2025, 3, 12), "0-meting", [1, 0, 1, 2, 0]),
    (dt.date(2026, 3, 18), "vervolgmeting", [2, 1, 2, 3, 1]),
]
AMBITIE = [3, 3, 3, 4, 2]

# Remarks by question id: they apply to the default definition and are skipped elsewhere.
REMARKS = {
    "BO-24": "Weerbaarheidsscan RIEC afgerond in 2024.",
    "BO-26": "0,4 fte in het jaarplan; budget volgt bij de voorjaarsnota.",
    "IP-29": "Ondermijningsbeeld 2023 besproken in het college.",
    "BH-22": "Beleidsregel 13b herzien in 2025.",
    "IW-12": "Alleen baliemedewerkers en handhaving getraind.",
    "CO-03": "Woordvoering gaat nu via de politie; eigen lijn in voorbereiding.",
}
NVT_REMARK = "Geen vergunningen in risicobranches afgegeven."     # when the definition says nothing of n.v.t.
CONSULTED = ["OOV, HR/P&O, vergunningen, griffie",
             "OOV, HR/P&O, vergunningen, burgerzaken, communicatie, informatiebeveiliging, griffie"]
STONE_REMARK = "Medewerkersonderzoek najaar 2025."


def roles(scale: Scale) -> dict[str, str]:
    """The scale's label per role: ja (fully met), deels (between), nee (lowest value), weet niet
    (unknown), n.v.t.; a role the scale lacks falls back to the nearest one that exists."""
    valued = sorted(((o.value, o) for o in scale.options if o.kind == VALUE and o.value is not None),
                    key=lambda vo: vo[0])
    full_v, full = next(((v, o) for v, o in valued if v == 1.0), valued[-1] if valued else (1.0, scale.options[0]))
    low = valued[0][1] if valued and valued[0][0] < full_v else None
    low_v = valued[0][0] if low is not None else full_v
    mid = sorted((o for v, o in valued if low is not None and low_v < v < full_v),
                 key=lambda o: abs((o.value or 0.0) - 0.5))
    unknown = next((o for o in scale.options if o.kind == UNKNOWN), None)
    nvt = next((o for o in scale.options if o.kind == NVT), None)
    out = {"ja": full.label, "nee": (low or full).label}
    out["deels"] = mid[0].label if mid else out["nee"]
    out["weet niet"] = unknown.label if unknown else out["nee"]
    out["n.v.t."] = nvt.label if nvt else ""
    return out


def _target(phases: list[int], i: int, top: int) -> int:
    return min(phases[i % len(phases)], top)


def example_measurements(q: Questionnaire) -> list[Measurement]:
    top = q.top_phase
    pillars = list(q.pillars)
    out = []
    for n, (datum, soort, phases) in enumerate(MEASUREMENTS):
        m = Measurement(gemeente=GEMEENTE, regio=REGIO, datum=datum, soort=soort,
                        ingevuld_door="J. de Vries (OOV-adviseur) met RIEC", geraadpleegd=CONSULTED[n % 2],
                        ambitie={p.id: max(1, min(AMBITIE[i % len(AMBITIE)], top)) for i, p in enumerate(pillars)})
        for pi, p in enumerate(pillars):
            target = _target(phases, pi, top)
            for ind in q.indicators_of(p.id):
                for i, qq in enumerate(q.questions_of(ind.id)):
                    # One fixed draw per question, so that a later measurement only improves.
                    r = random.Random(zlib.crc32(qq.id.encode())).random()
                    if ind.phase <= target:
                        role = "ja"
                    elif ind.phase == target + 1:
                        # The next phase is under way; the first answer holds it back.
                        role = (["deels", "nee", "weet niet"][int(r * 3)] if i == 0
                                else ("ja" if r < 0.6 else "deels"))
                    else:
                        role = "ja" if r < 0.2 else ("deels" if r < 0.4 else "nee")
                    label = roles(q.scale(qq.scale_id))[role]
                    basis, evidence = _evidence(role, r, datum.year, n)
                    m.answers[qq.id] = Answer(qq.id, "", label, remark=REMARKS.get(qq.id, ""), basis=basis,
                                              evidence=evidence)
        _apply_story(q, m, soort)
        out.append(m)
    return out


def _evidence(role: str, r: float, year: int, n: int) -> tuple[str, str]:
    """How an answer was reached: a ja mostly from a document (more so a year later), the
    rest from a conversation or an estimate; a document has a place to find it."""
    if role == "ja" and r < 0.55 + 0.25 * n:
        return "document", f"Zaaknummer {year}-{int(r * 9000) + 1000}, map OOV"
    if role == "weet niet":
        return "", ""
    return ("gesprek", "") if r < 0.8 else ("inschatting", "")


def _apply_story(q: Questionnaire, m: Measurement, soort: str) -> None:
    """The events of the story, placed by position in the definition."""
    pillars = list(q.pillars)
    if not pillars:
        return

    def by_phase(p):
        return sorted(q.indicators_of(p.id), key=lambda i: i.phase)

    # A question that does not apply (no coffeeshops or seks branch): the first question of the
    # first phase-2 indicator of the third pillar, when its scale has n.v.t.
    # Only a question whose definition allows n.v.t. gets it; the remark says why it applies.
    p = pillars[min(2, len(pillars) - 1)]
    ind = next((i for i in by_phase(p) if i.phase == min(2, q.top_phase)), None)
    qs = [qq for qq in (q.questions_of(ind.id) if ind else []) if qq.nvt_allowed and not qq.nvt_when] or \
        [qq for i in by_phase(p) for qq in q.questions_of(i.id) if qq.nvt_when] or \
        [qq for qq in q.questions if qq.nvt_when]
    if qs and roles(q.scale(qs[0].scale_id))["n.v.t."]:
        remark = f"N.v.t.: {qs[0].nvt_when}" if qs[0].nvt_when else NVT_REMARK
        m.answers[qs[0].id] = Answer(qs[0].id, "", roles(q.scale(qs[0].scale_id))["n.v.t."], remark=remark,
                                     basis="gesprek")
    last = pillars[-1]
    if soort == "vervolgmeting":
        # A staff survey was held before the foundations were laid: a loose stone, the last
        # indicator of the top phase of the last pillar.
        tops = [i for i in by_phase(last) if i.phase == q.top_phase]
        for qq in q.questions_of(tops[-1].id) if tops else []:
            m.answers[qq.id] = Answer(qq.id, "", roles(q.scale(qq.scale_id))["ja"], remark=STONE_REMARK)
    # The person filling it in types as people do: " Ja" for the first question of the last
    # pillar after its first that is answered fully anyway.
    qs = [qq for i in by_phase(last) for qq in q.questions_of(i.id)][1:]
    full = next((qq for qq in qs if m.answers[qq.id].label == roles(q.scale(qq.scale_id))["ja"]), None)
    if full is not None:
        m.answers[full.id] = Answer(full.id, "", "", raw=" " + m.answers[full.id].label.capitalize(),
                                    remark=m.answers[full.id].remark)


def file_name(m: Measurement) -> str:
    assert m.datum is not None, "an example measurement has a date"
    return f"{GEMEENTE.lower()}-{m.soort}-{m.datum.isoformat()}.xlsx"


def write_examples(q: Questionnaire, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    paths = []
    for m in example_measurements(q):
        paths.append(write_template(q, folder / file_name(m), filled=m))
    return paths
