"""Example survey exports of the fictitious municipality Voorbeeldstad, to try `piramide enquete`
on: one set of answers, written the way Microsoft Forms (Dutch, .xlsx) and LimeSurvey (.csv,
answer codes) export it, so that both files give the same figures.

The answers are drawn deterministically (random.Random with a fixed seed) from a small story:
staff at the counters and in licensing and enforcement meet intimidation more often than the
rest; most staff would report a signal, fewer know where, and fewer still trust what happens
next; the code of conduct is well known, the whistle-blowing rule is not; after an incident,
aftercare is patchy. Two afdelingen are small (3 and 7 respondents) and councillors and
aldermen leave the afdeling empty, so that the small-group rule shows in the dashboard.

The names and e-mail addresses in the Forms file are fictitious and exist only to show that
they are never read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from .output import check_distinct, check_target, write_atomic
from .survey import GROEP, OPEN, Survey, SurveyScale

GEMEENTE = "Voorbeeldstad"
FORMS_FILE = "enquete-voorbeeldstad-forms.xlsx"
LIMESURVEY_FILE = "enquete-voorbeeldstad-limesurvey.csv"
SEED = 20251057                 # chosen among seeds whose draw tells the story above plainly
START = dt.datetime(2025, 10, 6, 8, 30)        # the survey ran for three weeks in October 2025
DAYS = 18

# Columns Microsoft Forms (Dutch) puts before the questions, and LimeSurvey's.
FORMS_COLUMNS = ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijdstip van laatste wijziging"]
LIMESURVEY_COLUMNS = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
# The gemeente, as a survey run for several gemeenten records it: a first question in Forms,
# a hidden field (filled from the invitation link) in LimeSurvey.
FORMS_GEMEENTE, LIMESURVEY_GEMEENTE = "Gemeente", "gemeente"


@dataclass(frozen=True)
class Afdeling:
    """An afdeling of Voorbeeldstad and what its staff meet: `publiek` raises the chance of
    intimidation and threats, `druk` of bribery or influence, `kennis` of knowing where to
    report and what to do."""
    name: str
    size: int
    functies: tuple[tuple[str, int], ...]       # (functie label, weight)
    publiek: float
    druk: float
    kennis: float


AFDELINGEN = (
    Afdeling("Publiekszaken", 25, (("Uitvoerend", 18), ("Ondersteunend", 4), ("Leidinggevend", 2), ("Beleid of advies", 1)),
             publiek=0.30, druk=0.05, kennis=0.45),
    Afdeling("Vergunningen en handhaving", 24, (("Uitvoerend", 15), ("Beleid of advies", 6), ("Leidinggevend", 3)),
             publiek=0.27, druk=0.18, kennis=0.65),
    Afdeling("Sociaal domein", 22, (("Uitvoerend", 12), ("Beleid of advies", 7), ("Leidinggevend", 2),
                                    ("Ondersteunend", 1)), publiek=0.13, druk=0.03, kennis=0.50),
    Afdeling("Ruimte en wonen", 18, (("Beleid of advies", 11), ("Uitvoerend", 4), ("Leidinggevend", 2),
                                     ("Anders", 1)), publiek=0.05, druk=0.07, kennis=0.55),
    Afdeling("Bedrijfsvoering", 14, (("Ondersteunend", 8), ("Beleid of advies", 4), ("Leidinggevend", 2)),
             publiek=0.02, druk=0.02, kennis=0.40),
    Afdeling("Openbare orde en veiligheid", 7, (("Beleid of advies", 5), ("Leidinggevend", 1), ("Uitvoerend", 1)),
             publiek=0.12, druk=0.06, kennis=0.95),
    Afdeling("Griffie", 3, (("Ondersteunend", 2), ("Beleid of advies", 1)), publiek=0.05, druk=0.05, kennis=0.60),
)
# Outside the civil service: raadsleden and bestuurders answer too, without an afdeling.
BESTUUR = (("Raadslid", 5), ("Bestuurder (burgemeester of wethouder)", 2))

OPEN_ANSWERS = {
    "verbetering": [
        "Vaker een korte training, niet alleen bij indiensttreding.",
        "Duidelijker maken waar je een melding doet en wat er daarna mee gebeurt.",
        "Terugkoppeling geven aan wie iets meldt.",
        "Aan de balie een knop of collega in de buurt bij lastige klanten.",
        "Leidinggevenden moeten na een incident zelf contact opnemen.",
        "Het protocol agressie en geweld opnieuw onder de aandacht brengen.",
        "Meer aandacht voor risico's bij vergunningen in het buitengebied.",
        "Niet alleen in een e-mail, maar in het teamoverleg bespreken.",
    ],
    "opmerkingen": [
        "Goed dat dit onderwerp aandacht krijgt.",
        "Ik merk dat collega's het melden vaak laten omdat het veel werk is.",
        "Sommige vragen waren lastig te beantwoorden vanuit een ondersteunende functie.",
        "Graag de uitkomsten terugkoppelen aan alle medewerkers.",
    ],
}


@dataclass
class Respondent:
    """One fictitious respondent: the answers by question id as labels of the definition
    (absent: skipped), the groups, free text, and the times a survey tool records."""
    number: int
    afdeling: str
    functie: str
    rol: str
    answers: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    started: dt.datetime = START
    completed: dt.datetime = START


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    labels = list(weights)
    return rng.choices(labels, weights=[weights[x] for x in labels])[0]


def _clip(p: float) -> float:
    return min(0.98, max(0.02, p))


def _agree(rng: random.Random, p: float) -> str:
    """A label on the agreement scale: agree with chance `p` (a fifth of them fully), else
    mostly neutral or disagree, sometimes "weet ik niet"."""
    p = _clip(p)
    return _pick(rng, {"Helemaal mee eens": p * 0.3, "Mee eens": p * 0.7, "Niet eens, niet oneens": (1 - p) * 0.5,
                       "Mee oneens": (1 - p) * 0.3, "Helemaal mee oneens": (1 - p) * 0.08,
                       "Weet ik niet": (1 - p) * 0.12})


def _yes(rng: random.Random, p: float, unsure: float = 0.1) -> str:
    """A label on the ja/nee/weet ik niet scale."""
    p = _clip(p)
    return _pick(rng, {"Ja": p, "Nee": (1 - p) * (1 - unsure), "Weet ik niet": (1 - p) * unsure})


def _often(rng: random.Random, p: float) -> str:
    """How often in 12 months: at least once with chance `p`, a third of those more than once;
    one in a hundred prefers not to say."""
    p = _clip(p)
    return _pick(rng, {"Nooit": (1 - p) * 0.99, "Eén keer": p * 0.67 * 0.99, "Vaker": p * 0.33 * 0.99,
                       "Wil ik niet zeggen": 0.01})


def respondents() -> list[Respondent]:
    """The answers of Voorbeeldstad's staff, the same on every call."""
    rng = random.Random(SEED)
    people: list[tuple[str, str, str, Afdeling | None]] = []
    for afd in AFDELINGEN:
        for _ in range(afd.size):
            functie = _pick(rng, {f: w for f, w in afd.functies})
            people.append((afd.name, functie, "Ambtenaar", afd))
    for rol, n in BESTUUR:
        people.extend(("", "Anders" if rng.random() < 0.5 else "", rol, None) for _ in range(n))
    rng.shuffle(people)     # responses arrive in no particular order

    out = []
    for number, (afdeling, functie, rol, unit) in enumerate(people, 1):
        publiek, druk, kennis = (unit.publiek, unit.druk, unit.kennis) if unit else (0.20, 0.15, 0.45)
        lead = functie == "Leidinggevend"
        a: dict[str, str] = {}
        a["begrip"] = _agree(rng, 0.55 + 0.35 * kennis)
        a["kwetsbaar"] = _agree(rng, 0.25 + 0.9 * druk + 0.4 * publiek)
        a["signalen"] = _agree(rng, 0.40 + 0.45 * kennis)
        trained = rng.random() < 0.15 + 0.6 * kennis
        a["training"] = "Ja" if trained else "Nee"
        a["meldpunt"] = _yes(rng, 0.28 + 0.55 * kennis + (0.12 if trained else 0) + (0.1 if lead else 0), unsure=0.4)
        a["meldbereid"] = _agree(rng, 0.80 + 0.12 * kennis)
        a["meldvertrouwen"] = _agree(rng, 0.38 + 0.3 * kennis)
        a["meldveilig"] = _agree(rng, 0.55 + 0.25 * kennis)
        a["vertrouwenspersoon"] = _yes(rng, 0.45 + 0.3 * kennis, unsure=0.3)
        a["intimidatie"] = _often(rng, publiek)
        a["bedreiging"] = _often(rng, 0.28 * publiek + 0.02)
        a["beinvloeding"] = _often(rng, druk + 0.01)
        incident = any(a[q] in ("Eén keer", "Vaker") for q in ("intimidatie", "bedreiging", "beinvloeding"))
        if incident:
            a["incidentgemeld"] = "Ja" if rng.random() < 0.6 else "Nee"
            a["nazorg"] = "Ja" if rng.random() < (0.45 + (0.3 if a["incidentgemeld"] == "Ja" else 0)) else "Nee"
        else:
            a["incidentgemeld"] = a["nazorg"] = "Niet van toepassing"
        a["weetwattedoen"] = _agree(rng, 0.28 + 0.45 * kennis + (0.15 if trained else 0))
        a["toegerust"] = _agree(rng, 0.40 + 0.35 * kennis + (0.12 if trained else 0))
        a["dilemmas"] = _agree(rng, 0.30 + 0.3 * kennis + (0.2 if lead else 0))
        a["opvangbekend"] = _yes(rng, 0.45 + 0.3 * kennis, unsure=0.3)
        a["integriteitsbeleid"] = _yes(rng, 0.80 + 0.15 * kennis, unsure=0.3)
        a["meldregeling"] = _yes(rng, 0.22 + 0.45 * kennis, unsure=0.3)
        a["protocolagressie"] = _yes(rng, 0.45 + 0.4 * kennis + publiek * 0.5, unsure=0.2)
        a["bibob"] = _yes(rng, 0.15 + 0.5 * kennis + druk, unsure=0.2)
        # Now and then a question is skipped.
        for qid in list(a):
            if rng.random() < 0.02:
                del a[qid]
        texts = {qid: rng.choice(lines) for qid, lines in OPEN_ANSWERS.items()
                 if rng.random() < (0.22 if qid == "verbetering" else 0.08)}
        started = START + dt.timedelta(days=int(rng.random() * DAYS), hours=int(rng.random() * 8),
                                       minutes=int(rng.random() * 60), seconds=int(rng.random() * 60))
        completed = started + dt.timedelta(minutes=6 + int(rng.random() * 10), seconds=int(rng.random() * 60))
        out.append(Respondent(number, afdeling, functie, rol, a, texts, started, completed))
    out.sort(key=lambda r: r.completed)       # tools list responses in the order they came in
    for n, r in enumerate(out, 1):
        r.number = n
    return out


def _groups(r: Respondent) -> dict[str, str]:
    return {"afdeling": r.afdeling, "functie": r.functie, "rol": r.rol}


def _value(r: Respondent, qid: str, kind: str) -> str:
    """What the respondent gave for a question, as a label (empty: skipped)."""
    if kind == GROEP:
        return _groups(r).get(qid, "")
    if kind == OPEN:
        return r.texts.get(qid, "")
    return r.answers.get(qid, "")


_CODE = re.compile(r"^(A\d+|Y|N)$")


def limesurvey_code(scale: SurveyScale, label: str) -> str:
    """The code LimeSurvey writes for an answer: Y/N for a yes/no question (a scale of two
    answers with those codes), else the list code A1, A2, ... the definition gives as synonym;
    the label itself when the definition gives no code."""
    codes = {c.label: [a for a in c.aliases if _CODE.match(a)] for c in scale.choices}
    yes_no = len(scale.choices) == 2 and all(any(a in ("Y", "N") for a in v) for v in codes.values())
    for code in codes.get(label, []):
        if yes_no == (code in ("Y", "N")):
            return code
    return label


def forms_bytes(survey: Survey, people: list[Respondent]) -> bytes:
    """The export as Microsoft Forms (Dutch) writes it: identifying columns first, then one
    column per question with the question text as its heading and the answer text."""
    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": f"Medewerkersenquête {GEMEENTE} (voorbeeld)", "comments": "Fictieve gegevens",
                       "created": START + dt.timedelta(days=DAYS + 1)})      # fixed: the same bytes every time
    ws = wb.add_worksheet("Sheet1")          # the name Forms gives its sheet
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    when = wb.add_format({"num_format": "d-m-yyyy h:mm:ss", "valign": "top"})
    cell = wb.add_format({"text_wrap": True, "valign": "top"})
    questions = list(survey.questions)
    first = len(FORMS_COLUMNS) + 1                 # the first question's column
    ws.write_row(0, 0, FORMS_COLUMNS + [FORMS_GEMEENTE] + [q.text for q in questions], head)
    ws.set_row(0, 120)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 17)
    ws.set_column(3, 3, 32)
    ws.set_column(4, 4, 15)
    ws.set_column(5, 6, 17)
    for c, q in enumerate(questions, first):
        ws.set_column(c, c, 40 if q.kind == OPEN else 24)
    for r, p in enumerate(people, 1):
        ws.write_number(r, 0, p.number)
        ws.write_datetime(r, 1, p.started, when)
        ws.write_datetime(r, 2, p.completed, when)
        ws.write_string(r, 3, f"medewerker{p.number}@voorbeeldstad.example")
        ws.write_string(r, 4, f"Medewerker {p.number}")
        ws.write_datetime(r, 5, p.completed, when)
        ws.write_string(r, 6, GEMEENTE, cell)
        for c, q in enumerate(questions, first):
            value = _value(p, q.id, q.kind)
            if value:
                ws.write_string(r, c, value, cell)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(people), first + len(questions) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)
    wb.close()
    return buf.getvalue()


def limesurvey_bytes(survey: Survey, people: list[Respondent]) -> bytes:
    """The export as LimeSurvey writes it with "vraagcode" headings and answer codes: comma
    separated, UTF-8 with a byte-order mark, every field quoted."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    questions = list(survey.questions)
    w.writerow(LIMESURVEY_COLUMNS + [LIMESURVEY_GEMEENTE] + [q.id for q in questions])
    seeds = random.Random(SEED + 1)
    for p in people:
        row = [str(p.number), p.completed.strftime("%Y-%m-%d %H:%M:%S"), "4", "nl", str(seeds.randrange(10**8, 10**9)),
               GEMEENTE]
        for q in questions:
            value = _value(p, q.id, q.kind)
            if value and q.kind != OPEN and q.scale_id:
                value = limesurvey_code(survey.scale(q.scale_id), value)
            row.append(value)
        w.writerow(row)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_example(folder: Path, force: bool = False, survey: Survey | None = None) -> list[Path]:
    """Write both example exports into `folder`; an existing file is not replaced without
    `force` (an OutputError, before anything is written)."""
    from .survey_definition import load
    survey = survey or load()
    folder = Path(folder)
    targets = [folder / FORMS_FILE, folder / LIMESURVEY_FILE]
    check_distinct({"de Forms-export": targets[0], "de LimeSurvey-export": targets[1]})
    for t in targets:
        check_target(t, force=force)
    people = respondents()
    write_atomic(targets[0], forms_bytes(survey, people), replace=force)
    write_atomic(targets[1], limesurvey_bytes(survey, people), replace=force)
    return targets
