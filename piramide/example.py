"""The fictitious municipality Voorbeeldstad: a 0-meting and a vervolgmeting a year later,
filled as a person would (toelichtingen, some n.v.t., a few 'weet niet'), with visible progress."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from pathlib import Path

from .measurement import Answer, Measurement
from .model import Questionnaire
from .template import write_template

GEMEENTE = "Voorbeeldstad"
REGIO = "RIEC Midden-Voorbeeld"

# Per measurement: date, kind, and per pillar position the phase the answers support.
MEASUREMENTS = [
    (dt.date(2025, 3, 12), "0-meting", [1, 0, 1, 2, 0]),
    (dt.date(2026, 3, 18), "vervolgmeting", [2, 1, 2, 3, 1]),
]
AMBITIE = [3, 3, 3, 4, 2]

REMARKS = {
    "BO-04": "Weerbaarheidsscan RIEC afgerond in 2024.",
    "BO-09": "0,4 fte toegezegd, budget volgt bij de voorjaarsnota.",
    "IP-01": "Ondermijningsbeeld 2023 ontvangen.",
    "IP-14": "Analist wordt gedeeld met twee buurgemeenten.",
    "BH-02": "Beleidsregel 13b herzien in 2025.",
    "IW-12": "Alleen baliemedewerkers en handhaving getraind.",
    "CO-03": "Woordvoering gaat nu via de politie; eigen lijn in voorbereiding.",
}


def example_measurements(q: Questionnaire) -> list[Measurement]:
    out = []
    for datum, soort, phases in MEASUREMENTS:
        m = Measurement(gemeente=GEMEENTE, regio=REGIO, datum=datum, soort=soort,
                        ingevuld_door="J. de Vries (OOV-adviseur) met RIEC",
                        ambitie={p.id: a for p, a in zip(q.pillars, AMBITIE)})
        for p, target in zip(q.pillars, phases):
            for ind in q.indicators_of(p.id):
                for i, qq in enumerate(q.questions_of(ind.id)):
                    # One fixed draw per question, so that a later measurement only improves.
                    r = random.Random(zlib.crc32(qq.id.encode())).random()
                    if ind.phase <= target:
                        label = "ja"
                    elif ind.phase == target + 1:
                        # The next phase is under way; the first answer holds it back.
                        label = (["deels", "nee", "weet niet"][int(r * 3)] if i == 0
                                 else ("ja" if r < 0.6 else "deels"))
                    else:
                        label = "ja" if r < 0.2 else ("deels" if r < 0.4 else "nee")
                    m.answers[qq.id] = Answer(qq.id, "", label, remark=REMARKS.get(qq.id, ""))
        # A question that does not apply to a municipality without coffeeshops or seks branch.
        m.answers["BH-07"] = Answer("BH-07", "", "n.v.t.", remark="Geen vergunningen in risicobranches afgegeven.")
        if soort == "vervolgmeting":
            # A staff survey was held before the foundations were laid: a loose stone.
            for qid in ("CO-20", "CO-21"):
                m.answers[qid] = Answer(qid, "", "ja", remark="Medewerkersonderzoek najaar 2025.")
        # The person filling it in types as people do.
        m.answers["CO-02"] = Answer("CO-02", "", "", raw=" Ja", remark=m.answers["CO-02"].remark)
        out.append(m)
    return out


def file_name(m: Measurement) -> str:
    assert m.datum is not None, "an example measurement has a date"
    return f"{GEMEENTE.lower()}-{m.soort}-{m.datum.isoformat()}.xlsx"


def write_examples(q: Questionnaire, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    paths = []
    for m in example_measurements(q):
        paths.append(write_template(q, folder / file_name(m), filled=m))
    return paths
